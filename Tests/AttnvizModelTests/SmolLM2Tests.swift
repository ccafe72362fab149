import AttnvizTokens
import Foundation
import Testing

@testable import AttnvizModel

/// SmolLM2-135M-Instruct as a Hugging Face safetensors folder, attnviz's folder path on a real
/// modern decoder, against transformers (Fixtures/smollm2-reference.json). `make model`
/// (smollm2-safetensors) converts the GGUF into models/SmolLM2-135M-Instruct-safetensors (540 MB,
/// not committed) with scripts/reference/make_smollm2_safetensors.py: byte for byte the folder
/// transformers saves from the GGUF (scripts/reference/make_smollm2_folder.py). The test runs when
/// the folder is there; with ATTNVIZ_REQUIRE_MODELS=1 (CI) a missing folder fails instead of
/// skipping.
@Suite("SmolLM2-135M-Instruct")
struct SmolLM2Tests {
  static let folder = packageRoot().appendingPathComponent(
    "models/SmolLM2-135M-Instruct-safetensors")
  static let present =
    FileManager.default.fileExists(
      atPath: folder.appendingPathComponent("model.safetensors").path)
    || ProcessInfo.processInfo.environment["ATTNVIZ_REQUIRE_MODELS"] == "1"

  struct Reference: Decodable {
    struct Case: Decodable {
      var text: String
      var ids: [Int]
      var layers: [Int]
      var attentions: [[[[Int]]]]
    }
    var cases: [Case]
  }

  static func model(ids: [Int]) throws -> TransformerModel {
    let config = try TransformerConfig(
      configJSON: try Data(contentsOf: folder.appendingPathComponent("config.json")),
      path: folder.path)
    return try TransformerModel(
      config: config, tensors: try SafeTensorsCheckpoint(folder: folder.path),
      tokenizer: ReferenceIDs(ids: ids), name: "SmolLM2-135M-Instruct")
  }

  @Test(
    .enabled(
      if: present,
      "models/SmolLM2-135M-Instruct-safetensors is absent; run `make model`"))
  func attentionMatchesTransformers() throws {
    let url = try fixtureURL("smollm2-reference.json")
    let reference = try JSONDecoder().decode(Reference.self, from: Data(contentsOf: url))
    for item in reference.cases {
      let model = try Self.model(ids: item.ids)
      #expect(model.info.layers == 30 && model.info.heads == 9 && model.info.keyValueHeads == 3)
      let trace = try model.trace(item.text)
      var worst = 0.0
      for (index, layer) in item.layers.enumerated() {
        for (h, head) in item.attentions[index].enumerated() {
          let ours = trace.layers[layer].weights[h]
          for (q, row) in head.enumerated() {
            for (k, value) in row.enumerated() {
              worst = max(worst, abs(ours[q, k] - Double(value) / 1e6))
            }
          }
        }
      }
      #expect(worst < 1e-4, "\(item.text.prefix(20)): max abs difference \(worst)")
    }
    // The lecture's example through the folder's own tokenizer.json: "it" looks at "animal"
    // in layer 14, head 9 (1-based).
    let lecture = reference.cases[0]
    let model = try TransformerModel(folder: Self.folder.path)
    for item in reference.cases {
      #expect(try model.tokenizer.tokenize(item.text).map(\.id) == item.ids)
    }
    let trace = try model.trace(lecture.text)
    let it = try #require(lecture.ids.firstIndex(of: 357))
    let animal = try #require(lecture.ids.firstIndex(of: 3161))
    #expect(abs(trace.layers[13].weights[8][it, animal] - 0.75) < 0.01)
  }
}
