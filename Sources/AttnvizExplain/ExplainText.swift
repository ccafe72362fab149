import AttnvizKit
import AttnvizMath
import AttnvizRender
import AttnvizStyle
import AttnvizTables
import AttnvizViews

/// The walk-through as terminal text (and `explain.txt`): per step its heading, its caption
/// wrapped to the width, and its tables (dimension columns cut to 16, the title saying so).
func explainText(
  _ steps: [ExplainStep], heading: String, options: TableOptions, weightsMap: ColorMap?
) -> String {
  var blocks = [safeLine(heading, options) + "\n"]
  for step in steps {
    var block = safeLine(step.heading, options) + "\n"
    // The caption's lines continue one another; wrapped as one paragraph they read evenly.
    let caption = step.caption.joined(separator: " ")
    block += wrapped(caption, width: options.width - 2).map { "  " + $0 + "\n" }.joined()
    if step.kind == .tokens {
      block += "\n" + tokenLine(step.tokens, width: options.width, options)
      if let roles = roleLine(step.segments) {
        block += wrapped(roles, width: options.width - 2).map { "  " + $0 + "\n" }.joined()
      }
    }
    for table in step.tables.map({ $0.shown() }) {
      var tableOptions = options
      tableOptions.colorMap = table.matrix.kind == .signed ? .diverging : weightsMap
      block += "\n" + renderTable(table.matrix, title: table.title, options: tableOptions)
    }
    blocks.append(block)
  }
  return blocks.joined(separator: "\n")
}

/// "Chat roles: system 0–6, user 7–12, assistant 13–15 (each turn with its template
/// markers)." for a `--chat` prompt's tokens step; nil without roles.
func roleLine(_ segments: [ColumnSegment]) -> String? {
  var turns: [(kind: ColumnSegment.Kind, first: Int, last: Int)] = []
  for segment in segments.sorted(by: { $0.columns.lowerBound < $1.columns.lowerBound }) {
    if let last = turns.last, last.kind == segment.kind,
      last.last + 1 == segment.columns.lowerBound
    {
      turns[turns.count - 1].last = segment.columns.upperBound
    } else {
      turns.append((segment.kind, segment.columns.lowerBound, segment.columns.upperBound))
    }
  }
  guard !turns.isEmpty else { return nil }
  let parts = turns.map {
    "\($0.kind.rawValue) \($0.first == $0.last ? "\($0.first)" : "\($0.first)–\($0.last)")"
  }
  return "Chat roles: " + parts.joined(separator: ", ")
    + " (each turn with its template markers)."
}

/// "[0] The  [1] cat  [2] sat", wrapped to the width.
func tokenLine(_ tokens: [String], width: Int, _ options: TableOptions) -> String {
  let items = tokens.enumerated().map {
    "[\($0.offset)] " + safeLine(tokenLabel($0.element), options)
  }
  var lines: [String] = []
  var current = ""
  for item in items {
    if !current.isEmpty && displayWidth(current) + 2 + displayWidth(item) > width {
      lines.append(current)
      current = ""
    }
    current += (current.isEmpty ? "" : "  ") + item
  }
  lines.append(current)
  return lines.map { "  " + $0 + "\n" }.joined()
}

/// Text from the input (tokens, the sentence) made inert for the terminal.
func safeLine(_ text: String, _ options: TableOptions) -> String {
  sanitizeForTerminal(text, asciiOnly: options.colorMode == .plain)
}

/// `line` broken at spaces into pieces at most `width` columns wide (a longer word stays whole).
func wrapped(_ line: String, width: Int) -> [String] {
  var lines: [String] = []
  var current = ""
  for word in line.split(separator: " ", omittingEmptySubsequences: true).map(String.init) {
    if !current.isEmpty && displayWidth(current) + 1 + displayWidth(word) > max(width, 20) {
      lines.append(current)
      current = word
    } else {
      current += (current.isEmpty ? "" : " ") + word
    }
  }
  if !current.isEmpty { lines.append(current) }
  return lines
}
