import AttnvizMath
import AttnvizStyle

/// For texts too long for a grid: each query on one line with its `k` strongest keys and their
/// weights, strongest first (ties: the earlier key first), masked keys never listed.
///
///     Top 3 keys per query · …
///        1 The      → The 0.41  cat 0.22  sat 0.10
public func renderTopKeys(_ m: LabeledMatrix, k: Int, title: String, asciiOnly: Bool) -> String {
  let labels = m.rowLabels.map { label in
    truncate(
      sanitizeForTerminal(label, asciiOnly: asciiOnly), toWidth: 14, ellipsis: asciiOnly ? "~" : "…"
    )
  }
  let keyLabels = m.resolvedColumnLabels.map { label in
    truncate(
      sanitizeForTerminal(label, asciiOnly: asciiOnly), toWidth: 14, ellipsis: asciiOnly ? "~" : "…"
    )
  }
  let labelWidth = labels.map(displayWidth).max() ?? 0
  let numberWidth = String(m.matrix.rows).count
  let arrow = asciiOnly ? "->" : "→"
  var lines = [
    "Top \(k) key\(k == 1 ? "" : "s") per query · \(sanitizeForTerminal(title, asciiOnly: asciiOnly))"
  ]
  for r in 0..<m.matrix.rows {
    let ranked = topIndices(m.matrix.row(r), k: k) { !m.isMasked(r, $0) }
    let keys = ranked.map { "\(keyLabels[$0]) \(formatFixed(m.matrix[r, $0], decimals: 2))" }
    let number = String(repeating: " ", count: numberWidth - String(r + 1).count) + String(r + 1)
    lines.append(
      "  \(number) \(pad(labels[r], toWidth: labelWidth, .left)) \(arrow) "
        + keys.joined(separator: "  "))
  }
  return lines.joined(separator: "\n") + "\n"
}

/// Indices of the `k` largest values of `row` among those `allowed`, largest first (ties: the
/// earlier index first). One pass with a small sorted buffer: rows of 4,096 keys stay cheap.
func topIndices(_ row: ArraySlice<Double>, k: Int, allowed: (Int) -> Bool) -> [Int] {
  guard k > 0 else { return [] }
  var best: [(index: Int, value: Double)] = []
  for (offset, value) in row.enumerated() where value.isFinite && allowed(offset) {
    if best.count == k, let last = best.last, value <= last.value { continue }
    let position = best.firstIndex { value > $0.value } ?? best.count
    best.insert((offset, value), at: position)
    if best.count > k { best.removeLast() }
  }
  return best.map(\.index)
}
