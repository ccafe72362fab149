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

  /// Mistral's markers around the user's turn, as the template's own string literals write
  /// them: `' [INST] '` … `' [/INST]'` (v0.1/v0.2 as published now), `'[INST] '` …
  /// `' [/INST]'` (v0.1's first template), `'[INST] '` … `'[/INST]'` (v0.3), `"[INST]"` …
  /// `"[/INST]"` (Nemo's tekken form).
  var instOpen = "[INST] "
  var instClose = " [/INST]"
  /// Llama 3.1 and later: the system turn the template always writes, with its knowledge and
  /// date lines ("Cutting Knowledge Date: December 2023\nToday Date: 26 Jul 2024\n\n").
  var datedSystemHeader: String?
  /// Why this template takes no system message (transformers raises), if it takes none.
  var systemRefusal: String?

  init(family: ChatFamily, template: String?, beginText: String?) {
    self.family = family
    self.beginText = template?.contains("bos_token") == true ? beginText : nil
    defaultSystem = family == .chatml ? template.flatMap(Self.chatMLDefaultSystem) : nil
    guard let template else { return }
    switch family {
    case .mistral:
      instOpen =
        Self.literal(containing: "[INST]", in: template).map(Self.unescapeJinja) ?? instOpen
      instClose =
        Self.literal(containing: "[/INST]", in: template).map(Self.unescapeJinja) ?? instClose
      if !template.contains("system_message") {
        systemRefusal = "takes only user and assistant messages"
      }
    case .gemma:
      if template.contains("System role not supported") {
        systemRefusal = "has no system role (Gemma 1 and 2; Gemma 3's template has one)"
      }
    case .llama3:
      if let knowledge = Self.literal(containing: "Cutting Knowledge Date", in: template) {
        let date = Self.assignedString("date_string", in: template) ?? "26 Jul 2024"
        datedSystemHeader = Self.unescapeJinja(knowledge) + "Today Date: \(date)\n\n"
      }
    case .chatml:
      break
    }
  }

  /// The first string literal (quoted with ' or ") of `template` that holds `marker`, without
  /// its quotes and still escaped. One pass, whatever the template holds: the text before an
  /// occurrence is scanned back only to the one before it, and a closing quote found missing
  /// once is not looked for again (a template of many markers and no quote was quadratic).
  static func literal(containing marker: String, in template: String) -> String? {
    var search = template.startIndex..<template.endIndex
    var scanned = template.startIndex
    var open: String.Index?
    var noClosing: Set<Character> = []
    while let found = template.range(of: marker, range: search) {
      search = found.upperBound..<template.endIndex
      if let last = template[scanned..<found.lowerBound].lastIndex(where: {
        $0 == "'" || $0 == "\"" || $0 == "\n"
      }) {
        open = last
      }
      scanned = found.lowerBound
      guard let open, template[open] != "\n" else { continue }
      let quote = template[open]
      guard !noClosing.contains(quote),
        let close = template[found.upperBound...].firstIndex(of: quote)
      else {
        noClosing.insert(quote)
        continue
      }
      return String(template[template.index(after: open)..<close])
    }
    return nil
  }

  /// The string a template assigns to `name` last in `{% set name = "…" %}` (Llama 3.1's
  /// fallback `date_string`).
  /// (A closing quote found missing once is not looked for again: linear time.)
  static func assignedString(_ name: String, in template: String) -> String? {
    var found: String?
    var search = template.startIndex..<template.endIndex
    var noClosing: Set<Character> = []
    while let at = template.range(of: "set \(name) = ", range: search) {
      search = at.upperBound..<template.endIndex
      guard let quote = template[at.upperBound...].first, quote == "\"" || quote == "'",
        !noClosing.contains(quote)
      else {
        continue
      }
      let start = template.index(after: at.upperBound)
      guard let end = template[start...].firstIndex(of: quote) else {
        noClosing.insert(quote)
        continue
      }
      found = String(template[start..<end])
      search = end..<template.endIndex
    }
    return found
  }

  /// The literal system message a ChatML template writes when the conversation has none: the
  /// text between `<|im_start|>system` + newline and `<|im_end|>` inside one string literal.
  static func chatMLDefaultSystem(_ template: String) -> String? {
    let opening = "<|im_start|>system"
    var search = template.startIndex..<template.endIndex
    // The first `<|im_end|>` and the first character no literal text holds, each at or after
    // the body being read; found again only once the bodies pass them (linear time).
    var end: Range<String.Index>?
    var bad: String.Index?
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
      if end.map({ $0.lowerBound < rest.startIndex }) ?? true {
        end = template.range(of: "<|im_end|>", range: rest.startIndex..<template.endIndex)
      }
      guard let end else { return nil }
      if bad.map({ $0 < rest.startIndex }) ?? true {
        bad = rest.firstIndex(where: { "'\"{}+".contains($0) }) ?? template.endIndex
      }
      guard end.lowerBound > rest.startIndex, let bad, bad >= end.lowerBound else { continue }
      return unescapeJinja(String(template[rest.startIndex..<end.lowerBound]))
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
    pieces(user: user, system: system).map(\.text).joined()
  }

  /// The prompt as its parts, each with the role it belongs to and whether the template wrote
  /// it (a marker) or a message did (its content), in order; joined they are `render`'s text.
  func pieces(user: String, system: String?) -> [ChatPiece] {
    var out: [ChatPiece] = []
    func marker(_ text: String, _ role: ChatRole) {
      out.append(ChatPiece(text, role, marker: true))
    }
    func content(_ text: String, _ role: ChatRole) {
      out.append(ChatPiece(text, role, marker: false))
    }
    if let beginText { out.append(ChatPiece(beginText, nil, marker: true)) }
    switch family {
    case .chatml:
      if let systemText = system ?? defaultSystem {
        marker("<|im_start|>system\n", .system)
        content(systemText, .system)
        marker("<|im_end|>\n", .system)
      }
      marker("<|im_start|>user\n", .user)
      content(user, .user)
      marker("<|im_end|>\n", .user)
      marker("<|im_start|>assistant\n", .assistant)
    case .llama3:
      // Llama 3's template trims each message.
      func turn(_ role: ChatRole, _ text: String) {
        marker("<|start_header_id|>\(role.rawValue)<|end_header_id|>\n\n", role)
        content(trimmed(text), role)
        marker("<|eot_id|>", role)
      }
      if let header = datedSystemHeader {
        // Llama 3.1+: the system turn is always there, its text after the knowledge date.
        marker("<|start_header_id|>system<|end_header_id|>\n\n" + header, .system)
        content(trimmed(system ?? ""), .system)
        marker("<|eot_id|>", .system)
      } else if let system {
        turn(.system, system)
      }
      turn(.user, user)
      marker("<|start_header_id|>assistant<|end_header_id|>\n\n", .assistant)
    case .mistral:
      // The system message opens the (only) user turn, as Mistral's templates write it.
      marker(instOpen, .user)
      if let system {
        content(system, .system)
        marker("\n\n", .system)
      }
      content(user, .user)
      marker(instClose, .assistant)
    case .gemma:
      // Gemma has no system role: the system text opens the first user turn; the user's text
      // is trimmed (Gemma 3's `message['content'] | trim`).
      marker("<start_of_turn>user\n", .user)
      if let system {
        content(system, .system)
        marker("\n\n", .system)
      }
      content(trimmed(user), .user)
      marker("<end_of_turn>\n", .user)
      marker("<start_of_turn>model\n", .assistant)
    }
    return out.filter { !$0.text.isEmpty }
  }
}

/// Who a part of a chat prompt belongs to.
public enum ChatRole: String, Sendable, CaseIterable {
  case system, user, assistant
}

/// One part of a rendered chat prompt: a template marker (`<|im_start|>user` + newline) or a
/// message's text, with its role (nil: the start token, before any turn).
public struct ChatPiece: Equatable, Sendable {
  public var text: String
  public var role: ChatRole?
  public var isMarker: Bool

  public init(_ text: String, _ role: ChatRole?, marker: Bool) {
    self.text = text
    self.role = role
    self.isMarker = marker
  }
}

/// A chat prompt: its text and the parts it is made of.
public struct ChatPrompt: Equatable, Sendable {
  public var pieces: [ChatPiece]
  public var text: String { pieces.map(\.text).joined() }

  /// Each token's part of the prompt: the piece holding the token's first byte. Special tokens
  /// carry no source range; they are found where the text goes on after the token before them.
  /// A token the text does not hold (the tokenizer's start token) has none.
  public func pieceIndices(of tokens: [Token]) -> [Int?] {
    let bytes = Array(text.utf8)
    var starts: [Int] = []
    var offset = 0
    for piece in pieces {
      starts.append(offset)
      offset += piece.text.utf8.count
    }
    func piece(at byte: Int) -> Int? {
      guard byte < offset else { return nil }
      return starts.lastIndex { $0 <= byte }
    }
    var cursor = 0
    return tokens.map { token in
      if let range = token.sourceRange {
        cursor = range.upperBound
        return piece(at: range.lowerBound)
      }
      let raw = Array(token.text.utf8)
      guard !raw.isEmpty, cursor + raw.count <= bytes.count,
        Array(bytes[cursor..<cursor + raw.count]) == raw
      else { return nil }
      defer { cursor += raw.count }
      return piece(at: cursor)
    }
  }
}

/// Jinja's `trim`: Python's `str.strip()`, whitespace off both ends. Python's whitespace
/// (`str.isspace`) is Unicode's White_Space and the four information separators U+001C–U+001F.
func trimmed(_ text: String) -> String {
  func isSpace(_ scalar: Unicode.Scalar) -> Bool {
    scalar.properties.isWhitespace || (0x1C...0x1F).contains(scalar.value)
  }
  return String(
    String.UnicodeScalarView(
      text.unicodeScalars.drop(while: isSpace).reversed().drop(while: isSpace).reversed()))
}

/// The prompt a job runs on: the text itself, or with `--chat` the text as a user message in
/// the model's chat template (or the family `--chat-template` names).
func chatPrompt(_ text: String, model: TransformerModel, chat: ChatOptions?) throws -> String {
  guard let chat else { return text }
  return try chatPromptPieces(
    text, template: model.chatTemplate, chat: chat, modelName: model.info.name
  ).text
}

/// The prompt of `--chat` as its parts (nil without `--chat`).
func chatPromptPieces(_ text: String, model: TransformerModel, chat: ChatOptions?) throws
  -> ChatPrompt?
{
  guard let chat else { return nil }
  return try chatPromptPieces(
    text, template: model.chatTemplate, chat: chat, modelName: model.info.name)
}

/// The user's `text` in `template` (or the family `chat` names). The text the tokenizer reads
/// leaves out `{{ bos_token }}`: the tokenizer adds its start token itself when the model wants
/// one, so the ids hold it once, as `apply_chat_template(tokenize=True)` gives them.
func chatPrompt(_ text: String, template: String?, chat: ChatOptions, modelName: String) throws
  -> String
{
  try chatPromptPieces(text, template: template, chat: chat, modelName: modelName).text
}

func chatPromptPieces(
  _ text: String, template: String?, chat: ChatOptions, modelName: String
) throws -> ChatPrompt {
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
  let chosen = ChatTemplate(family: family, template: template, beginText: nil)
  if chat.system != nil, let refusal = chosen.systemRefusal {
    throw AttnvizError.usage(
      "\(modelName)'s chat template \(refusal), so --system cannot be rendered as transformers "
        + "would; leave out --system, or put the instruction into the text")
  }
  return ChatPrompt(pieces: chosen.pieces(user: text, system: chat.system))
}
