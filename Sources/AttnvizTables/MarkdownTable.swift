import AttnvizMath
import AttnvizStyle

/// A labelled matrix as a GitHub-flavoured Markdown table: query tokens in the first column, key
/// tokens (or d0, d1, …) as headers, values with `decimals` fixed decimals and right-aligned, each
/// row's largest value in **bold**, causal-masked cells as "·". A one-line legend follows after a
/// blank line (without it GFM would read the legend as another table row). Ends with a newline.
/// Labels are escaped with `escapeMarkdown`.
public func renderMarkdownTable(
  _ m: LabeledMatrix, title: String? = nil, decimals: Int = 2
) -> String {
  let cells = TableCells(m, decimals: decimals)
  var lines: [String] = []
  if let title { lines += [escapeMarkdown(title), ""] }
  let keys = m.resolvedColumnLabels.map(escapeMarkdown)
  lines.append("|  |" + keys.map { " \($0) |" }.joined())
  lines.append("| :--- |" + String(repeating: " ---: |", count: keys.count))
  for row in 0..<cells.rows {
    var line = "| " + escapeMarkdown(m.rowLabels[row]) + " |"
    for column in 0..<cells.columns {
      let i = cells.index(row, column)
      let value =
        cells.isMasked[i]
        ? (m.kind == .signed ? "−∞" : "·")
        : cells.isRowMax[i] ? "**\(cells.text[i])**" : cells.text[i]
      line += " \(value) |"
    }
    lines.append(line)
  }
  let what = m.kind == .probabilities ? "weight" : "value"
  var legend = cells.isRowMax.contains(true) ? ["**Bold**: largest \(what) in its row."] : []
  if cells.isMasked.contains(true) {
    legend.append(
      m.kind == .signed
        ? "−∞: masked by the causal mask." : "·: masked by the causal mask (weight 0).")
  }
  if !legend.isEmpty { lines += ["", legend.joined(separator: " ")] }
  return lines.joined(separator: "\n") + "\n"
}
