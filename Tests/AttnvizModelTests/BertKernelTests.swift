import AttnvizMath
import Testing

@testable import AttnvizModel

@Suite("BERT kernels")
struct BertKernelTests {
  /// A matrix of small integers, so every product and sum below is exact in Double.
  func integers(_ rows: Int, _ columns: Int, seed: UInt64) -> Matrix {
    var rng = SplitMix64(seed: seed)
    return Matrix(
      rows: rows, columns: columns,
      values: (0..<(rows * columns)).map { _ in Double(Int(rng.next() % 19) - 9) })
  }

  /// Token counts around the four-token blocks, odd widths around the two-term unrolling, and
  /// enough outputs (≥ 2²⁰ multiply-adds) to take the multi-core path.
  @Test(arguments: [(1, 1, 1), (3, 5, 7), (4, 8, 2), (5, 7, 65), (9, 33, 130), (17, 384, 200)])
  func linearIsXTimesWTransposedPlusBias(t: Int, inputs: Int, outputs: Int) {
    let x = integers(t, inputs, seed: 1)
    let w = integers(outputs, inputs, seed: 2)
    let bias = integers(1, outputs, seed: 3).values
    let expected = addBias(x * w.transposed, bias)
    #expect(linear(x, weight: w, bias: bias) == expected)
  }

  @Test func dotAndAddScaled() {
    let a: [Double] = [1, 2, 3, 4, 5]
    let b: [Double] = [6, 7, 8, 9, 10]
    a.withUnsafeBufferPointer { ap in
      b.withUnsafeBufferPointer { bp in
        #expect(dot(ap.baseAddress!, bp.baseAddress!, count: 5) == 130)
        #expect(dot(ap.baseAddress!, bp.baseAddress!, count: 0) == 0)
      }
    }
    var y: [Double] = [1, 1, 1]
    y.withUnsafeMutableBufferPointer { yp in
      a.withUnsafeBufferPointer { addScaled(2, $0.baseAddress!, to: yp.baseAddress!, count: 3) }
    }
    #expect(y == [3, 5, 7])
  }

  /// BertAttention computes what SelfAttentionLayer defines, for the tiny model's first layer.
  @Test func attentionEqualsSelfAttentionLayer() throws {
    let model = try BertModel(folder: fixtureURL("tiny-bert").path)
    let x = integers(7, 32, seed: 4).map { $0 / 9 }
    let layer = model.layers[0].attention
    let context = BertAttention.StepsContext(
      embeddings: x, positions: x, rowVectorLayer: layer.rowVectorLayer)
    let fast = try #require(layer(x, recordSteps: context).steps)
    let reference = layer.rowVectorLayer.forward(input: x, embeddings: x, positionalEncoding: x)
    let pairs: [(String, Matrix, Matrix)] =
      [
        ("q", fast.q, reference.q), ("v", fast.v, reference.v),
        ("output", fast.output, reference.output),
        ("concatenated", fast.concatenated, reference.concatenated),
      ]
      + (0..<4).map { ("weights \($0)", fast.weights[$0], reference.weights[$0]) }
      + (0..<4).map { ("raw \($0)", fast.rawScores[$0], reference.rawScores[$0]) }
    for (name, a, b) in pairs {
      let difference = zip(a.values, b.values).map { abs($0 - $1) }.max() ?? 0
      #expect(
        a.rows == b.rows && a.columns == b.columns && difference < 1e-12, "\(name): \(difference)")
    }
    #expect(fast.wq == reference.wq && fast.input == reference.input)
  }
}
