import AttnvizMath
import Foundation
import Testing

@testable import AttnvizModel

/// scripts/reference/make_block_reference.py: the feed-forward network's input and output and
/// the block's output of every layer (the last included), from transformers.
struct BlockReference: Decodable {
  struct Case: Decodable {
    var model: String
    var text: String
    var ids: [Int]
    var layer: Int
    var normed: [[Double]]
    var feedForward: [[Double]]
    var output: [[Double]]

    enum CodingKeys: String, CodingKey {
      case model, text, ids, layer, normed, output
      case feedForward = "feed_forward"
    }
  }
  var cases: [Case]

  static func load() throws -> BlockReference {
    let url = try fixtureURL("engine").appendingPathComponent("block-reference.json")
    return try JSONDecoder().decode(BlockReference.self, from: Data(contentsOf: url))
  }
}

@Suite struct BlockStepsTests {
  /// Residual, norm, feed-forward and block output as explain shows them, against transformers:
  /// pre-norm RMSNorm SwiGLU (Llama) and post-norm LayerNorm GELU (RoBERTa), each layer,
  /// including the last, whose feed-forward the attention views never run.
  @Test func blockStepsMatchTransformers() throws {
    let reference = try BlockReference.load()
    #expect(reference.cases.count == 4)
    for item in reference.cases {
      let model = try EngineReferenceTests.model(item.model, ids: item.ids)
      let trace = try model.trace(item.text, stepsLayer: item.layer)
      let steps = try #require(trace.layers[item.layer].steps)
      let block = try #require(steps.block, "\(item.model) recorded no block")
      let name = "\(item.model) layer \(item.layer + 1)"
      for (label, ours, theirs) in [
        ("normed", block.normed, item.normed),
        ("feed-forward", block.feedForward, item.feedForward),
        ("output", block.output, item.output),
      ] {
        let difference = largestDifference(ours, theirs)
        let scale = theirs.flatMap { $0 }.map(abs).max() ?? 1
        #expect(difference.value < 1e-5 * max(1, scale), "\(name), \(label): \(difference)")
      }
      // The residual: the sum is the block's input plus the attention output, exactly.
      let worst =
        zip(block.sum.values, (block.residual + steps.output).values)
        .map { abs($0 - $1) }.max() ?? 0
      #expect(worst < 1e-5, "\(name): sum ≠ X + attention by \(worst)")
      #expect(block.postNorm == (item.model == "roberta"))
      #expect(block.norm == (item.model == "roberta" ? .layerNorm : .rmsNorm))
      #expect(block.gated == (item.model == "llama"))
    }
  }

  /// The built-in layer's block (docs/embedded-layer.md): post-norm, ReLU feed-forward 4× wide,
  /// LayerNorm with γ = 1, β = 0, recomputed here from its formula.
  @Test func builtinBlockFollowsItsDocumentedFormula() throws {
    let model = try EmbeddedModel(dimension: 8, heads: 2)
    let trace = try model.trace("The cat sat on the mat.")
    let steps = try #require(trace.layers[0].steps)
    let block = try #require(steps.block)
    let (t, c) = (steps.input.rows, steps.input.columns)
    let feedForward = try #require(model.block)
    #expect(block.hidden.columns == 4 * c && feedForward.w1.rows == c)
    func norm(_ m: Matrix) -> Matrix {
      var out = m
      for r in 0..<t {
        let row = (0..<c).map { m[r, $0] }
        let mean = row.reduce(0, +) / Double(c)
        let variance = row.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(c)
        for j in 0..<c { out[r, j] = (row[j] - mean) / (variance + 1e-5).squareRoot() }
      }
      return out
    }
    let sum = steps.input + steps.output
    let normed = norm(sum)
    var hidden = normed * feedForward.w1
    for i in hidden.values.indices { hidden.values[i] = max(0, hidden.values[i]) }
    let output = norm(normed + hidden * feedForward.w2)
    for (label, ours, theirs) in [
      ("sum", block.sum, sum), ("normed", block.normed, normed), ("hidden", block.hidden, hidden),
      ("output", block.output, output),
    ] {
      let worst = zip(ours.values, theirs.values).map { abs($0 - $1) }.max() ?? 0
      #expect(worst < 1e-12, "\(label): \(worst)")
    }
    // Each normalised row has mean 0 and variance 1.
    for r in 0..<t {
      let row = (0..<c).map { block.output[r, $0] }
      #expect(abs(row.reduce(0, +) / Double(c)) < 1e-9)
    }
  }
}
