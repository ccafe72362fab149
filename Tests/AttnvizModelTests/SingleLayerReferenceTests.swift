import AttnvizMath
import Foundation
import Testing

@testable import AttnvizModel

/// The built-in layer and weights files run their attention through the engine's kernel in
/// Double; the reference layer (SelfAttentionLayer.swift) computes the same layer from the
/// formulas. Every intermediate and weight must be equal, not merely close: the gallery's
/// figures and JSON are byte-identical to what the reference gave.
@Suite struct SingleLayerReferenceTests {
  static let text =
    "The animal didn't cross the street because it was too tired, and the street was wide."

  func reference(_ layer: AttentionLayerWeights) -> SelfAttentionLayer {
    SelfAttentionLayer(
      wq: layer.wq, wk: layer.wk, wv: layer.wv, wo: layer.wo, heads: layer.heads,
      causal: layer.causal)
  }

  @Test(arguments: [(8, 2, false), (8, 2, true), (12, 3, false), (64, 4, true), (7, 1, false)])
  func builtinLayerEqualsTheReference(dimension: Int, heads: Int, causal: Bool) throws {
    let model = try EmbeddedModel(dimension: dimension, heads: heads, seed: 11, causal: causal)
    var steps = try #require(try model.trace(Self.text).layers[0].steps)
    // The reference is the attention layer alone; the rest of the block (explain's feed-forward)
    // is checked against its own formula in BlockStepsTests.
    #expect(steps.block != nil)
    steps.block = nil
    let expected = reference(model.layer).forward(
      embeddings: steps.embeddings, positionalEncoding: steps.positionalEncoding)
    #expect(steps == expected)
  }

  @Test func weightsFileEqualsTheReference() throws {
    let json = """
      {"d_model": 4, "heads": 2, "causal": true, "unknown": [0.5, -1, 2, 0.25],
       "embeddings": {"the": [1, 0, -2, 0.5], "cat": [0, 1, 3, -1]},
       "wq": [[1, 2, 0, 0], [0, 1, 0.5, 0], [0, 0, 1, -1], [3, 0, 0, 1]],
       "wk": [[0.5, 0, 0, 1], [1, 1, 0, 0], [0, -2, 1, 0], [0, 0, 0.25, 1]],
       "wv": [[1, 0, 0, 0], [0, 2, 0, 0], [0, 0, 3, 0], [0, 0, 0, 4]],
       "wo": [[0, 1, 0, 0], [1, 0, 0, 0], [0, 0, 0, 1], [0, 0, 1, 0]]}
      """
    let model = try WeightsFileModel(data: Data(json.utf8), name: "w.json")
    let steps = try #require(try model.trace("the cat saw the other cat").layers[0].steps)
    let expected = reference(model.layer).forward(
      embeddings: steps.embeddings, positionalEncoding: steps.positionalEncoding)
    #expect(steps == expected)
  }

  /// Past `maximumTokensWithSteps`, and whenever no steps are asked for, only the weights are
  /// computed: the same weights.
  @Test func weightsWithoutStepsEqualTheReference() throws {
    let model = try EmbeddedModel(dimension: 16, heads: 4, causal: true)
    let text = (0..<1100).map { "w\($0 % 97)" }.joined(separator: " ")
    let long = try model.trace(text)
    #expect(long.layers[0].steps == nil)
    let short = try model.trace(Self.text, stepsLayer: nil)
    #expect(short.layers[0].steps == nil)
    for trace in [long, short] {
      let x = Matrix(
        rows: trace.tokens.count, columns: 16,
        values: trace.tokens.flatMap { EmbeddedModel.embedding(of: $0.text, dimension: 16) })
      let pe = sinusoidalPositionalEncoding(positions: trace.tokens.count, dimensions: 16)
      let expected = reference(model.layer).attentionWeights(input: x + pe)
      #expect(trace.layers[0].weights == expected)
    }
  }
}
