import Testing

@testable import AttnvizModel

@Suite struct TokenSamplerTests {
  static let logits: [Float] = [1, 3, 2, 3, -1]

  @Test func greedyTakesTheLargestAndTheLowerIdOfEquals() {
    var sampler = TokenSampler(.greedy)
    #expect(sampler.choose(NextTokenDistribution(logits: Self.logits)) == 1)
    #expect(NextTokenDistribution(logits: Self.logits).top(3).map(\.id) == [1, 3, 2])
  }

  @Test func topKOneIsGreedyAndTopPKeepsTheSmallestSet() {
    var one = TokenSampler(.sample(temperature: 5, topK: 1, topP: nil, seed: 3))
    for _ in 0..<20 { #expect(one.choose(NextTokenDistribution(logits: Self.logits)) == 1) }
    // p(1) = p(3) ≈ 0.40 each: top-p 0.5 keeps ids 1 and 3 only.
    var nucleus = TokenSampler(.sample(temperature: 1, topK: nil, topP: 0.5, seed: 3))
    let drawn = Set(
      (0..<200).map { _ in nucleus.choose(NextTokenDistribution(logits: Self.logits)) })
    #expect(drawn == [1, 3])
  }

  @Test func samplingFollowsTheDistributionAndRepeatsPerSeed() {
    func draws(_ seed: UInt64) -> [Int] {
      var sampler = TokenSampler(.sample(temperature: 1, topK: nil, topP: nil, seed: seed))
      return (0..<4000).map { _ in sampler.choose(NextTokenDistribution(logits: Self.logits)) }
    }
    let first = draws(11)
    #expect(draws(11) == first)
    #expect(draws(12) != first)
    let p = NextTokenDistribution(logits: Self.logits).probabilities
    for id in Self.logits.indices {
      let share = Double(first.filter { $0 == id }.count) / Double(first.count)
      #expect(abs(share - p[id]) < 0.03, "id \(id): \(share) vs \(p[id])")
    }
  }
}
