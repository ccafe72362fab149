import Foundation
import Testing

@testable import AttnvizModel

/// The real GGUF files `make model` installs (models/ links to the `make model` folder), each
/// with a transformers reference made from the same file: SmolLM2-135M-Instruct Q4_1 by
/// scripts/reference/make_smollm2_reference.py, Qwen2.5 and Gemma 3 by
/// make_real_gguf_reference.py (Fixtures/real-gguf/). Each model is loaded once for every suite
/// that reads it. Absent models skip, unless ATTNVIZ_REQUIRE_MODELS=1 (CI), which makes their
/// absence a failure.
enum RealGGUF: String, CaseIterable, Sendable, CustomTestStringConvertible {
  case smollm2 = "SmolLM2-135M-Instruct/SmolLM2-135M-Instruct.Q4_1.gguf"
  case qwen2 = "Qwen2.5-Coder-0.5B-Instruct/qwen2.5-coder-0.5b-instruct-q4_k_m.gguf"
  case gemma3 = "gemma-3-270m/gemma-3-270m-q4_k_m.gguf"

  var testDescription: String { "\(self)" }

  var path: String { packageRoot().appendingPathComponent("models/\(rawValue)").path }

  /// Present, or required (`modelsRequired`): then a missing file fails the tests.
  var isPresent: Bool { modelsRequired || FileManager.default.fileExists(atPath: path) }
  var absentNote: Comment { "\(rawValue) is absent; run `make model` to enable" }

  func reference() throws -> ModelReference {
    let name = self == .smollm2 ? "smollm2-gguf-reference.json" : "real-gguf/\(self)-reference.json"
    return try snakeCaseDecoder.decode(
      ModelReference.self, from: Data(contentsOf: try fixtureURL(name)))
  }

  /// The loaded model, nil when its file is absent (a skip) unless ATTNVIZ_REQUIRE_MODELS=1,
  /// when the absence is thrown as the test's failure.
  func model() throws -> TransformerModel? {
    guard isPresent else { return nil }
    switch self {
    case .smollm2: return try Self.loadedSmolLM2.get()
    case .qwen2: return try Self.loadedQwen2.get()
    case .gemma3: return try Self.loadedGemma3.get()
    }
  }

  /// One load per model for the whole run, made when a test first asks for it.
  private static let loadedSmolLM2 = Result { try TransformerModel(gguf: RealGGUF.smollm2.path) }
  private static let loadedQwen2 = Result { try TransformerModel(gguf: RealGGUF.qwen2.path) }
  private static let loadedGemma3 = Result { try TransformerModel(gguf: RealGGUF.gemma3.path) }

  /// SmolLM2's file itself, for the tokenizer built from its metadata.
  static let smollm2File = Result { try GGUFFile(path: RealGGUF.smollm2.path) }
}

/// A transformers reference of a real model file: token ids on hard texts, and attention on
/// every layer and head.
struct ModelReference: Decodable {
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
  /// A text longer than a sliding window (Gemma 3): the last query's row on a local and a
  /// global layer.
  struct LongCase: Decodable {
    var text: String
    var tokens: Int
    var ids: [Int]
    var localLayer: Int
    var globalLayer: Int
    /// layer → [head][key], the last query's row, millionths.
    var lastRows: [String: [[Int]]]
  }
  var tokenizerCases: [TokenizerCase]
  var attentionCases: [AttentionCase]
  var longCase: LongCase?
  var attentionScale: Double
}

extension ModelReference {
  /// The largest |attnviz − transformers| over every layer, head, query and key of `expected`,
  /// and where (layer and head counted from 1).
  func worstDifference(_ trace: AttentionTrace, _ expected: AttentionCase) -> (
    difference: Double, at: String
  ) {
    var worst = (difference: 0.0, at: "")
    for layer in expected.layers {
      for (h, head) in layer.heads.enumerated() {
        let ours = trace.layers[layer.layer].weights[h]
        for (q, row) in head.enumerated() {
          for (k, value) in row.enumerated() {
            let difference = abs(ours[q, k] - Double(value) / attentionScale)
            if difference > worst.difference {
              worst = (difference, "layer \(layer.layer + 1) head \(h + 1) query \(q) key \(k)")
            }
          }
        }
      }
    }
    return worst
  }
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
