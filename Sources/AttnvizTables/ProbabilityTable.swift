import AttnvizStyle

/// Ranked tokens with probabilities as printed lines, each with a bar of block characters
/// (`#` in ASCII mode) whose length is the probability (30 cells for 1):
///
///     Next token after “too” · SmolLM2-135M-Instruct.Q4_1
///        1  ·tired    0.604  ██████████████████
///        2  ·far      0.169  █████
public func renderProbabilities(
  _ rows: [(label: String, probability: Double)], title: String, asciiOnly: Bool
) -> String {
  let labels = rows.map {
    truncate(
      sanitizeForTerminal($0.label, asciiOnly: asciiOnly), toWidth: 20,
      ellipsis: asciiOnly ? "~" : "…")
  }
  let labelWidth = labels.map(displayWidth).max() ?? 0
  let numberWidth = String(rows.count).count
  var lines = [sanitizeForTerminal(title, asciiOnly: asciiOnly)]
  for (i, row) in rows.enumerated() {
    let number = String(repeating: " ", count: numberWidth - String(i + 1).count) + String(i + 1)
    let cells = Int((min(max(row.probability, 0), 1) * 30).rounded())
    let bar = String(repeating: asciiOnly ? "#" : "█", count: cells)
    lines.append(
      "  \(number)  \(pad(labels[i], toWidth: labelWidth, .left))  "
        + "\(formatFixed(row.probability, decimals: 3))  \(bar)")
  }
  return lines.joined(separator: "\n") + "\n"
}
