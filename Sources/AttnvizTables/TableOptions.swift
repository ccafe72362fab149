import AttnvizStyle

/// How `renderTable` lays out and colours a terminal table.
public struct TableOptions: Sendable, Equatable {
  public var colorMode: ColorMode
  /// Display columns available; wider tables are split into blocks of key columns.
  public var width: Int
  /// Fixed decimals for every value (probabilities and signed matrices alike).
  public var decimals: Int
  /// Longer query tokens (row labels) are shortened with an ellipsis.
  public var maxRowLabelWidth: Int
  /// Longer key tokens (column headers) are shortened with an ellipsis.
  public var maxColumnLabelWidth: Int
  /// The colour map for shaded modes; nil picks `viridis` for probabilities and `diverging` for
  /// signed matrices. Signed data wants a diverging map.
  public var colorMap: ColorMap?

  public init(
    colorMode: ColorMode = .plain, width: Int = 80, decimals: Int = 2,
    maxRowLabelWidth: Int = 16, maxColumnLabelWidth: Int = 10, colorMap: ColorMap? = nil
  ) {
    self.colorMode = colorMode
    self.width = width
    self.decimals = decimals
    self.maxRowLabelWidth = maxRowLabelWidth
    self.maxColumnLabelWidth = maxColumnLabelWidth
    self.colorMap = colorMap
  }
}

/// The characters a table is drawn with. Plain tables are pure ASCII so they paste into slides,
/// Markdown code blocks and e-mail unchanged; coloured tables already need a modern terminal, so
/// they use box drawing, "…" and "·".
struct TableGlyphs {
  let top: (left: String, middle: String, right: String)
  let rule: (left: String, middle: String, right: String)
  let bottom: (left: String, middle: String, right: String)
  let horizontal: String
  let vertical: String
  let ellipsis: String
  let masked: String
  /// A masked score (before softmax) is −∞, not a blank.
  let minusInfinity: String
  let rangeDash: String
  let asciiOnly: Bool

  static let ascii = TableGlyphs(
    top: ("+", "+", "+"), rule: ("+", "+", "+"), bottom: ("+", "+", "+"),
    horizontal: "-", vertical: "|", ellipsis: "...", masked: "-", minusInfinity: "-inf", rangeDash: "-",
    asciiOnly: true)

  static let unicode = TableGlyphs(
    top: ("┌", "┬", "┐"), rule: ("├", "┼", "┤"), bottom: ("└", "┴", "┘"),
    horizontal: "─", vertical: "│", ellipsis: "…", masked: "·", minusInfinity: "−∞", rangeDash: "–",
    asciiOnly: false)

  static func forMode(_ mode: ColorMode) -> TableGlyphs { mode == .plain ? ascii : unicode }
}
