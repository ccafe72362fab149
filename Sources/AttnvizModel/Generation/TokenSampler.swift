import AttnvizMath
import Foundation

/// How the next token is chosen: the most probable (greedy, transformers'
/// `generate(do_sample=False)`), or drawn from the distribution reshaped as transformers'
/// logits warpers reshape it, in their order:
///
///     logits / temperature → keep the top k → keep the smallest set whose probability
///     reaches top_p → renormalise → draw with the seeded generator
///
/// The draw uses SplitMix64 (AttnvizMath), the same sequence on every machine, so a seed gives
/// the same text every time. Candidates are ranked by logit, ties by lower id.
public struct TokenSampler: Sendable {
  public enum Mode: Sendable, Equatable {
    case greedy
    case sample(temperature: Double, topK: Int?, topP: Double?, seed: UInt64)
  }

  public let mode: Mode
  var generator: SplitMix64

  public init(_ mode: Mode) {
    self.mode = mode
    if case .sample(_, _, _, let seed) = mode {
      generator = SplitMix64(seed: seed)
    } else {
      generator = SplitMix64(seed: 0)
    }
  }

  /// The chosen id for one row of logits.
  public mutating func choose(_ distribution: NextTokenDistribution) -> Int {
    guard case .sample(let temperature, let topK, let topP, _) = mode else {
      return distribution.argmax
    }
    let logits = distribution.logits
    let k = min(topK ?? logits.count, logits.count)
    let ranked = NextTokenDistribution.ranked(logits, k: k)
    guard let first = ranked.first else { return 0 }
    // Softmax of the kept logits at the temperature, in Double.
    let largest = Double(logits[first]) / temperature
    var weights = ranked.map { Foundation.exp(Double(logits[$0]) / temperature - largest) }
    var total = weights.reduce(0, +)
    if let topP, topP < 1 {
      // Keep the most probable tokens until their share reaches top_p (at least one).
      var kept = 0
      var share = 0.0
      while kept < weights.count {
        share += weights[kept] / total
        kept += 1
        if share >= topP { break }
      }
      weights.removeLast(weights.count - kept)
      total = weights.reduce(0, +)
    }
    let u = generator.nextUnit() * total
    var running = 0.0
    for (index, weight) in weights.enumerated() {
      running += weight
      if u < running { return ranked[index] }
    }
    return ranked[weights.count - 1]
  }
}
