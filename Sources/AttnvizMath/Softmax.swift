#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// Row-wise softmax, computed stably: each row has its maximum subtracted before `exp`, so large
/// scores (say 1000) give the same weights as small ones instead of overflowing to `inf/inf`.
///
/// Entries where `isMasked(row, column)` is true get weight exactly 0 (as if their score were −∞).
/// A row whose every entry is masked gets all zeros rather than NaN.
public func softmaxRows(_ scores: Matrix, isMasked: ((Int, Int) -> Bool)? = nil) -> Matrix {
  var out = Matrix(rows: scores.rows, columns: scores.columns)
  for r in 0..<scores.rows {
    var rowMax = -Double.infinity
    for c in 0..<scores.columns where !(isMasked?(r, c) ?? false) {
      rowMax = max(rowMax, scores[r, c])
    }
    guard rowMax.isFinite else { continue }
    var sum = 0.0
    for c in 0..<scores.columns where !(isMasked?(r, c) ?? false) {
      let e = exp(scores[r, c] - rowMax)
      out[r, c] = e
      sum += e
    }
    for c in 0..<scores.columns { out[r, c] /= sum }
  }
  return out
}

/// The causal mask of GPT-style decoders: query i may look at keys 0…i only.
public func isFutureKey(query: Int, key: Int) -> Bool { key > query }
