import AttnvizMath
import AttnvizStyle

/// A labelled matrix as a terminal table: query tokens down the side, key tokens (or dimensions
/// d0, d1, …) across the top, values with fixed decimals, each row's largest value marked `*`,
/// causal-masked cells shown as "-" (plain) or "·" (coloured) rather than 0.00.
///
/// Tables wider than `options.width` are split into blocks of whole key columns, each repeating
/// the row labels under a heading such as "keys 9-16 of 30". Every line fits the width unless a
/// single key column plus the shortest row labels cannot (the width is then exceeded, never
/// wrapped). Tokens are sanitised (`sanitizeForTerminal`) and aligned by display width; plain
/// mode keeps ASCII borders and "..." ellipses, but tokens stay the user's UTF-8 text.
/// The result ends with a newline.
public func renderTable(
  _ m: LabeledMatrix, title: String? = nil, options: TableOptions = TableOptions()
) -> String {
  let glyphs = TableGlyphs.forMode(options.colorMode)
  let width = max(options.width, 1)
  var lines: [String] = []
  if let title {
    let safe = sanitizeForTerminal(title, asciiOnly: glyphs.asciiOnly)
    lines.append(truncate(safe, toWidth: width, ellipsis: glyphs.ellipsis))
  }
  guard m.matrix.rows > 0, m.matrix.columns > 0 else {
    lines.append("(empty matrix: \(m.matrix.rows) x \(m.matrix.columns))")
    return lines.joined(separator: "\n") + "\n"
  }
  let layout = TableLayout(m, options: options, glyphs: glyphs)
  let blocks = layout.columnBlocks()
  for (number, block) in blocks.enumerated() {
    if number > 0 { lines.append("") }
    if blocks.count > 1 { lines.append(layout.heading(for: block)) }
    lines += layout.lines(for: block)
  }
  if layout.hasLegend { lines.append(layout.legend) }
  return lines.joined(separator: "\n") + "\n"
}

/// Column widths, labels and glyphs of one table, shared by all its column blocks.
struct TableLayout {
  let cells: TableCells
  let glyphs: TableGlyphs
  let shading: CellShading?
  let rowLabels: [String]
  let columnLabels: [String]
  let labelWidth: Int
  let valueWidth: Int
  let columnWidths: [Int]
  let width: Int
  let decimals: Int
  let matrix: LabeledMatrix

  init(_ m: LabeledMatrix, options: TableOptions, glyphs: TableGlyphs) {
    matrix = m
    self.glyphs = glyphs
    width = max(options.width, 1)
    decimals = options.decimals
    cells = TableCells(m, decimals: options.decimals)
    let colorMap = options.colorMap ?? (m.kind == .probabilities ? .viridis : .diverging)
    shading =
      options.colorMode == .plain ? nil : CellShading(mode: options.colorMode, colorMap: colorMap)
    let safe = { (label: String, cap: Int) in
      truncate(
        sanitizeForTerminal(label, asciiOnly: glyphs.asciiOnly), toWidth: max(cap, 1),
        ellipsis: glyphs.ellipsis)
    }
    let valueWidth = max(1, cells.text.map(\.count).max() ?? 1)
    self.valueWidth = valueWidth
    columnLabels = m.resolvedColumnLabels.map { safe($0, options.maxColumnLabelWidth) }
    columnWidths = columnLabels.map { max(displayWidth($0), valueWidth + 1) }
    // Shorten row labels further when they alone would keep even one column from fitting.
    let room = width - 4 - ((columnWidths.max() ?? 0) + 3)
    let cap = max(4, min(options.maxRowLabelWidth, room))
    rowLabels = m.rowLabels.map { safe($0, cap) }
    labelWidth = rowLabels.map(displayWidth).max() ?? 0
  }

  /// Consecutive key columns grouped so each block's lines fit the width (at least one column),
  /// as evenly as the width allows: 8 columns of which 7 fit are 4 + 4, not 7 + a lone 1.
  func columnBlocks() -> [Range<Int>] {
    let greedy = greedyColumnBlocks()
    let n = columnWidths.count
    guard greedy.count > 1 else { return greedy }
    let size = (n + greedy.count - 1) / greedy.count
    let even = stride(from: 0, to: n, by: size).map { $0..<min($0 + size, n) }
    let available = width - (labelWidth + 4)
    let fits = even.allSatisfy { block in
      block.map { columnWidths[$0] + 3 }.reduce(0, +) <= available
    }
    return fits && even.count == greedy.count ? even : greedy
  }

  private func greedyColumnBlocks() -> [Range<Int>] {
    let available = width - (labelWidth + 4)
    var blocks: [Range<Int>] = []
    var start = 0
    var used = 0
    for column in columnWidths.indices {
      let needed = columnWidths[column] + 3
      if column > start, used + needed > available {
        blocks.append(start..<column)
        start = column
        used = 0
      }
      used += needed
    }
    blocks.append(start..<columnWidths.count)
    return blocks
  }

  func heading(for block: Range<Int>) -> String {
    let dash = glyphs.rangeDash
    let total = columnWidths.count
    // Labelled columns are keys, unless the labels name dimensions (a head's d64…, pairs).
    let noun = matrix.labelsAreDimensions ? "columns" : "keys"
    let text =
      matrix.columnLabels == nil
      ? "dims d\(block.lowerBound)\(dash)d\(block.upperBound - 1) of \(total)"
      : "\(noun) \(block.lowerBound + 1)\(dash)\(block.upperBound) of \(total)"
    return truncate(text, toWidth: width, ellipsis: glyphs.ellipsis)
  }

  func lines(for block: Range<Int>) -> [String] {
    var lines = [border(glyphs.top, block), headerLine(block), border(glyphs.rule, block)]
    for row in 0..<cells.rows { lines.append(rowLine(row, block)) }
    lines.append(border(glyphs.bottom, block))
    return lines
  }

  private func border(_ parts: (left: String, middle: String, right: String), _ block: Range<Int>)
    -> String
  {
    let h = glyphs.horizontal
    var line = parts.left + String(repeating: h, count: labelWidth + 2)
    for column in block {
      line += parts.middle + String(repeating: h, count: columnWidths[column] + 2)
    }
    return line + parts.right
  }

  private func headerLine(_ block: Range<Int>) -> String {
    let v = glyphs.vertical
    var line = v + " " + String(repeating: " ", count: labelWidth) + " " + v
    for column in block {
      line += " " + pad(columnLabels[column], toWidth: columnWidths[column], .center) + " " + v
    }
    return line
  }

  private func rowLine(_ row: Int, _ block: Range<Int>) -> String {
    let v = glyphs.vertical
    var line = v + " " + pad(rowLabels[row], toWidth: labelWidth, .left) + " " + v
    for column in block {
      appendCell(row, column, to: &line)
      line += v
    }
    return line
  }

  /// One cell with its padding; in colour modes the padding is shaded too and the colour is
  /// reset before the border, so a cut-off or copied line never leaks colour.
  private func appendCell(_ row: Int, _ column: Int, to line: inout String) {
    let i = cells.index(row, column)
    let content =
      cells.isMasked[i]
      ? pad(maskedText, toWidth: valueWidth + 1, .center)
      : pad(cells.text[i], toWidth: valueWidth, .right) + (cells.isRowMax[i] ? "*" : " ")
    let shade = shading.flatMap { shading in cells.scale[i].map { shading.start(at: $0) } }
    if let shade { line += shade }
    line += " "
    line += pad(content, toWidth: columnWidths[column], .right)
    line += " "
    if shade != nil, let shading { line += shading.reset }
  }

  /// Masked weights are 0 and shown as a mark; masked scores are −∞ and say so.
  var maskedText: String { matrix.kind == .signed ? glyphs.minusInfinity : glyphs.masked }

  /// One line saying what the marks (and the colours) mean.
  var legend: String {
    let what = matrix.kind == .probabilities ? "weight" : "value"
    var parts = cells.isRowMax.contains(true) ? ["* = largest \(what) in its row"] : []
    if cells.isMasked.contains(true) {
      parts.append(
        matrix.kind == .signed
          ? "\(maskedText) = masked score" : "\(glyphs.masked) = masked (weight 0)")
    }
    if let shading {
      let bound = formatFixed(cells.magnitude, decimals: decimals)
      let range = matrix.kind == .probabilities ? "0 to 1" : "-\(bound) to +\(bound)"
      parts.append("colour: \(shading.colorMap.name), \(range)")
    }
    return truncate(parts.joined(separator: "; "), toWidth: width, ellipsis: glyphs.ellipsis)
  }

  var hasLegend: Bool {
    !legend.isEmpty
  }
}
