/// A dense row-major matrix of `Double`.
///
/// attnviz uses the row-vector convention throughout: a sequence of T tokens with C channels is a
/// T×C matrix, and a linear map is applied as `X · W` with W of shape C_in×C_out.
public struct Matrix: Equatable, Sendable {
  public let rows: Int
  public let columns: Int
  /// Row-major storage: element (r, c) is at `r * columns + c`.
  public var values: [Double]

  public init(rows: Int, columns: Int, repeating value: Double = 0) {
    precondition(rows >= 0 && columns >= 0, "matrix shape must be non-negative")
    self.rows = rows
    self.columns = columns
    self.values = Array(repeating: value, count: rows * columns)
  }

  public init(rows: Int, columns: Int, values: [Double]) {
    precondition(
      values.count == rows * columns, "\(values.count) values for a \(rows)×\(columns) matrix")
    self.rows = rows
    self.columns = columns
    self.values = values
  }

  /// Builds a matrix from nested rows, which must all have the same length.
  public init(_ nested: [[Double]]) {
    let columns = nested.first?.count ?? 0
    precondition(nested.allSatisfy { $0.count == columns }, "ragged rows")
    self.init(rows: nested.count, columns: columns, values: nested.flatMap { $0 })
  }

  public static func identity(_ size: Int) -> Matrix {
    var m = Matrix(rows: size, columns: size)
    for i in 0..<size { m[i, i] = 1 }
    return m
  }

  public subscript(row: Int, column: Int) -> Double {
    get { values[row * columns + column] }
    set { values[row * columns + column] = newValue }
  }

  public func row(_ r: Int) -> ArraySlice<Double> {
    values[(r * columns)..<((r + 1) * columns)]
  }

  /// The rows as nested arrays (for encoders that want `[[Double]]`).
  public var nestedRows: [[Double]] {
    (0..<rows).map { Array(row($0)) }
  }

  public var transposed: Matrix {
    var t = Matrix(rows: columns, columns: rows)
    for r in 0..<rows {
      for c in 0..<columns { t[c, r] = self[r, c] }
    }
    return t
  }

  /// Columns `range` of every row: how a head takes its slice of Q, K and V.
  public func columns(_ range: Range<Int>) -> Matrix {
    precondition(range.lowerBound >= 0 && range.upperBound <= columns, "column range out of bounds")
    var out = Matrix(rows: rows, columns: range.count)
    for r in 0..<rows {
      for (j, c) in range.enumerated() { out[r, j] = self[r, c] }
    }
    return out
  }

  /// Rows `range`, all columns.
  public func rows(_ range: Range<Int>) -> Matrix {
    precondition(range.lowerBound >= 0 && range.upperBound <= rows, "row range out of bounds")
    return Matrix(
      rows: range.count, columns: columns,
      values: Array(values[(range.lowerBound * columns)..<(range.upperBound * columns)]))
  }

  /// Side-by-side concatenation: `[A | B | …]`, as multi-head attention joins its heads.
  public static func concatenateColumns(_ parts: [Matrix]) -> Matrix {
    guard let first = parts.first else { return Matrix(rows: 0, columns: 0) }
    precondition(parts.allSatisfy { $0.rows == first.rows }, "row counts differ")
    var out = Matrix(rows: first.rows, columns: parts.reduce(0) { $0 + $1.columns })
    var offset = 0
    for part in parts {
      for r in 0..<part.rows {
        for c in 0..<part.columns { out[r, offset + c] = part[r, c] }
      }
      offset += part.columns
    }
    return out
  }

  public func map(_ transform: (Double) -> Double) -> Matrix {
    Matrix(rows: rows, columns: columns, values: values.map(transform))
  }

  /// Largest absolute value, 0 for an empty matrix.
  public var maxMagnitude: Double {
    values.reduce(0) { Swift.max($0, abs($1)) }
  }

  public var isFinite: Bool { values.allSatisfy(\.isFinite) }
}

extension Matrix {
  /// Matrix product `a · b` (T×C times C×K gives T×K).
  public static func * (a: Matrix, b: Matrix) -> Matrix {
    precondition(
      a.columns == b.rows, "cannot multiply \(a.rows)×\(a.columns) by \(b.rows)×\(b.columns)")
    var out = Matrix(rows: a.rows, columns: b.columns)
    let n = b.columns
    // i-k-j order walks both b and out along rows; the innermost loop runs over base pointers
    // (no index arithmetic to overflow-check) so the compiler vectorises it.
    a.values.withUnsafeBufferPointer { av in
      b.values.withUnsafeBufferPointer { bv in
        out.values.withUnsafeMutableBufferPointer { ov in
          guard let ap = av.baseAddress, let bp = bv.baseAddress, let op = ov.baseAddress else {
            return
          }
          for i in 0..<a.rows {
            let outRow = op + i * n
            for k in 0..<a.columns {
              let aik = ap[i * a.columns + k]
              if aik == 0 { continue }
              let bRow = bp + k * n
              for j in 0..<n { outRow[j] += aik * bRow[j] }
            }
          }
        }
      }
    }
    return out
  }

  public static func + (a: Matrix, b: Matrix) -> Matrix {
    precondition(a.rows == b.rows && a.columns == b.columns, "shapes differ")
    return Matrix(rows: a.rows, columns: a.columns, values: zip(a.values, b.values).map(+))
  }

  public static func * (a: Matrix, s: Double) -> Matrix { a.map { $0 * s } }
}
