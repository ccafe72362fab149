import Foundation
import Testing

@testable import AttnvizModel

/// SmolLM2-135M-Instruct Q4_1 GGUF as `make model` installs it (models/ links to the
/// `make model` folder), and the transformers reference made from the same file by
/// scripts/reference/make_smollm2_reference.py.
enum SmolLM2 {
  static let path = packageRoot()
    .appendingPathComponent("models/SmolLM2-135M-Instruct/SmolLM2-135M-Instruct.Q4_1.gguf").path
  /// Present, or required (`modelsRequired`): then a missing file fails the tests.
  static var isPresent: Bool { FileManager.default.fileExists(atPath: path) || modelsRequired }
  static let absentNote: Comment = "the SmolLM2 GGUF is absent; run `make model` to enable"

  struct Reference: Decodable {
    struct TokenizerCase: Decodable {
      var text: String
      var ids: [Int]
      var tokens: [String]
    }
    struct Layer: Decodable {
      var layer: Int
      /// [head][query][key ≤ query], millionths.
      var heads: [[[Int]]]
    }
    struct AttentionCase: Decodable {
      var text: String
      var ids: [Int]
      var layers: [Layer]
    }
    var tokenizerCases: [TokenizerCase]
    var attentionCases: [AttentionCase]
    var attentionScale: Double
  }

  static let reference = Result {
    try snakeCaseDecoder.decode(
      Reference.self, from: Data(contentsOf: try fixtureURL("smollm2-gguf-reference.json")))
  }

  static let file = Result { try GGUFFile(path: path) }
}

/// Decodes the references' snake_case keys (`attention_scale`) into camelCase properties.
var snakeCaseDecoder: JSONDecoder {
  let decoder = JSONDecoder()
  decoder.keyDecodingStrategy = .convertFromSnakeCase
  return decoder
}

/// ATTNVIZ_REQUIRE_MODELS=1 (CI): the tests of the models `make model` fetches run even when the
/// model is missing, so a moved model fails them instead of skipping them.
let modelsRequired = ProcessInfo.processInfo.environment["ATTNVIZ_REQUIRE_MODELS"] == "1"
