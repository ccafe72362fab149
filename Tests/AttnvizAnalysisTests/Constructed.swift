import AttnvizMath

/// Constructed attention matrices: every row a one-hot or uniform distribution, so the expected
/// labels and numbers follow from the definitions by hand.
enum Constructed {
  /// Query i puts all weight on key `target(i)`.
  static func oneHot(_ n: Int, _ target: (Int) -> Int) -> Matrix {
    var m = Matrix(rows: n, columns: n)
    for i in 0..<n { m[i, target(i)] = 1 }
    return m
  }

  /// Previous token (row 0, which has none, on itself).
  static func previous(_ n: Int) -> Matrix { oneHot(n) { max($0 - 1, 0) } }
  /// Next token (the last row on itself).
  static func next(_ n: Int) -> Matrix { oneHot(n) { min($0 + 1, n - 1) } }
  static func selfHead(_ n: Int) -> Matrix { oneHot(n) { $0 } }
  static func first(_ n: Int) -> Matrix { oneHot(n) { _ in 0 } }

  static func uniform(_ n: Int, causal: Bool = false) -> Matrix {
    var m = Matrix(rows: n, columns: n)
    for i in 0..<n {
      let seen = causal ? i + 1 : n
      for j in 0..<seen { m[i, j] = 1 / Double(seen) }
    }
    return m
  }

  /// All weight on `key` for every row.
  static func column(_ n: Int, _ key: Int) -> Matrix { oneHot(n) { _ in key } }
}
