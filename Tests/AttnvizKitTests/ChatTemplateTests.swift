import AttnvizModel
import Foundation
import Testing

@testable import AttnvizKit

/// The chat prompts of scripts/reference/make_chat_references.py: transformers'
/// apply_chat_template(add_generation_prompt=True) for SmolLM2's and Qwen2.5's real templates and
/// the Llama 3, Mistral (v0.1, v0.3) and Gemma 3 templates, as strings and as ids.
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
    #expect(Self.cases.count >= 30)
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
      #expect(try model.encode(prompt).ids == ids, "\(item.name): \(item.user.debugDescription)")
      compared += 1
    }
    #expect(compared >= 20)
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
}
