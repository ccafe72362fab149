/// What a matrix holds, which decides how it is coloured and formatted.
public enum MatrixKind: String, Sendable, Equatable {
  /// Attention weights: every value in 0…1, rows sum to 1. Sequential colour map, fixed 0…1 scale.
  case probabilities
  /// Any signed values (embeddings, Q, K, V, scores). Diverging colour map centred on 0.
  case signed
}

/// A matrix with the labels a table or a figure needs: the common currency between the model and
/// every view, table and encoder, which never see the model itself.
public struct LabeledMatrix: Sendable, Equatable {
  public var matrix: Matrix
  /// One label per row (query tokens, positions).
  public var rowLabels: [String]
  /// One label per column (key tokens), or nil when columns are plain dimensions (d0, d1, …).
  public var columnLabels: [String]?
  public var kind: MatrixKind
  /// True when entries above the diagonal were masked out (the causal mask): views and tables
  /// draw them as "masked", not as a true 0.
  public var isCausal: Bool
  /// A sliding window W: entries more than W − 1 columns left of the diagonal were masked out
  /// too (Gemma 3's local layers), drawn as "masked" like the causal triangle.
  public var window: Int?
  /// Set when `columnLabels` name dimensions (a head's slice of Q labelled d4…d7), not tokens.
  public var labelsAreDimensions = false

  /// Whether the columns are tokens (attention, scores): only then is a row's largest value
  /// worth marking, and the axis a key axis.
  public var columnsAreTokens: Bool { columnLabels != nil && !labelsAreDimensions }

  public init(
    _ matrix: Matrix, rowLabels: [String], columnLabels: [String]?, kind: MatrixKind,
    isCausal: Bool = false
  ) {
    precondition(rowLabels.count == matrix.rows, "one row label per row")
    precondition(
      columnLabels.map { $0.count == matrix.columns } ?? true, "one column label per column")
    self.matrix = matrix
    self.rowLabels = rowLabels
    self.columnLabels = columnLabels
    self.kind = kind
    self.isCausal = isCausal
  }

  /// Column labels, with `d0, d1, …` standing in for dimensions.
  public var resolvedColumnLabels: [String] {
    columnLabels ?? (0..<matrix.columns).map { "d\($0)" }
  }

  public func isMasked(_ row: Int, _ column: Int) -> Bool {
    if isCausal && column > row { return true }
    if let window, row - column >= window { return true }
    return false
  }

}
