import AttnvizMath

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// How far a head looks and how spread its weights are, each averaged over the queries:
/// - mean distance = mean_i Σ_j w[i, j]·|i − j| (tokens; 0 for a head that attends to itself,
///   1 for a pure previous-token head);
/// - mean offset = mean_i Σ_j w[i, j]·(j − i) (negative: looks back, positive: ahead);
/// - mean entropy = mean_i −Σ_j w[i, j]·log2 w[i, j] (bits; 0 for one key, log2 T for uniform).
public struct HeadStatistics: Sendable, Equatable {
  public var meanDistance: Double
  public var meanOffset: Double
  public var meanEntropyBits: Double

  public init(_ w: Matrix) {
    var distance = 0.0
    var offset = 0.0
    var entropy = 0.0
    for i in 0..<w.rows {
      for j in 0..<w.columns {
        let p = w[i, j]
        guard p > 0 else { continue }
        distance += p * Double(abs(i - j))
        offset += p * Double(j - i)
        entropy -= p * log2(p)
      }
    }
    let rows = Double(max(w.rows, 1))
    meanDistance = distance / rows
    meanOffset = offset / rows
    meanEntropyBits = entropy / rows
  }
}
