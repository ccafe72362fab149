import Foundation
import Testing

@testable import AttnvizMath
@testable import AttnvizModel

/// The 3-token example of docs/self-attention.md, worked by hand:
///
///     X = [the; cat; sat] = [[1,0],[0,1],[1,1]],  Wq = Wk = Wv = Wo = I,  d_k = 2, no PE
///     Q = K = V = X
///     Q·Kᵀ = [[1,0,1],[0,1,1],[1,1,2]]
///     scaled by 1/√2:  with s = 1/√2,  [[s,0,s],[0,s,s],[s,s,2s]]
///     softmax row 0: (e^s, 1, e^s) / (2e^s + 1)
///     softmax row 2: (e^s, e^s, e^2s) / (2e^s + e^2s)
///     output row 0 = w00·[1,0] + w01·[0,1] + w02·[1,1] = [w00 + w02, w01 + w02]
@Suite struct HandWorkedExampleTests {
  static let weightsJSON = """
    {"d_model": 2, "heads": 1, "positional_encoding": "none",
     "embeddings": {"the": [1, 0], "cat": [0, 1], "sat": [1, 1]},
     "unknown": [0, 0],
     "wq": [[1, 0], [0, 1]], "wk": [[1, 0], [0, 1]], "wv": [[1, 0], [0, 1]],
     "wo": [[1, 0], [0, 1]]}
    """

  @Test func everyStepMatchesTheHandComputation() throws {
    let model = try WeightsFileModel(data: Data(Self.weightsJSON.utf8), name: "tiny.json")
    let trace = try model.trace("The cat sat")
    let steps = try #require(trace.layers[0].steps)
    let x = Matrix([[1, 0], [0, 1], [1, 1]])
    #expect(steps.input == x)
    #expect(steps.q == x && steps.k == x && steps.v == x)
    #expect(steps.rawScores[0] == Matrix([[1, 0, 1], [0, 1, 1], [1, 1, 2]]))

    let s = 1 / 2.0.squareRoot()
    let es = exp(s)
    let e2s = exp(2 * s)
    let row0 = [es, 1, es].map { $0 / (2 * es + 1) }
    let row1 = [1, es, es].map { $0 / (2 * es + 1) }
    let row2 = [es, es, e2s].map { $0 / (2 * es + e2s) }
    let expected = Matrix([row0, row1, row2])
    let weights = steps.weights[0]
    for i in 0..<9 { #expect(abs(weights.values[i] - expected.values[i]) < 1e-15) }
    // Printed to two decimals these are the numbers of docs/self-attention.md.
    #expect(String(format: "%.2f %.2f %.2f", row0[0], row0[1], row0[2]) == "0.40 0.20 0.40")
    #expect(String(format: "%.2f %.2f %.2f", row2[0], row2[1], row2[2]) == "0.25 0.25 0.50")

    let out = steps.output
    #expect(abs(out[0, 0] - (row0[0] + row0[2])) < 1e-15)
    #expect(abs(out[0, 1] - (row0[1] + row0[2])) < 1e-15)
    #expect(abs(out[2, 0] - (row2[0] + row2[2])) < 1e-15)
  }

  @Test func unknownTokenUsesTheUnknownVector() throws {
    let model = try WeightsFileModel(data: Data(Self.weightsJSON.utf8), name: "tiny.json")
    let steps = try #require(try model.trace("the dog").layers[0].steps)
    #expect(steps.embeddings == Matrix([[1, 0], [0, 0]]))
  }
}

@Suite struct SelfAttentionLayerTests {
  @Test func headsUseTheirOwnColumns() {
    // Two heads, d_model 4: head 0 sees columns 0..<2 of Q, K, V; head 1 sees 2..<4.
    var rng = SplitMix64(seed: 7)
    func random(_ r: Int, _ c: Int) -> Matrix {
      Matrix(rows: r, columns: c, values: (0..<(r * c)).map { _ in rng.nextGaussian() })
    }
    let layer = SelfAttentionLayer(
      wq: random(4, 4), wk: random(4, 4), wv: random(4, 4), wo: random(4, 4), heads: 2,
      causal: false)
    let x = random(5, 4)
    let steps = layer.forward(embeddings: x, positionalEncoding: nil)
    let q1 = steps.q.columns(2..<4)
    let k1 = steps.k.columns(2..<4)
    let expected = softmaxRows((q1 * k1.transposed) * (1 / 2.0.squareRoot()))
    #expect(steps.weights[1] == expected)
    #expect(steps.output == Matrix.concatenateColumns(steps.headOutputs) * layer.wo)
  }

  @Test func causalLayerNeverLooksAhead() throws {
    let model = try EmbeddedModel(causal: true)
    let trace = try model.trace("one two three four five")
    for w in trace.layers[0].weights {
      for i in 0..<w.rows {
        for j in (i + 1)..<w.columns where j < w.columns { #expect(w[i, j] == 0) }
        #expect(abs(w.row(i).reduce(0, +) - 1) < 1e-12)
      }
      #expect(w[0, 0] == 1)
    }
  }
}
