import Foundation

/// One candidate for the next token: its id and the probability the model gives it
/// (softmax of the logits at temperature 1).
public struct Candidate: Sendable, Equatable {
  public var id: Int
  public var probability: Double
  public var logit: Float

  public init(id: Int, probability: Double, logit: Float) {
    self.id = id
    self.probability = probability
    self.logit = logit
  }
}

/// The softmax of one row of logits, in Double with the row maximum subtracted first, and its
/// most probable entries. Ties go to the lower id, as torch.topk and argmax pick them.
public struct NextTokenDistribution: Sendable {
  public let logits: [Float]
  public let probabilities: [Double]

  public init<C: Collection>(logits: C) where C.Element == Float {
    let logits = Array(logits)
    let largest = Double(logits.max() ?? 0)
    var p = logits.map { Foundation.exp(Double($0) - largest) }
    let total = p.reduce(0, +)
    for i in p.indices { p[i] /= total }
    self.logits = logits
    probabilities = p
  }

  /// The k most probable ids, most probable first.
  public func top(_ k: Int) -> [Candidate] {
    Self.ranked(logits, k: k).map {
      Candidate(id: $0, probability: probabilities[$0], logit: logits[$0])
    }
  }

  /// The most probable id (the lowest of equals).
  public var argmax: Int { Self.ranked(logits, k: 1).first ?? 0 }

  /// Indices of the k largest values, largest first, ties by lower index: one pass keeping a
  /// small sorted list, so a 262k vocabulary is not sorted whole.
  static func ranked(_ values: [Float], k: Int) -> [Int] {
    let k = min(k, values.count)
    guard k > 0 else { return [] }
    var best: [Int] = []
    best.reserveCapacity(k + 1)
    for i in values.indices {
      if best.count == k, let last = best.last, values[i] <= values[last] { continue }
      var at = best.count
      while at > 0, values[best[at - 1]] < values[i] { at -= 1 }
      best.insert(i, at: at)
      if best.count > k { best.removeLast() }
    }
    return best
  }
}
