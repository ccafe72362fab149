import Foundation
import Testing

@testable import AttnvizModel

/// The references of scripts/reference/make_prediction_references.py: transformers' next-token
/// probabilities, logit lens and greedy generation for each decoder.
struct PredictionReference: Decodable {
  struct Lens: Decodable {
    /// [layer][position]
    var top1: [[Int]]
    var lead: [[Double]]
  }
  struct Generation: Decodable {
    var ids: [Int]
    var rowsLayers: [Int]
    /// [step][selected layer][head][key], millionths.
    var rows: [[[[Int]]]]
  }
  struct Case: Decodable {
    var text: String
    var ids: [Int]
    /// [id, probability]
    var top: [[Double]]
    var lens: Lens
    var generation: Generation
  }
  var model: String
  var eos: [Int]
  var cases: [Case]

  static func load(_ name: String) throws -> PredictionReference {
    try snakeCaseDecoder.decode(
      PredictionReference.self,
      from: Data(contentsOf: try fixtureURL("predictions").appendingPathComponent(name + ".json")))
  }
}

/// The models with prediction references: the tiny fixture of each decoder architecture, and
/// SmolLM2 when `make model` installed it (always under ATTNVIZ_REQUIRE_MODELS=1).
enum PredictionModels {
  static let tiny = ["llama", "mistral", "qwen2", "qwen3", "tiny-gpt2", "tiny-llama-gguf"]

  static func load(_ name: String) throws -> TransformerModel {
    switch name {
    case "smollm2": return try #require(try RealGGUF.smollm2.model())
    case "tiny-gpt2": return try TransformerModel(folder: try fixtureURL("tiny-gpt2").path)
    case "tiny-llama-gguf":
      return try TransformerModel(gguf: try fixtureURL("gguf/tiny-llama.gguf").path)
    default: return try TransformerModel(folder: try fixtureURL("engine/" + name).path)
    }
  }
}

/// Softmax of one row of logits, in Double, the maximum subtracted first.
func probabilities(_ logits: ArraySlice<Float>) -> [Double] {
  let largest = Double(logits.max() ?? 0)
  let e = logits.map { Foundation.exp(Double($0) - largest) }
  let total = e.reduce(0, +)
  return e.map { $0 / total }
}

@Suite struct PredictionReferenceTests {
  static func check(_ name: String) throws {
    let reference = try PredictionReference.load(name)
    let model = try PredictionModels.load(name)
    let v = model.config.vocabularySize
    for item in reference.cases {
      #expect(try model.encode(item.text).ids == item.ids, "\(name): \(item.text.debugDescription)")
      let out = try model.forward(ids: item.ids, request: ForwardRequest(logits: .last))
      let logits = try #require(out.logits)
      #expect(logits.count == v)
      let p = probabilities(logits[...])
      var worst = (difference: 0.0, id: -1)
      for entry in item.top {
        let id = Int(entry[0])
        let difference = abs(p[id] - entry[1])
        if difference > worst.difference { worst = (difference, id) }
      }
      #expect(worst.difference < 1e-4, "\(name) \(item.text.debugDescription): \(worst)")
      let top1 = p.indices.max { p[$0] < p[$1] }
      #expect(top1 == Int(item.top[0][0]), "\(name): top-1")
    }
  }

  @Test(arguments: PredictionModels.tiny)
  func nextTokenProbabilitiesMatchTransformers(_ name: String) throws { try Self.check(name) }

  @Test(.enabled(if: RealGGUF.smollm2.isPresent, RealGGUF.smollm2.absentNote))
  func smolLM2NextTokenProbabilitiesMatchTransformers() throws { try Self.check("smollm2") }

  /// The logit lens: the residual stream after each layer through the final norm and the head
  /// gives transformers' top-1 wherever its top-1 leads the runner-up by more than 1e-3.
  static func checkLens(_ name: String) throws {
    let reference = try PredictionReference.load(name)
    let model = try PredictionModels.load(name)
    let (c, v) = (model.config.hidden, model.config.vocabularySize)
    for item in reference.cases {
      let out = try model.forward(ids: item.ids, request: ForwardRequest(residuals: .all))
      let residuals = try #require(out.residuals)
      #expect(residuals.count == model.config.layers + 1)
      #expect(out.logits == nil)
      var compared = 0
      for layer in 1...model.config.layers {
        let t = item.ids.count
        #expect(residuals[layer].count == t * c)
        let logits = try model.logits(residual: residuals[layer], rows: t)
        for position in 0..<t where item.lens.lead[layer - 1][position] > 1e-3 {
          let row = logits[(position * v)..<((position + 1) * v)]
          let top = row.indices.max { row[$0] < row[$1] }.map { $0 - position * v }
          #expect(
            top == item.lens.top1[layer - 1][position],
            "\(name) layer \(layer) position \(position)")
          compared += 1
        }
      }
      #expect(compared > 0)
    }
  }

  @Test(arguments: PredictionModels.tiny)
  func logitLensMatchesTransformers(_ name: String) throws { try Self.checkLens(name) }

  @Test(.enabled(if: RealGGUF.smollm2.isPresent, RealGGUF.smollm2.absentNote))
  func smolLM2LogitLensMatchesTransformers() throws { try Self.checkLens("smollm2") }

  /// Greedy decoding through the key/value cache gives transformers' generate() ids, and each
  /// step's attention row (one query over every position so far) is the row a full pass over
  /// the final sequence computes.
  static func checkCachedGreedy(_ name: String) throws {
    let reference = try PredictionReference.load(name)
    let model = try PredictionModels.load(name)
    for item in reference.cases {
      let cache = model.makeCache()
      var next = item.ids
      var generated: [Int] = []
      var worst = 0.0
      for step in 0..<item.generation.ids.count {
        let out = try model.forward(ids: next, request: ForwardRequest(logits: .last), cache: cache)
        let logits = try #require(out.logits)
        let id = logits.indices.max { logits[$0] < logits[$1] } ?? -1
        generated.append(id)
        for (index, layer) in item.generation.rowsLayers.enumerated() {
          let weights = out.layers[layer].weights
          for (head, expected) in item.generation.rows[step][index].enumerated() {
            let m = weights[head]
            #expect(m.columns == expected.count)
            for key in 0..<min(m.columns, expected.count) {
              worst = max(worst, abs(m[m.rows - 1, key] - Double(expected[key]) / 1e6))
            }
          }
        }
        if generated.count == item.generation.ids.count || reference.eos.contains(id) { break }
        next = [id]
      }
      #expect(generated == item.generation.ids, "\(name) \(item.text.debugDescription)")
      #expect(worst < 1e-4, "\(name): attention rows differ by \(worst)")
      #expect(cache.count == item.ids.count + generated.count - 1)
    }
  }

  @Test(arguments: PredictionModels.tiny)
  func cachedGreedyGenerationMatchesTransformers(_ name: String) throws {
    try Self.checkCachedGreedy(name)
  }

  @Test(.enabled(if: RealGGUF.smollm2.isPresent, RealGGUF.smollm2.absentNote))
  func smolLM2CachedGreedyGenerationMatchesTransformers() throws {
    try Self.checkCachedGreedy("smollm2")
  }

  /// Ablating a head changes the logits; ablating none leaves them bit-identical; the heads'
  /// writes plus Wo's bias add up to the attention block's output.
  @Test func ablationAndHeadWrites() throws {
    let reference = try PredictionReference.load("qwen2")
    let model = try PredictionModels.load("qwen2")
    let ids = reference.cases[0].ids
    let plain = try model.forward(ids: ids, request: ForwardRequest(logits: .all))
    let again = try model.forward(ids: ids, request: ForwardRequest(logits: .all))
    #expect(plain.logits == again.logits)
    let ablated = try model.forward(
      ids: ids,
      request: ForwardRequest(logits: .all, ablatedHeads: [HeadIndex(layer: 0, head: 1)]))
    #expect(ablated.logits != plain.logits)
    // Layer 0's attention is unchanged by ablating its own head (weights are still reported).
    #expect(ablated.layers[0].weights == plain.layers[0].weights)
    let writes = try model.forward(
      ids: ids, request: ForwardRequest(residuals: .all, headWritesPosition: ids.count - 1))
    let heads = try #require(writes.headWrites)
    #expect(heads.count == model.config.layers && heads[0].count == model.config.heads)
    #expect(heads[0][0].count == model.config.hidden)
  }

  @Test func encodersHaveNoHead() throws {
    let model = try PredictionModels.load("roberta")
    #expect(!model.predictsTokens)
    #expect(throws: ModelError.self) {
      try model.forward(ids: [0, 5, 2], request: ForwardRequest(logits: .last))
    }
  }

  /// Without a request the pass stops after the last attention, as trace does: the same
  /// weights, no logits.
  @Test func attentionOnlyPassIsTheTrace() throws {
    let reference = try PredictionReference.load("llama")
    let model = try PredictionModels.load("llama")
    let ids = reference.cases[0].ids
    let out = try model.forward(ids: ids, request: ForwardRequest())
    let full = try model.forward(ids: ids, request: ForwardRequest(logits: .last))
    #expect(out.logits == nil && out.residuals == nil)
    #expect(out.layers.map(\.weights) == full.layers.map(\.weights))
    #expect(try model.trace(reference.cases[0].text, stepsLayer: nil).layers == out.layers)
  }
}
