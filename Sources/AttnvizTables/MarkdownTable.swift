import AttnvizMath
import AttnvizStyle

/// A labelled matrix as a GitHub-flavoured Markdown table: query tokens in the first column, key
/// tokens (or d0, d1, …) as headers, values with `decimals` fixed decimals and right-aligned, each
/// row's largest value in **bold**, causal-masked cells as "·". A one-line legend follows after a
/// blank line (without it GFM would read the legend as another table row). Ends with a newline.
/// Tokens are escaped with `escapeMarkdownCell`.
public func renderMarkdownTable(
  _ m: LabeledMatrix, title: String? = nil, decimals: Int = 2
) -> String {
  let cells = TableCells(m, decimals: decimals)
  var lines: [String] = []
  if let title { lines += [escapeMarkdownCell(title), ""] }
  let keys = m.resolvedColumnLabels.map { escapeMarkdownCell(tokenLabel($0)) }
  lines.append("|  |" + keys.map { " \($0) |" }.joined())
  lines.append("| :--- |" + String(repeating: " ---: |", count: keys.count))
  for row in 0..<cells.rows {
    var line = "| " + escapeMarkdownCell(tokenLabel(m.rowLabels[row])) + " |"
    for column in 0..<cells.columns {
      let i = cells.index(row, column)
      let value =
        cells.isMasked[i] ? (m.kind == .signed ? "−∞" : "·") : cells.isRowMax[i] ? "**\(cells.text[i])**" : cells.text[i]
      line += " \(value) |"
    }
    lines.append(line)
  }
  let what = m.kind == .probabilities ? "weight" : "value"
  var legend = cells.isRowMax.contains(true) ? ["**Bold**: largest \(what) in its row."] : []
  if cells.isMasked.contains(true) {
    legend.append(
      m.kind == .signed ? "−∞: masked by the causal mask." : "·: masked by the causal mask (weight 0).")
  }
  if !legend.isEmpty { lines += ["", legend.joined(separator: " ")] }
  return lines.joined(separator: "\n") + "\n"
}

/// A token made safe inside a GFM table cell, rendering as the token itself.
///
/// Control characters and bidi overrides become U+FFFD (a newline would end the table); `\` and
/// `|` are backslash-escaped, as are the inline-syntax characters `` ` * _ [ ] < > & ~ `` so that
/// tokens like "<s>", "**" or "&amp;" show literally instead of as HTML, emphasis or entities
/// (CommonMark lets any ASCII punctuation be escaped). Leading and trailing spaces, which GFM
/// would trim (GPT-2's " the" is not "the"), become `&nbsp;`.
public func escapeMarkdownCell(_ token: String) -> String {
  let special: Set<Character> = ["\\", "|", "`", "*", "_", "[", "]", "<", ">", "&", "~"]
  var escaped = ""
  for character in sanitizeForTerminal(token, asciiOnly: false) {
    if special.contains(character) { escaped.append("\\") }
    escaped.append(character)
  }
  let leading = escaped.prefix(while: { $0 == " " }).count
  guard leading < escaped.count else {
    return String(repeating: "&nbsp;", count: leading)
  }
  let trailing = escaped.reversed().prefix(while: { $0 == " " }).count
  let core = escaped.dropFirst(leading).dropLast(trailing)
  return String(repeating: "&nbsp;", count: leading) + core
    + String(repeating: "&nbsp;", count: trailing)
}
