import AttnvizMath
import Testing

@testable import AttnvizAnalysis

/// A sink that takes most of the weight but carries a short vector moves little: the numbers
/// worked by hand.
@Suite struct ContributionTests {
  /// Three tokens, causal. Query 2 gives 0.8 to key 0 (norm 0.1) and 0.2 to itself (norm 2).
  static let weights = Matrix([[1, 0, 0], [0.5, 0.5, 0], [0.8, 0, 0.2]])
  static let norms = [0.1, 1.0, 2.0]

  @Test func contributionIsWeightTimesNorm() {
    let c = contributionMatrix(weights: Self.weights, norms: Self.norms)
    let expected = Matrix([[0.1, 0, 0], [0.05, 0.5, 0], [0.08, 0, 0.4]])
    #expect(zip(c.values, expected.values).allSatisfy { abs($0 - $1) < 1e-15 })
  }

  @Test func rowsNormalisedToShares() {
    let shares = rowNormalized(contributionMatrix(weights: Self.weights, norms: Self.norms))
    #expect(abs(shares[2, 0] - 0.08 / 0.48) < 1e-15)
    #expect(abs(shares[1, 1] - 0.5 / 0.55) < 1e-15)
    for i in 0..<3 { #expect(abs(shares.row(i).reduce(0, +) - 1) < 1e-15) }
    // An all-zero row stays zero instead of dividing by 0.
    #expect(rowNormalized(Matrix(rows: 1, columns: 2)) == Matrix(rows: 1, columns: 2))
  }

  @Test func sinkShareShrinks() {
    let layer = LayerContribution(weights: [Self.weights], norms: [Self.norms], heads: [0])
    // Weight on key 0 over queries 1 and 2: (0.5 + 0.8) / 2; contribution: (0.05/0.55 + 0.08/0.48) / 2.
    #expect(abs(sinkShare(layer.weights, sinkKeys: [0]) - 0.65) < 1e-15)
    let expected = (0.05 / 0.55 + 0.08 / 0.48) / 2
    #expect(abs(sinkShare(layer.shares, sinkKeys: [0]) - expected) < 1e-15)
  }

  /// Heads together: weights averaged, contributions summed before the row is normalised (a
  /// head that moves long vectors counts for more than one that moves short ones).
  @Test func headsTogetherSumContributions() {
    let other = Matrix([[1, 0, 0], [0, 1, 0], [0, 0, 1]])
    let layer = LayerContribution(
      weights: [Self.weights, other], norms: [Self.norms, [1, 1, 1]], heads: [0, 1])
    #expect(abs(layer.weights[2, 0] - 0.4) < 1e-15)
    // Row 2: head 1 moves 0.08 from key 0 and 0.4 from key 2; head 2 moves 1 from key 2.
    #expect(abs(layer.shares[2, 0] - 0.08 / 1.48) < 1e-15)
    #expect(abs(layer.shares[2, 2] - 1.4 / 1.48) < 1e-15)
  }
}
