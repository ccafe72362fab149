import Foundation
import Testing

@testable import AttnvizModel

/// Direct logit attribution and head ablation against transformers with hooks
/// (scripts/reference/make_attribution_reference.py): the tiny qwen2 (biases, tied head) and
/// llama (untied head) fixtures, the tiny GPT-2 (LayerNorm, Conv1D) and, when `make model` has
/// put it in models/, SmolLM2-135M-Instruct (GGUF).
@Suite struct AttributionReferenceTests {
  struct Credit: Decodable {
    var target: Int
    var logit: Double
    var heads: [[Double]]
    var embeddings: Double
    var attentionBiases: [Double]
    var feedForwards: [Double]
    var finalNormBias: Double
  }
  struct Ablation: Decodable {
    var heads: [[Int]]
    var mode: String
    /// [id, probability]
    var top: [[Double]]
  }
  struct Sweep: Decodable {
    var target: Int
    var logProbability: Double
    var layers: [Int]
    var delta: [[Double]]
  }
  struct Case: Decodable {
    var name: String
    var ids: [Int]
    var credit: [Credit]
    var ablations: [Ablation]
    var sweep: Sweep?
  }
  struct Reference: Decodable { var cases: [Case] }

  static let reference = Result {
    try snakeCaseDecoder.decode(
      Reference.self,
      from: Data(contentsOf: try fixtureURL("attribution/attribution-reference.json")))
  }

  static let names = ["qwen2", "llama", "tiny-gpt2", "SmolLM2-135M-Instruct"]

  static func model(_ name: String) throws -> TransformerModel? {
    switch name {
    case "qwen2", "llama": return try TransformerModel(folder: fixtureURL("engine/\(name)").path)
    case "tiny-gpt2": return try TransformerModel(folder: fixtureURL("tiny-gpt2").path)
    default: return try RealGGUF.smollm2.model()
    }
  }

  static func expected(_ name: String) throws -> Case {
    try #require(try reference.get().cases.first { $0.name == name })
  }

  /// |a − b| / max(1, |b|), the largest over the pairs, and where.
  struct Worst {
    var difference = 0.0
    var at = ""
    mutating func compare(_ a: Double, _ b: Double, _ at: @autoclosure () -> String) {
      let d = abs(a - b) / max(1, abs(b))
      if d > difference { (difference, self.at) = (d, at()) }
    }
  }

  @Test(arguments: names)
  func creditMatchesTransformersAndAddsUpToTheLogit(_ name: String) throws {
    let expected = try Self.expected(name)
    guard let model = try Self.model(name) else { return }
    for (index, reference) in expected.credit.enumerated() {
      let ours = try model.logitAttribution(
        ids: expected.ids, target: index == 0 ? nil : reference.target
      ).attribution
      #expect(ours.target == reference.target)
      var worst = Worst()
      worst.compare(ours.logit, reference.logit, "logit")
      for (l, row) in reference.heads.enumerated() {
        for (h, value) in row.enumerated() {
          worst.compare(ours.heads[l][h], value, "head \(l).\(h)")
        }
        worst.compare(ours.feedForwards[l], reference.feedForwards[l], "feed-forward \(l)")
        worst.compare(ours.attentionBiases[l], reference.attentionBiases[l], "bias \(l)")
      }
      worst.compare(ours.embeddings, reference.embeddings, "embeddings")
      worst.compare(ours.normBias, reference.finalNormBias, "final norm bias")
      #expect(
        worst.difference < 1e-4,
        "\(name) target \(reference.target): \(worst.difference) at \(worst.at)")
      // The terms add up to the logit the model computed.
      #expect(abs(ours.sum - ours.logit) < 1e-4 * max(1, abs(ours.logit)), "\(name)")
    }
  }

  @Test(arguments: names)
  func ablatedProbabilitiesMatchTransformers(_ name: String) throws {
    let expected = try Self.expected(name)
    guard let model = try Self.model(name) else { return }
    for ablation in expected.ablations {
      var request = ForwardRequest(
        logits: .last,
        ablatedHeads: Set(ablation.heads.map { HeadIndex(layer: $0[0], head: $0[1]) }))
      request.ablation = ablation.mode == "mean" ? .mean : .zero
      let logits = try #require(try model.forward(ids: expected.ids, request: request).logits)
      let ours = NextTokenDistribution(logits: logits)
      var worst = Worst()
      for pair in ablation.top {
        let id = Int(pair[0])
        worst.compare(ours.probabilities[id], pair[1], "token \(id)")
      }
      #expect(
        worst.difference < 1e-4,
        "\(name) \(ablation.heads) \(ablation.mode): \(worst.difference) at \(worst.at)")
      #expect(ours.argmax == Int(ablation.top[0][0]))
    }
  }

  /// The sweep starts each pass at its head's layer and keeps the weights between passes: the
  /// shortcut must give what a whole pass per head gives.
  @Test(arguments: ["qwen2", "SmolLM2-135M-Instruct"])
  func sweepMatchesTransformers(_ name: String) throws {
    let expected = try Self.expected(name)
    let reference = try #require(expected.sweep)
    guard let model = try Self.model(name) else { return }
    let sweep = try model.ablationSweep(ids: expected.ids, layers: reference.layers)
    #expect(sweep.target == reference.target && sweep.layers == reference.layers)
    var worst = Worst()
    worst.compare(sweep.logProbability, reference.logProbability, "log p")
    for (k, l) in reference.layers.enumerated() {
      for (h, value) in reference.delta[k].enumerated() {
        worst.compare(sweep.deltas[k][h], value, "head \(l).\(h)")
      }
    }
    #expect(worst.difference < 1e-4, "\(name): \(worst.difference) at \(worst.at)")
  }

  @Test func encodersHaveNoCredit() throws {
    let model = try TransformerModel(folder: fixtureURL("tiny-bert").path)
    #expect(!model.predictsTokens)
    #expect(throws: ModelError.self) { try model.logitAttribution(ids: [2, 5, 3]) }
  }
}
