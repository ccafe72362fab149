import AttnvizModel
import AttnvizTokens
import Foundation
import Testing

@testable import AttnvizKit

/// The chat prompts of scripts/reference/make_chat_references.py: transformers'
/// apply_chat_template(add_generation_prompt=True) for SmolLM2's and Qwen2.5's real templates and
/// the Llama 3, 3.1 (= 3.3) and 3.2, Mistral (v0.1, v0.3, tekken) and Gemma 2 and 3 templates, as
/// strings and as ids; with and without a system message, and with messages whose ends hold
/// whitespace that Jinja's trim strips (U+001F, U+3000) and a character it keeps (U+200B).
@Suite struct ChatTemplateTests {
  struct Case: Decodable {
    var name: String
    var template: String
    var begin: String?
    var system: String?
    var user: String
    var rendered: String
    var tokenizer: String?
    var ids: [Int]?
  }

  static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent()
  static let cases: [Case] = {
    let url = root.appendingPathComponent(
      "Tests/AttnvizModelTests/Fixtures/chat-references.json")
    struct File: Decodable { var cases: [Case] }
    guard let data = try? Data(contentsOf: url),
      let file = try? JSONDecoder().decode(File.self, from: data)
    else { return [] }
    return file.cases
  }()

  @Test func everyFamilyIsCovered() {
    let families = Set(Self.cases.compactMap { ChatFamily.detect($0.template) })
    #expect(families == Set(ChatFamily.allCases))
    #expect(Self.cases.count >= 100)
  }

  @Test func renderedStringsAreTransformers() {
    for item in Self.cases {
      guard let family = ChatFamily.detect(item.template) else {
        Issue.record("\(item.name): no family detected")
        continue
      }
      let rendered = ChatTemplate(family: family, template: item.template, beginText: item.begin)
        .render(user: item.user, system: item.system)
      #expect(
        rendered == item.rendered,
        "\(item.name) system \(item.system ?? "-") user \(item.user.debugDescription)")
    }
  }

  /// Through the model's tokenizer: the prompt text attnviz runs (without the start token,
  /// which the tokenizer adds) gives apply_chat_template(tokenize=True)'s ids.
  @Test func idsAreTransformers() throws {
    var models: [String: TransformerModel] = [:]
    var compared = 0
    for item in Self.cases {
      guard let name = item.tokenizer, let ids = item.ids else { continue }
      if models[name] == nil {
        if name == "smollm2" {
          let path = Self.root.appendingPathComponent(
            "models/SmolLM2-135M-Instruct/SmolLM2-135M-Instruct.Q4_1.gguf"
          ).path
          guard FileManager.default.fileExists(atPath: path) else { continue }
          models[name] = try TransformerModel(gguf: path)
        } else {
          models[name] = try TransformerModel(
            folder: Self.root.appendingPathComponent(
              "Tests/AttnvizModelTests/Fixtures/engine/\(name)"
            ).path)
        }
      }
      guard let model = models[name] else { continue }
      let prompt = try chatPrompt(
        item.user, template: item.template, chat: ChatOptions(system: item.system),
        modelName: name)
      // The tokenizer itself: Llama 3.2's dated system turn passes the tiny fixture's 128
      // positions, which is the model's limit, not the tokenizer's.
      let tokens = try model.tokenizer.tokenize(prompt)
      #expect(tokens.compactMap(\.id) == ids, "\(item.name): \(item.user.debugDescription)")
      compared += 1
    }
    #expect(compared >= 90)
  }

  @Test func unknownTemplatesNameTheFamilies() {
    #expect(throws: AttnvizError.self) {
      try chatPrompt(
        "Hi", template: "{{ messages[0]['content'] }}", chat: ChatOptions(), modelName: "m")
    }
    do {
      _ = try chatPrompt("Hi", template: nil, chat: ChatOptions(), modelName: "m")
    } catch let error as AttnvizError {
      #expect("\(error)".contains("chatml, llama3, mistral, gemma"))
    } catch {
      Issue.record("unexpected \(error)")
    }
  }

  @Test func chatMLDefaultSystemComesFromTheTemplate() {
    let smol =
      "{% if loop.first and messages[0]['role'] != 'system' %}{{ '<|im_start|>system\nYou are "
      + "SmolLM<|im_end|>\n' }}{% endif %}"
    #expect(ChatTemplate.chatMLDefaultSystem(smol) == "You are SmolLM")
    let escaped = "{{- '<|im_start|>system\\nYou are Qwen.<|im_end|>\\n' }}"
    #expect(ChatTemplate.chatMLDefaultSystem(escaped) == "You are Qwen.")
    #expect(ChatTemplate.chatMLDefaultSystem("{{ '<|im_start|>system\\n' + x }}") == nil)
  }

  /// The pieces joined are the rendered prompt, and each token finds its piece: special tokens
  /// (no source range) where the text goes on after the token before them.
  @Test func tokensFindTheirRoles() throws {
    let prompt = try chatPromptPieces(
      "Hi!", template: "<|im_start|>", chat: ChatOptions(system: "Be brief."), modelName: "m")
    #expect(
      prompt.text
        == "<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\nHi!<|im_end|>\n<|im_start|>assistant\n"
    )
    func token(_ text: String, _ range: Range<Int>?) -> Token {
      Token(text, isSpecial: range == nil, sourceRange: range)
    }
    let bytes = Array(prompt.text.utf8)
    func range(of piece: String, after start: Int) -> Range<Int> {
      let p = Array(piece.utf8)
      let at = (start...(bytes.count - p.count)).first { Array(bytes[$0..<$0 + p.count]) == p } ?? 0
      return at..<at + p.count
    }
    let system = range(of: "system\n", after: 0)
    let brief = range(of: "Be brief.", after: 0)
    let hi = range(of: "Hi!", after: 0)
    let tokens = [
      token("<s>", nil), token("<|im_start|>", nil), token("system", system),
      token("Be brief.", brief), token("<|im_end|>", nil), token("Hi!", hi),
      token("<|im_end|>", nil),
    ]
    let pieces = prompt.pieceIndices(of: tokens).map { $0.map { prompt.pieces[$0] } }
    #expect(pieces[0] == nil)
    #expect(pieces[1]?.role == .system && pieces[1]?.isMarker == true)
    #expect(pieces[2]?.role == .system && pieces[2]?.isMarker == true)
    #expect(pieces[3]?.role == .system && pieces[3]?.isMarker == false)
    #expect(pieces[4]?.role == .system && pieces[4]?.isMarker == true)
    #expect(pieces[5]?.role == .user && pieces[5]?.isMarker == false)
    #expect(pieces[6]?.role == .user && pieces[6]?.isMarker == true)
  }

  /// Templates that raise on a system message under transformers (Mistral v0.1's first one,
  /// Gemma 1 and 2) refuse --system instead of rendering something transformers never would.
  @Test func templatesWithoutASystemRoleRefuseSystem() throws {
    for name in ["mistral-v1", "gemma2"] {
      let item = try #require(Self.cases.first { $0.name == name })
      #expect(
        throws: AttnvizError.self,
        "\(name)",
        performing: {
          try chatPrompt(
            "Hi", template: item.template, chat: ChatOptions(system: "Be brief."), modelName: name)
        })
      #expect(
        try chatPrompt("Hi", template: item.template, chat: ChatOptions(), modelName: name)
          .hasSuffix(
            "Hi" + (name == "gemma2" ? "<end_of_turn>\n<start_of_turn>model\n" : " [/INST]")))
    }
  }

  /// Llama 3.1+ always opens with a system turn holding the knowledge and date lines, with or
  /// without --system: 3.1's template writes its own date (transformers passes none), and attnviz
  /// writes the same date for 3.2, whose template takes today's under transformers (the
  /// reference script checks that only that line differs). The lines are the template's: a pale
  /// system marker in the figures, the system message (trimmed) after them.
  @Test func llamaDateLinesAreTheTemplates() throws {
    let dated = "Cutting Knowledge Date: December 2023\nToday Date: 26 Jul 2024\n\n"
    for name in ["llama3.1", "llama3.2"] {
      let items = Self.cases.filter { $0.name == name }
      #expect(items.count == 12, "\(name)")
      for item in items {
        #expect(
          item.rendered.hasPrefix(
            "<|begin_of_text|><|start_header_id|>system<|end_header_id|>\n\n" + dated))
        let template = ChatTemplate(family: .llama3, template: item.template, beginText: nil)
        #expect(template.datedSystemHeader == dated)
        let pieces = template.pieces(user: item.user, system: item.system)
        #expect(pieces[0].role == .system && pieces[0].isMarker && pieces[0].text.hasSuffix(dated))
        if let system = item.system {
          #expect(pieces[1] == ChatPiece(trimmed(system), .system, marker: false))
        } else {
          #expect(pieces[1] == ChatPiece("<|eot_id|>", .system, marker: true))
        }
      }
    }
    // Llama 3 (3.0) writes no system turn of its own.
    let plain = try #require(Self.cases.first { $0.name == "llama3" && $0.system == nil })
    #expect(!plain.rendered.contains("<|start_header_id|>system"))
  }

  /// Jinja's trim is Python's strip(): U+001C–U+001F go with Unicode's spaces; U+200B stays.
  @Test func trimIsPythons() {
    #expect(trimmed("\u{1E}\u{3000}\u{A0}Why?\u{200B}\u{2028}\u{1F} \u{2003}") == "Why?\u{200B}")
    #expect(trimmed("\u{1C}\u{1D}") == "")
    #expect(trimmed("a\u{1F}b") == "a\u{1F}b")
  }

  /// Every template family variant the references hold is rendered (llama 3.2's dated system
  /// turn, Mistral's four spacings, Gemma 2 and 3).
  @Test func everyVariantIsInTheReferences() {
    let names = Set(Self.cases.map(\.name))
    #expect(
      names.isSuperset(of: [
        "smollm2", "llama3", "llama3.1", "llama3.2", "mistral-v1", "mistral-v1-system",
        "mistral-v3",
        "mistral-tekken", "gemma2", "gemma3",
      ]))
  }
}
