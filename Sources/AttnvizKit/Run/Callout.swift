import AttnvizMath
import AttnvizStyle

/// `--focus WORD` (and `--callout K`): the sentence a slide needs, "it → animal 0.68", from the
/// focused query's strongest keys. Figures carry it as a caption line under the drawing and the
/// terminal prints it under the tables, with the same numbers (the tables' number format).
struct Callout: Equatable {
  /// What the weights are: "head 2" or "average of 12 heads".
  var source: String
  var query: String
  var keys: [(label: String, weight: Double)]

  static func == (a: Callout, b: Callout) -> Bool {
    a.source == b.source && a.query == b.query && a.keys.map(\.label) == b.keys.map(\.label)
      && a.keys.map(\.weight) == b.keys.map(\.weight)
  }

  /// "it → animal 0.68" or, with `--callout 3`, "it → animal 0.68, street 0.05, the 0.04".
  var sentence: String {
    "\(query) → "
      + keys.map { "\($0.label) \(formatFixed($0.weight, decimals: 2))" }.joined(separator: ", ")
  }

  var caption: String { "\(sentence) (\(source))" }
}

/// The callout of `focus` in the selected head, or in the average of the shown heads when
/// several are shown; the `count` strongest keys, strongest first (ties: the earlier token).
func callout(_ selection: AttentionSelection, focus: ResolvedFocus, count: Int) -> Callout {
  let single = selection.heads.count == 1
  let matrix = single ? selection.matrix(head: selection.heads[0]) : selection.averageMatrix()
  let labels = selection.labels
  let row = Array(matrix.matrix.row(focus.shownIndex))
  let order = row.indices.sorted { row[$0] > row[$1] || (row[$0] == row[$1] && $0 < $1) }
  // A sentence reads words: the space mark of byte-level pieces (·animal) is dropped here.
  func word(_ index: Int) -> String {
    let label = tokenLabel(labels[index])
    return label.count > 1 && label.hasPrefix("·") ? String(label.dropFirst()) : label
  }
  let keys = order.prefix(max(1, count)).map { (label: word($0), weight: row[$0]) }
  let source =
    single ? "head \(selection.heads[0] + 1)" : "average of \(selection.heads.count) heads"
  return Callout(source: source, query: word(focus.shownIndex), keys: keys)
}
