import AttnvizModel
import AttnvizTokens
import Foundation

/// The chat-template families attnviz renders without a Jinja engine, recognised by the markers
/// in the model's template as llama.cpp's `llm_chat_detect_template` does. Each renders one
/// optional system message, one user message and the opened assistant turn exactly as the
/// family's templates do under transformers' `apply_chat_template(…, add_generation_prompt=True)`.
public enum ChatFamily: String, CaseIterable, Sendable {
  /// `<|im_start|>role\n…<|im_end|>\n` (SmolLM2, Qwen2.5, many fine-tunes).
  case chatml
  /// `<|start_header_id|>role<|end_header_id|>\n\n…<|eot_id|>` (Llama 3).
  case llama3
  /// `[INST] … [/INST]` (Mistral Instruct, Llama 2 chat without a system block).
  case mistral
  /// `<start_of_turn>user\n…<end_of_turn>\n<start_of_turn>model\n` (Gemma).
  case gemma

  /// "chatml, llama3, mistral, gemma" for messages.
  public static var list: String { allCases.map(\.rawValue).joined(separator: ", ") }

  /// The family a template's markers say, nil when none matches.
  public static func detect(_ template: String) -> ChatFamily? {
    if template.contains("<|im_start|>") { return .chatml }
    if template.contains("<|start_header_id|>") && template.contains("<|end_header_id|>") {
      return .llama3
    }
    if template.contains("<start_of_turn>") { return .gemma }
    if template.contains("[INST]") { return .mistral }
    return nil
  }
}

/// A template recognised: its family and what the template adds on its own.
struct ChatTemplate: Equatable {
  var family: ChatFamily
  /// ChatML templates that open with a system message of their own when none is given
  /// (SmolLM2: "You are a helpful AI assistant named SmolLM, …", Qwen2.5: "You are Qwen, …").
  var defaultSystem: String?
  /// The text of the tokenizer's start token, when the template writes `{{ bos_token }}`.
  var beginText: String?

  /// Mistral's older templates close the turn with " [/INST]", v0.3 with "[/INST]".
  var spacedClose = true

  init(family: ChatFamily, template: String?, beginText: String?) {
    self.family = family
    self.beginText = template?.contains("bos_token") == true ? beginText : nil
    defaultSystem = family == .chatml ? template.flatMap(Self.chatMLDefaultSystem) : nil
    if family == .mistral, let template {
      spacedClose = template.contains(" [/INST]") || !template.contains("[/INST]")
    }
  }

  /// The literal system message a ChatML template writes when the conversation has none: the
  /// text between `<|im_start|>system` + newline and `<|im_end|>` inside one string literal.
  static func chatMLDefaultSystem(_ template: String) -> String? {
    let opening = "<|im_start|>system"
    var search = template.startIndex..<template.endIndex
    while let found = template.range(of: opening, range: search) {
      search = found.upperBound..<template.endIndex
      var rest = template[found.upperBound...]
      if rest.hasPrefix("\\n") {
        rest = rest.dropFirst(2)
      } else if rest.hasPrefix("\n") {
        rest = rest.dropFirst()
      } else {
        continue
      }
      guard let end = rest.range(of: "<|im_end|>") else { continue }
      let body = rest[..<end.lowerBound]
      guard !body.isEmpty, !body.contains(where: { "'\"{}+".contains($0) }) else { continue }
      return unescapeJinja(String(body))
    }
    return nil
  }

  /// Jinja string escapes in a literal: \n, \t, \\, \', \".
  static func unescapeJinja(_ s: String) -> String {
    var out = ""
    var escaping = false
    for c in s {
      if escaping {
        switch c {
        case "n": out.append("\n")
        case "t": out.append("\t")
        default: out.append(c)
        }
        escaping = false
      } else if c == "\\" {
        escaping = true
      } else {
        out.append(c)
      }
    }
    return out
  }

  /// The prompt text: the system message (or the template's own), the user's message, and the
  /// assistant's opened turn.
  func render(user: String, system: String?) -> String {
    let begin = beginText ?? ""
    switch family {
    case .chatml:
      let systemText = system ?? defaultSystem
      return begin + (systemText.map { "<|im_start|>system\n\($0)<|im_end|>\n" } ?? "")
        + "<|im_start|>user\n\(user)<|im_end|>\n<|im_start|>assistant\n"
    case .llama3:
      // Llama 3's template trims each message.
      func turn(_ role: String, _ text: String) -> String {
        "<|start_header_id|>\(role)<|end_header_id|>\n\n" + trimmed(text) + "<|eot_id|>"
      }
      return begin + (system.map { turn("system", $0) } ?? "") + turn("user", user)
        + "<|start_header_id|>assistant<|end_header_id|>\n\n"
    case .mistral:
      // The system message opens the (last) user turn, as Mistral's v0.3 template writes it.
      let content = system.map { "\($0)\n\n\(user)" } ?? user
      return begin + "[INST] \(content)\(spacedClose ? " " : "")[/INST]"
    case .gemma:
      // Gemma has no system role: the system text opens the first user turn; the user's text
      // is trimmed (Gemma 3's `message['content'] | trim`).
      let content = (system.map { "\($0)\n\n" } ?? "") + trimmed(user)
      return begin + "<start_of_turn>user\n\(content)<end_of_turn>\n<start_of_turn>model\n"
    }
  }
}

/// Jinja's `trim`: Python's `str.strip()`, whitespace off both ends.
func trimmed(_ text: String) -> String {
  String(
    String.UnicodeScalarView(
      text.unicodeScalars.drop { $0.properties.isWhitespace }.reversed()
        .drop { $0.properties.isWhitespace }.reversed()))
}

/// The prompt a job runs on: the text itself, or with `--chat` the text as a user message in
/// the model's chat template (or the family `--chat-template` names).
func chatPrompt(_ text: String, model: TransformerModel, chat: ChatOptions?) throws -> String {
  guard let chat else { return text }
  return try chatPrompt(text, template: model.chatTemplate, chat: chat, modelName: model.info.name)
}

/// The user's `text` in `template` (or the family `chat` names). The text the tokenizer reads
/// leaves out `{{ bos_token }}`: the tokenizer adds its start token itself when the model wants
/// one, so the ids hold it once, as `apply_chat_template(tokenize=True)` gives them.
func chatPrompt(_ text: String, template: String?, chat: ChatOptions, modelName: String) throws
  -> String
{
  let family: ChatFamily
  if let chosen = chat.family {
    family = chosen
  } else if let template {
    guard let detected = ChatFamily.detect(template) else {
      throw AttnvizError.usage(
        "\(modelName)'s chat template is not one attnviz can render (it recognises "
          + "\(ChatFamily.list) by their markers); choose one with --chat-template FAMILY")
    }
    family = detected
  } else {
    throw AttnvizError.usage(
      "\(modelName) has no chat template (GGUF tokenizer.chat_template, or chat_template in "
        + "tokenizer_config.json); name its family with --chat-template FAMILY "
        + "(\(ChatFamily.list))")
  }
  return ChatTemplate(family: family, template: template, beginText: nil)
    .render(user: text, system: chat.system)
}
