import AttnvizMath
import AttnvizModel
import Foundation
import Testing

@testable import AttnvizExplain
@testable import AttnvizKit

/// The 3-token example of docs/self-attention.md (docs/examples/three-tokens.json).
let threeTokensJSON = """
  {"d_model": 2, "heads": 1, "positional_encoding": "none",
   "embeddings": {"the": [1, 0], "cat": [0, 1], "sat": [1, 1]},
   "unknown": [0, 0],
   "wq": [[1, 0], [0, 1]], "wk": [[1, 0], [0, 1]], "wv": [[1, 0], [0, 1]],
   "wo": [[1, 0], [0, 1]]}
  """

func threeTokens() throws -> ExplainWalkthrough {
  let model = try WeightsFileModel(data: Data(threeTokensJSON.utf8), name: "three-tokens.json")
  return try ExplainWalkthrough(trace: model.trace("the cat sat"), head: 0)
}

func builtin(dim: Int = 8, heads: Int = 2, causal: Bool = false, head: Int = 0) throws
  -> ExplainWalkthrough
{
  let model = try EmbeddedModel(dimension: dim, heads: heads, causal: causal)
  return try ExplainWalkthrough(trace: model.trace("The cat sat on the mat."), head: head)
}

@Suite struct ExplainStepListTests {
  @Test func elevenStepsWithoutTheMaskNumberedWithoutGaps() throws {
    let list = try builtin().list
    #expect(list.map(\.number) == Array(1...11))
    #expect(
      list.map(\.fileStem) == [
        "step-01-tokens", "step-02-embeddings", "step-03-positional-encoding", "step-04-qkv",
        "step-05-scores", "step-06-weights", "step-07-output", "step-08-residual",
        "step-09-norm", "step-10-feed-forward", "step-11-block-output",
      ])
  }

  @Test func twelveStepsWithTheCausalMask() throws {
    let list = try builtin(causal: true).list
    #expect(list.map(\.number) == Array(1...12))
    let mask = try #require(list.first { $0.kind == .causalMask })
    #expect(mask.fileStem == "step-06-causal-mask")
    #expect(mask.tables.count == 1 && mask.tables[0].matrix.isCausal)
    #expect(mask.caption.joined().contains("−∞"))
    let weights = try #require(list.first { $0.kind == .weights }).tables[0].matrix
    #expect(weights.isCausal && weights.matrix[0, 1] == 0)
  }

  @Test(arguments: [false, true]) func captionsAreOneToThreeShortLines(causal: Bool) throws {
    for walk in [try builtin(causal: causal), try threeTokens()] {
      for step in walk.list {
        #expect((1...3).contains(step.caption.count), "\(step.heading)")
        for line in step.caption {
          #expect(!line.isEmpty && line.count <= 120, "\(step.heading): \(line)")
        }
      }
    }
  }

  @Test(arguments: [(8, 2, 4, "√4 = 2"), (16, 2, 8, "√8 ≈ 2.828"), (64, 1, 64, "√64 = 8")])
  func scoreCaptionQuotesTheRunsDk(dim: Int, heads: Int, dk: Int, root: String) throws {
    let scores = try #require(try builtin(dim: dim, heads: heads).list.first { $0.kind == .scores })
    let caption = scores.caption.joined(separator: " ")
    #expect(caption.contains("d_k = \(dk), so scores are divided by \(root)"))
    #expect(scores.tables.map(\.title) == ["Raw scores Q·Kᵀ", "Scaled scores Q·Kᵀ / √\(dk)"])
  }

  @Test func handExampleQuotesDkTwo() throws {
    let walk = try threeTokens()
    let scores = try #require(walk.list.first { $0.kind == .scores })
    #expect(scores.caption.joined().contains("d_k = 2, so scores are divided by √2 ≈ 1.414"))
    let position = try #require(walk.list.first { $0.kind == .positionalEncoding })
    #expect(position.caption.joined().contains("no positional encoding"))
    #expect(position.tables.map(\.title) == ["X, no PE added (3 × 2)"])
  }

  @Test func tablesHoldTheRunsMatrices() throws {
    let walk = try builtin(head: 1)
    let steps = walk.steps
    let qkv = try #require(walk.list.first { $0.kind == .projections })
    // Head 2 of d_model 8 with 2 heads: columns 4..<8 of Q, K, V, labelled as such.
    #expect(qkv.tables[0].matrix.matrix == steps.q.columns(4..<8))
    #expect(qkv.tables[2].matrix.matrix == steps.v.columns(4..<8))
    #expect(qkv.tables[0].matrix.columnLabels == ["d4", "d5", "d6", "d7"])
    // Notation follows the computation: position was added, so K = (X + PE)·Wk.
    #expect(qkv.tables[1].title == "K = (X + PE)·Wk, head 2 (d4–d7)")
    #expect(qkv.caption.joined().contains("Head 2 of 2 uses columns d4–d7"))
    let weights = try #require(walk.list.first { $0.kind == .weights })
    #expect(weights.tables[0].matrix.matrix == steps.weights[1])
    #expect(weights.tables[0].matrix.kind == .probabilities)
    let output = try #require(walk.list.first { $0.kind == .output })
    #expect(
      output.tables.map(\.matrix.matrix) == [
        steps.headOutputs[1], steps.concatenated, steps.output,
      ])
    let position = try #require(walk.list.first { $0.kind == .positionalEncoding })
    #expect(
      position.tables.map(\.matrix.matrix) == [try #require(steps.positionalEncoding), steps.input])
    #expect(position.caption.joined().contains("PE(pos, 2i) = sin"))
  }

  @Test func oneStepOrAClearUsageError() throws {
    let walk = try builtin()
    #expect(try walk.step(5).kind == .scores)
    #expect(try walk.step(6).kind == .weights)
    #expect(try walk.step(11).kind == .blockOutput)
    #expect(
      throws: AttnvizError.usage(
        "--step 12 does not exist for builtin; its steps are 1–11 (7 the attention output, 10 the feed-forward network)"
      )
    ) {
      try walk.step(12)
    }
    #expect(
      throws: AttnvizError.usage("--step 15 does not exist; the steps are \(explainStepSummary)")
    ) {
      try walk.step(15)
    }
  }

  @Test func headOutOfRangeIsAUsageError() throws {
    #expect {
      try builtin(head: 2)
    } throws: { error in
      (error as? AttnvizError)
        == .usage("--head 3 is out of range; the built-in layer has 2 heads (1–2)")
    }
  }

  @Test func aModelWithoutStepsFailsClearly() throws {
    var trace = try EmbeddedModel().trace("a b")
    trace.layers[0].steps = nil
    #expect {
      try ExplainWalkthrough(trace: trace, head: 0)
    } throws: { error in
      guard case .failure(let message) = error as? AttnvizError else { return false }
      return message.contains("intermediate matrices of layer 1, which explain needs")
    }
  }

  @Test func layerNormalisedInputIsSaid() throws {
    // A pretrained model's X is LayerNorm(embeddings + PE), not their sum, and its PE is learned.
    var trace = try EmbeddedModel().trace("The cat sat")
    var steps = try #require(trace.layers[0].steps)
    steps.positionalEncoding = steps.positionalEncoding.map { $0 * 0.5 }
    steps.input = steps.input * 0.9
    trace.layers[0].steps = steps
    trace.model.family = .transformer(.bert)
    trace.model.norm = .layerNorm
    let walk = try ExplainWalkthrough(trace: trace, head: 0)
    let position = try #require(walk.list.first { $0.kind == .positionalEncoding })
    let caption = position.caption.joined(separator: " ")
    #expect(caption.contains("learned one position embedding"))
    #expect(caption.contains("X = LayerNorm(embeddings + PE) is layer-normalised"))
    #expect(
      position.tables.map(\.title) == [
        "Learned position embeddings (3 × 8)", "X = LayerNorm(embeddings + PE) (3 × 8)",
      ])
    // Q was computed from the original input, so Q ≠ X·Wq here: the caption speaks of a bias.
    let qkv = try #require(walk.list.first { $0.kind == .projections })
    #expect(qkv.caption.joined().contains("(plus a bias)"))
  }

  @Test func wideDimensionTablesAreCutTokenTablesAreNot() throws {
    let walk = try builtin(dim: 40, heads: 1)
    let embeddings = try #require(walk.list.first { $0.kind == .embeddings }).tables[0]
    let shown = embeddings.shown()
    #expect(shown.matrix.matrix.columns == 16)
    #expect(shown.matrix.matrix == embeddings.matrix.matrix.columns(0..<16))
    #expect(shown.title == "Embeddings X (7 × 40) · first 16 of 40 columns")
    let longText = (1...20).map { "w\($0)" }.joined(separator: " ")
    let long = try ExplainWalkthrough(trace: EmbeddedModel().trace(longText), head: 0)
    let weights = try #require(long.list.first { $0.kind == .weights }).tables[0]
    #expect(weights.shown() == weights)
  }
}
