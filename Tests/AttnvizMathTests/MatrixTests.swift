import Foundation
import Testing

@testable import AttnvizMath

@Suite struct MatrixTests {
  @Test func productFollowsRowVectorConvention() {
    // (2×3)·(3×2), worked by hand.
    let a = Matrix([[1, 2, 3], [4, 5, 6]])
    let b = Matrix([[7, 8], [9, 10], [11, 12]])
    #expect(a * b == Matrix([[58, 64], [139, 154]]))
  }

  @Test func columnSliceAndConcatenationAreInverse() {
    let m = Matrix([[1, 2, 3, 4], [5, 6, 7, 8]])
    #expect(m.columns(2..<4) == Matrix([[3, 4], [7, 8]]))
    #expect(Matrix.concatenateColumns([m.columns(0..<2), m.columns(2..<4)]) == m)
  }

  @Test func transposeSwapsIndices() {
    let m = Matrix([[1, 2, 3], [4, 5, 6]])
    #expect(m.transposed == Matrix([[1, 4], [2, 5], [3, 6]]))
  }
}

@Suite struct SoftmaxTests {
  @Test func rowsSumToOne() {
    let scores = Matrix([[0.3, -1.2, 2.5, 0], [10, 10, 10, 10], [-3, 4, 0.5, 1]])
    let w = softmaxRows(scores)
    for r in 0..<w.rows {
      let sum = w.row(r).reduce(0, +)
      #expect(abs(sum - 1) < 1e-12)
    }
    #expect(w.row(1).allSatisfy { abs($0 - 0.25) < 1e-15 })
  }

  @Test func matchesTheFormulaByHand() {
    // softmax([0, ln 3]) = [1/4, 3/4]
    let w = softmaxRows(Matrix([[0, log(3.0)]]))
    #expect(abs(w[0, 0] - 0.25) < 1e-15)
    #expect(abs(w[0, 1] - 0.75) < 1e-15)
  }

  @Test func isStableOnHugeScores() {
    // Without subtracting the row max, exp(1000) overflows to inf and the row becomes NaN.
    let w = softmaxRows(Matrix([[1000, 1000 + log(3.0)], [-1000, -1000]]))
    #expect(w.isFinite)
    #expect(abs(w[0, 1] - 0.75) < 1e-12)
    #expect(abs(w[1, 0] - 0.5) < 1e-15)
  }

  @Test func causalMaskZeroesTheFuture() {
    let w = softmaxRows(Matrix(rows: 3, columns: 3, repeating: 1)) {
      isFutureKey(query: $0, key: $1)
    }
    #expect(w == Matrix([[1, 0, 0], [0.5, 0.5, 0], [1.0 / 3, 1.0 / 3, 1.0 / 3]]))
  }

  @Test func fullyMaskedRowIsZeroNotNaN() {
    let w = softmaxRows(Matrix([[1, 2]])) { _, _ in true }
    #expect(w == Matrix([[0, 0]]))
  }
}

@Suite struct PositionalEncodingTests {
  @Test func followsVaswaniEtAl() {
    let pe = sinusoidalPositionalEncoding(positions: 3, dimensions: 4)
    // pos 0: sin 0, cos 0, sin 0, cos 0
    #expect(pe.row(0).elementsEqual([0, 1, 0, 1]))
    // pos 2, i = 1 (columns 2, 3): angle = 2 / 10000^(2/4) = 0.02
    #expect(abs(pe[2, 2] - sin(0.02)) < 1e-15)
    #expect(abs(pe[2, 3] - cos(0.02)) < 1e-15)
    #expect(abs(pe[1, 0] - sin(1.0)) < 1e-15)
  }
}

@Suite struct SplitMix64Tests {
  @Test func matchesReferenceSequence() {
    // Reference values of SplitMix64 seeded with 0 (as in java.util.SplittableRandom's mixer;
    // first outputs widely published with the algorithm).
    var rng = SplitMix64(seed: 0)
    #expect(rng.next() == 0xE220_A839_7B1D_CDAF)
    #expect(rng.next() == 0x6E78_9E6A_A1B9_65F4)
  }

  @Test func unitIsInHalfOpenInterval() {
    var rng = SplitMix64(seed: 42)
    for _ in 0..<1000 {
      let u = rng.nextUnit()
      #expect(u >= 0 && u < 1)
    }
  }

  @Test func fnvHashIsStable() {
    // FNV-1a 64 test vectors: "" and "a".
    #expect(fnv1a64("".utf8) == 0xcbf2_9ce4_8422_2325)
    #expect(fnv1a64("a".utf8) == 0xaf63_dc4c_8601_ec8c)
  }
}
