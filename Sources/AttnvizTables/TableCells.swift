import AttnvizMath
import AttnvizStyle

/// What every table format needs to know about each cell, worked out once: the printed value,
/// whether it is its row's largest, whether the causal mask hid it, and where it sits on the
/// colour scale.
struct TableCells {
  let rows: Int
  let columns: Int
  /// Row-major printed values ("0.42", "-1.07", "nan"); "" for masked cells.
  let text: [String]
  let isRowMax: [Bool]
  let isMasked: [Bool]
  /// Position on the colour scale in 0…1, nil for masked or NaN cells (left unshaded).
  let scale: [Double?]
  /// Largest |value| over visible finite cells: the symmetric range of a signed matrix.
  let magnitude: Double

  init(_ m: LabeledMatrix, decimals: Int) {
    let rows = m.matrix.rows
    let columns = m.matrix.columns
    let values = m.matrix.values
    let masked = (0..<rows).flatMap { r in (0..<columns).map { c in m.isMasked(r, c) } }
    let visible = zip(values, masked).filter { !$0.1 && $0.0.isFinite }.map(\.0)
    let magnitude = visible.reduce(0) { Swift.max($0, abs($1)) }
    let kind = m.kind
    self.rows = rows
    self.columns = columns
    self.isMasked = masked
    self.magnitude = magnitude
    text = zip(values, masked).map { $1 ? "" : formatFixed($0, decimals: decimals) }
    isRowMax = Self.rowMaxima(m, masked: masked)
    scale = zip(values, masked).map { value, masked in
      if masked || value.isNaN { return nil }
      switch kind {
      case .probabilities: return value
      case .signed: return magnitude > 0 ? 0.5 + 0.5 * value / magnitude : 0.5
      }
    }
  }

  /// Marks every visible cell equal to its row's largest value; ties are all marked, since
  /// picking one (numpy's first-index `argmax`) would claim a winner the numbers do not show.
  /// Only where columns are tokens (weights, scores): the largest coordinate of an embedding or
  /// of Q (columns d0, d1, … even when labelled) says nothing about attention.
  private static func rowMaxima(_ m: LabeledMatrix, masked: [Bool]) -> [Bool] {
    let columns = m.matrix.columns
    var marks = [Bool](repeating: false, count: m.matrix.values.count)
    guard m.columnsAreTokens else { return marks }
    for r in 0..<m.matrix.rows {
      let range = (r * columns)..<((r + 1) * columns)
      let candidates = range.filter { !masked[$0] && !m.matrix.values[$0].isNaN }
      guard let best = candidates.map({ m.matrix.values[$0] }).max() else { continue }
      for i in candidates where m.matrix.values[i] == best { marks[i] = true }
    }
    return marks
  }

  func index(_ row: Int, _ column: Int) -> Int { row * columns + column }
}
