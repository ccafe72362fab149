import AttnvizTokens
import Foundation
import Testing

@testable import AttnvizModel

/// The real GGUF files `make model` installs, against transformers loading the same file
/// (scripts/reference/make_real_gguf_reference.py → Fixtures/real-gguf/): token ids on hard
/// texts, and attention on every layer and head. Absent models skip, unless
/// ATTNVIZ_REQUIRE_MODELS=1 (CI), which makes their absence a failure.
enum RealGGUF: String, CaseIterable, Sendable, CustomTestStringConvertible {
  case qwen2 = "Qwen2.5-Coder-0.5B-Instruct/qwen2.5-coder-0.5b-instruct-q4_k_m.gguf"
  case gemma3 = "gemma-3-270m/gemma-3-270m-q4_k_m.gguf"

  var testDescription: String { referenceName }

  var path: String { packageRoot().appendingPathComponent("models/\(rawValue)").path }
  var referenceName: String { self == .qwen2 ? "qwen2" : "gemma3" }

  static var required: Bool { ProcessInfo.processInfo.environment["ATTNVIZ_REQUIRE_MODELS"] == "1" }
  static var anyPresent: Bool {
    required || allCases.contains { FileManager.default.fileExists(atPath: $0.path) }
  }
  static let absentNote: Comment = "the Qwen2.5 and Gemma 3 GGUF files are absent; run `make model`"

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

  func reference() throws -> Reference {
    try snakeCaseDecoder.decode(
      Reference.self,
      from: Data(contentsOf: try fixtureURL("real-gguf/\(referenceName)-reference.json")))
  }

  /// Loaded once per model for the whole suite.
  static let models: [RealGGUF: Result<TransformerModel, any Error>] = Dictionary(
    uniqueKeysWithValues: allCases.map { model in
      (model, Result { try TransformerModel(gguf: model.path) })
    })

  /// The loaded model, nil when its file is absent (a skip) unless ATTNVIZ_REQUIRE_MODELS=1,
  /// when the absence is thrown as the test's failure.
  func model() throws -> TransformerModel? {
    guard Self.required || FileManager.default.fileExists(atPath: path) else { return nil }
    return try Self.models[self]!.get()
  }
}

@Suite(
  "Qwen2.5 and Gemma 3 GGUF against transformers",
  .enabled(if: RealGGUF.anyPresent, RealGGUF.absentNote))
struct RealGGUFTests {
  @Test(arguments: RealGGUF.allCases)
  func idsEqualTransformers(_ which: RealGGUF) throws {
    guard let model = try which.model() else { return }
    let reference = try which.reference()
    #expect(reference.tokenizerCases.count == 28)
    let tokenizer = try #require(model.tokenizer as? HFTokenizer)
    // attnviz refuses an empty text before tokenizing; transformers gives it BOS alone.
    for expected in reference.tokenizerCases where !expected.text.isEmpty {
      let ids = try tokenizer.ids(expected.text)
      #expect(ids == expected.ids, "\(expected.text.debugDescription): \(expected.tokens)")
    }
  }

  @Test(arguments: RealGGUF.allCases)
  func attentionMatchesTransformersOnEveryLayerAndHead(_ which: RealGGUF) throws {
    guard let model = try which.model() else { return }
    let reference = try which.reference()
    for expected in reference.attentionCases {
      let trace = try model.trace(expected.text, stepsLayer: nil)
      #expect(trace.tokens.map(\.id) == expected.ids)
      #expect(expected.layers.count == model.config.layers)
      var worst = (difference: 0.0, at: "")
      for layer in expected.layers {
        #expect(layer.heads.count == model.config.heads)
        for (h, head) in layer.heads.enumerated() {
          let ours = trace.layers[layer.layer].weights[h]
          for (q, row) in head.enumerated() {
            for (k, value) in row.enumerated() {
              let difference = abs(ours[q, k] - Double(value) / reference.attentionScale)
              if difference > worst.difference {
                worst = (difference, "layer \(layer.layer + 1) head \(h + 1) query \(q) key \(k)")
              }
            }
          }
        }
      }
      #expect(
        worst.difference < 1e-4,
        "\(which): max |attnviz − transformers| = \(worst.difference) at \(worst.at)")
    }
  }

  /// A text longer than Gemma 3's window of 512: the last query of a local layer sees exactly
  /// its 512 latest keys (the rest 0), a global layer all of them, both as transformers has them.
  @Test func gemmaSlidingWindowOnALongText() throws {
    guard let model = try RealGGUF.gemma3.model() else { return }
    let long = try #require(try RealGGUF.gemma3.reference().longCase)
    // The reference keeps the first 600 tokens of the text: run the engine on those ids.
    let tokenizer = try #require(model.tokenizer as? HFTokenizer)
    #expect(try Array(tokenizer.ids(long.text).prefix(long.tokens)) == long.ids)
    let pass = ForwardPass(
      config: model.config, tensors: model.tensors, table: model.table, name: "gemma",
      stepsLayer: nil)
    let trace = try pass.run(ids: long.ids)
    let t = long.tokens
    for layer in [long.localLayer, long.globalLayer] {
      let rows = try #require(long.lastRows[String(layer)])
      for (h, row) in rows.enumerated() {
        let ours = trace[layer].weights[h]
        let worst = row.indices.map { abs(ours[t - 1, $0] - Double(row[$0]) / 1e6) }.max() ?? 1
        #expect(worst < 1e-4, "layer \(layer + 1) head \(h + 1): \(worst)")
      }
    }
    let local = trace[long.localLayer].weights[0]
    #expect((0..<(t - 512)).allSatisfy { local[t - 1, $0] == 0 })
    #expect(local[t - 1, t - 512] > 0)
    let global = trace[long.globalLayer].weights[0]
    #expect((0..<t).allSatisfy { global[t - 1, $0] > 0 })
  }

  @Test func gemmaConfigurationFromMetadata() throws {
    guard let model = try RealGGUF.gemma3.model() else { return }
    let config = model.config
    #expect(config.architecture == .gemma3)
    #expect(config.layers == 18 && config.heads == 4 && config.kvHeads == 1)
    #expect(config.hidden == 640 && config.headDim == 256 && config.intermediate == 2048)
    #expect(config.slidingWindow == 512 && config.globalLayerPeriod == 6)
    #expect(config.ropeTheta == 1_000_000 && config.localRopeTheta == 10_000)
    #expect(config.ropeTheta(layer: 0) == 10_000 && config.ropeTheta(layer: 5) == 1_000_000)
    #expect(config.attentionScale == Float(1) / 16)
    #expect(config.activation == .geluTanh && config.tiedEmbeddings && config.qkNorm)
    #expect((0..<18).filter { !config.isSlidingLayer($0) } == [5, 11, 17])
  }
}
