import AttnvizFiles
import AttnvizTokens
import Foundation

extension TransformerModel {
  /// The end-of-turn markers of the chat families, which end an answer when the vocabulary has
  /// them as added tokens (ChatML, Llama 3, Gemma, Phi-3, GPT-2 and Qwen's end of text).
  static let endOfTurnMarkers = [
    "<|im_end|>", "<|eot_id|>", "<end_of_turn>", "<|end|>", "<|endoftext|>",
  ]

  /// Ids that end an answer: the end-of-sequence ids the model declares (GGUF
  /// `tokenizer.ggml.eos_token_id` and `eot_token_id`; `eos_token_id` of config.json and
  /// generation_config.json, a number or a list) and the end-of-turn markers its vocabulary
  /// has. Sorted, without repeats.
  public var stopTokenIDs: [Int] {
    var ids: Set<Int> = []
    if let file = (tensors as? GGUFCheckpoint)?.file {
      for key in ["tokenizer.ggml.eos_token_id", "tokenizer.ggml.eot_token_id"] {
        if let id = file.header.value(key)?.intValue { ids.insert(id) }
      }
    } else {
      for name in ["config.json", "generation_config.json"] {
        let path = URL(fileURLWithPath: location).appendingPathComponent(name).path
        guard FileManager.default.fileExists(atPath: path),
          let object = try? readConfigObject(path)
        else { continue }
        let eos = object["eos_token_id"]
        if let id = eos?.int { ids.insert(id) }
        if let list = eos?.array { ids.formUnion(list.compactMap(\.int)) }
      }
    }
    if let decoder = tokenizer as? any TokenDecoding {
      for marker in Self.endOfTurnMarkers {
        if let id = decoder.addedTokenID(marker) { ids.insert(id) }
      }
    }
    return ids.filter { (0..<config.vocabularySize).contains($0) }.sorted()
  }

  /// The chat template the model carries: GGUF `tokenizer.chat_template`, or a folder's
  /// `chat_template.jinja` or the `chat_template` of its tokenizer_config.json (a string, or the
  /// entry named "default" of a list). nil when it has none.
  public var chatTemplate: String? {
    if let file = (tensors as? GGUFCheckpoint)?.file {
      return file.header.value("tokenizer.chat_template")?.stringValue
    }
    let folder = URL(fileURLWithPath: location)
    let jinja = folder.appendingPathComponent("chat_template.jinja").path
    if FileManager.default.fileExists(atPath: jinja),
      let bytes = try? BoundedFile.read(
        jinja, what: "chat_template.jinja", limit: FileLimits.configFile)
    {
      return String(decoding: bytes, as: UTF8.self)
    }
    let path = folder.appendingPathComponent("tokenizer_config.json").path
    guard FileManager.default.fileExists(atPath: path), let object = try? readConfigObject(path)
    else { return nil }
    if let text = object["chat_template"]?.string { return text }
    if let list = object["chat_template"]?.array {
      return list.first { $0["name"]?.string == "default" }?["template"]?.string
    }
    return nil
  }
}
