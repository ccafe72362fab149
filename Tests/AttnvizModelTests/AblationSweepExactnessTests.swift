import Foundation
import Testing

@testable import AttnvizModel

/// The ablation sweep runs each layer's heads as one batch, from the unablated stream entering
/// the layer, and the last layer only where the last position needs it. None of that may change
/// a bit: every delta must equal what a whole pass with that head ablated (from the embeddings,
/// no shortcut) gives. Texts of 8 and 11 tokens: the last position in a group of four rows of
/// the products, and alone; decoders with biases, q/k norms, sliding windows with their own
/// rotary base (gemma3), soft-caps (gemma2), sandwich norms and LayerNorm (GPT-2).
@Suite struct AblationSweepExactnessTests {
  static let fixtures = [
    "engine/llama", "engine/qwen2", "engine/qwen3", "engine/mistral", "family/gemma2",
    "family/gemma3", "family/olmo2", "family/phi3", "tiny-gpt2",
  ]

  @Test(arguments: fixtures, [8, 11])
  func sweepEqualsWholePassesBitForBit(_ fixture: String, _ length: Int) throws {
    let model = try TransformerModel(folder: fixtureURL(fixture).path)
    let v = model.config.vocabularySize
    let ids = (0..<length).map { (7 * $0 + 3) % v }
    for mode in [ForwardRequest.Ablation.zero, .mean] {
      let sweep = try model.ablationSweep(ids: ids, ablation: mode)
      let base = try #require(try model.forward(ids: ids, request: ForwardRequest(logits: .last)))
      let before = NextTokenDistribution(logits: try #require(base.logits))
      #expect(sweep.target == before.argmax)
      let logP = log(before.probabilities[sweep.target])
      #expect(sweep.logProbability == logP)
      #expect(sweep.layers == Array(0..<model.config.layers))
      for l in 0..<model.config.layers {
        for h in 0..<model.config.heads {
          var request = ForwardRequest(logits: .last, ablatedHeads: [HeadIndex(layer: l, head: h)])
          request.ablation = mode
          let after = NextTokenDistribution(
            logits: try #require(try model.forward(ids: ids, request: request).logits))
          let expected = log(after.probabilities[sweep.target]) - logP
          #expect(
            sweep.deltas[l][h] == expected,
            "\(fixture) \(length) tokens \(mode) head \(l).\(h): \(sweep.deltas[l][h]) vs \(expected)"
          )
        }
      }
    }
  }

  /// A subset of layers sweeps only those, with the same numbers.
  @Test func chosenLayersGiveTheSameRows() throws {
    let model = try TransformerModel(folder: fixtureURL("engine/qwen2").path)
    let ids = [5, 17, 42, 9, 100, 3, 77]
    let all = try model.ablationSweep(ids: ids)
    let last = model.config.layers - 1
    let some = try model.ablationSweep(ids: ids, layers: [last, 0])
    #expect(some.layers == [last, 0])
    #expect(some.deltas == [all.deltas[last], all.deltas[0]])
  }
}
