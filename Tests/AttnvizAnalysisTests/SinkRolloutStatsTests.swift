import AttnvizMath
import Testing

@testable import AttnvizAnalysis

@Suite struct SinkShareTests {
  @Test func allWeightOnTokenZeroIsShareOne() {
    #expect(sinkShare(Constructed.first(5), sinkKeys: [0]) == 1)
    let table = SinkTable(layers: [[Constructed.first(5), Constructed.previous(5)]], sinkKeys: [0])
    // The previous-token head: only query 1 reads token 0, over the 4 non-sink queries.
    #expect(table.shares == [[1, 0.25]])
    #expect(table.layerMeans == [0.625])
  }

  @Test func encodersUseTheirSpecialTokensDecodersTheFirst() {
    let roles: [TokenRole] = [.special, .ordinary, .ordinary, .special]
    #expect(sinkKeys(roles: roles, causal: false) == [0, 3])
    #expect(sinkKeys(roles: roles, causal: true) == [0])
    #expect(sinkKeys(roles: [.ordinary, .ordinary], causal: false) == [0])
    // Uniform over 4 keys with 2 sinks: half the weight.
    #expect(abs(sinkShare(Constructed.uniform(4), sinkKeys: [0, 3]) - 0.5) < 1e-12)
  }
}

@Suite struct RolloutTests {
  @Test func rolloutOfIdentityLayersIsTheIdentity() {
    let layers = Array(repeating: [Matrix.identity(5), Matrix.identity(5)], count: 4)
    #expect(attentionRollout(layers) == Matrix.identity(5))
    #expect(attentionRollout(layers, from: 2) == Matrix.identity(5))
  }

  @Test func oneLayerHalfAttentionHalfResidual() {
    // Heads: previous and first; average + I, halved.
    let r = attentionRollout([[Constructed.previous(3), Constructed.first(3)]])
    let expected = Matrix([[1, 0, 0], [0.5, 0.5, 0], [0.25, 0.25, 0.5]])
    #expect(r.map { maxDifference($0, expected) < 1e-6 } == true)
  }

  @Test func layersMultiplyFromTheFirstChosenUp() {
    let p = [Constructed.previous(3)]
    let a = residualAverage(p)
    let r = attentionRollout([p, p], from: 0)
    // Float32 buffers: 7 significant digits.
    #expect(r.map { maxDifference($0, a * a) < 1e-6 } == true)
    #expect(r.map { m in (0..<3).allSatisfy { abs(m.row($0).reduce(0, +) - 1) < 1e-6 } } == true)
    #expect(attentionRollout([p], from: 1) == nil)
  }

  /// The row-by-row product in place equals the plain product of the layers' averages, on
  /// random causal layers of several heads (the Double reference: residualAverage and `*`).
  @Test func inPlaceProductMatchesThePlainProduct() {
    var generator = SplitMix64(seed: 7)
    func randomCausal(_ t: Int) -> Matrix {
      var m = Matrix(rows: t, columns: t)
      for r in 0..<t {
        var sum = 0.0
        for c in 0...r {
          m[r, c] = Double(generator.next() % 1000) + 1
          sum += m[r, c]
        }
        for c in 0...r { m[r, c] /= sum }
      }
      return m
    }
    let layers = (0..<4).map { _ in (0..<3).map { _ in randomCausal(9) } }
    var expected = residualAverage(layers[1])
    for heads in layers[2...] { expected = residualAverage(heads) * expected }
    let r = attentionRollout(layers, from: 1)
    #expect(r.map { maxDifference($0, expected) < 1e-6 } == true)
    // Row i of a causal rollout draws only on tokens 0…i.
    #expect(
      r.map { m in (0..<9).allSatisfy { i in (i + 1..<9).allSatisfy { m[i, $0] == 0 } } } == true)
  }
}

@Suite struct HeadStatisticsTests {
  @Test func distanceAndEntropyOfConstructedHeads() {
    let previous = HeadStatistics(Constructed.previous(5))
    #expect(previous.meanDistance == 0.8)  // row 0 stays on itself
    #expect(previous.meanOffset == -0.8)
    #expect(previous.meanEntropyBits == 0)
    let selfHead = HeadStatistics(Constructed.selfHead(5))
    #expect(selfHead.meanDistance == 0)
    let uniform = HeadStatistics(Constructed.uniform(4))
    #expect(abs(uniform.meanEntropyBits - 2) < 1e-12)
    // |i − j| averaged over a uniform 4×4: (0+1+2+3 + 1+0+1+2 + 2+1+0+1 + 3+2+1+0) / 16.
    #expect(abs(uniform.meanDistance - 20.0 / 16) < 1e-12)
  }
}

@Suite struct RotaryEmbeddingTests {
  @Test func anglesFollowThetaToTheMinusTwoIOverD() {
    let rope = RotaryEmbedding(headSize: 64)
    #expect(rope.pairs == 32)
    #expect(rope.frequency(pair: 0) == 1)
    #expect(abs(rope.frequency(pair: 16) - 0.01) < 1e-15)  // 10000^(−32/64)
    #expect(rope.angle(position: 3, pair: 0) == 3)
    #expect(abs(rope.wrappedAngle(position: 4, pair: 0) - (4 - 2 * Double.pi)) < 1e-12)
  }

  @Test func dotProductIsOneAtDistanceZeroAndDecays() {
    let rope = RotaryEmbedding(headSize: 64, base: 10000)
    #expect(rope.normalizedDotProduct(distance: 0) == 1)
    #expect(rope.normalizedDotProduct(distance: 100) < rope.normalizedDotProduct(distance: 1))
    #expect(rope.normalizedDotProduct(distance: 1) < 1)
    // Only the distance matters, in either direction.
    #expect(rope.normalizedDotProduct(distance: -7) == rope.normalizedDotProduct(distance: 7))
    // A larger base rotates slower: the same distance keeps more of the product.
    let slow = RotaryEmbedding(headSize: 64, base: 1_000_000)
    #expect(slow.normalizedDotProduct(distance: 20) > rope.normalizedDotProduct(distance: 20))
  }
}

func maxDifference(_ a: Matrix, _ b: Matrix) -> Double {
  zip(a.values, b.values).reduce(0) { max($0, abs($1.0 - $1.1)) }
}
