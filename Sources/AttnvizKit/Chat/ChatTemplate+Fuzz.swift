/// `FuzzChatTemplate`: any bytes as a model's chat template (what a GGUF file's
/// `tokenizer.chat_template` or a tokenizer_config.json's `chat_template` holds). The family is
/// detected from the markers (else every family is tried), the template's literals read (Mistral's
/// markers, Llama 3.1's dated system turn, ChatML's own system message), and the prompt rendered
/// with and without a system message. Traps when the parts do not join to the prompt or the
/// user's message is lost. Returns the prompts' total length.
public func fuzzChatTemplate(_ bytes: [UInt8]) -> Int {
  guard let template = String(bytes: bytes, encoding: .utf8) else { return 0 }
  let families = ChatFamily.detect(template).map { [$0] } ?? ChatFamily.allCases
  var total = 0
  for family in families {
    let chosen = ChatTemplate(family: family, template: template, beginText: "<s>")
    for system in [nil, "Be brief."] {
      let pieces = chosen.pieces(user: "Hello there", system: system)
      let text = chosen.render(user: "Hello there", system: system)
      precondition(pieces.map(\.text).joined() == text, "the parts do not join to the prompt")
      precondition(text.contains("Hello there"), "the user's message is lost")
      total += text.utf8.count
    }
  }
  return total
}
