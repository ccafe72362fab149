import AttnvizMath
import AttnvizStyle
import AttnvizViews

/// `--focus WORD` (and `--callout K`): the sentence a slide needs, "it → animal 0.68", from the
/// focused query's strongest keys. The figures mark the strongest key and write the sentence on
/// it; `--callout K` adds the K strongest as a caption line under the lines view (and the
/// heatmap of a single head); the terminal prints the line under the tables, with the same
/// numbers (the tables' number format).
struct Callout: Equatable {
  /// What the weights are: "head 2" or "average of 12 heads".
  var source: String
  /// The focused token's index among the shown tokens, and its word.
  var queryIndex: Int
  var query: String
  /// The strongest keys, strongest first: index among the shown tokens, word, weight.
  var keys: [Key]

  struct Key: Equatable {
    var index: Int
    var label: String
    var weight: Double
  }

  /// "it → animal 0.68" or, with `--callout 3`, "it → animal 0.68, street 0.05, the 0.04".
  var sentence: String {
    "\(query) → "
      + keys.map { "\($0.label) \(formatFixed($0.weight, decimals: 2))" }.joined(separator: ", ")
  }

  var caption: String { "\(sentence) (\(source))" }

  /// The figure's mark: the strongest key alone, said with its source unless the figure shows
  /// one head (whose title names it).
  func mark(naming source: Bool) -> CalloutMark? {
    guard let strongest = keys.first else { return nil }
    var one = self
    one.keys = [strongest]
    return CalloutMark(
      query: queryIndex, key: strongest.index, text: source ? one.caption : one.sentence)
  }
}

/// The callout of `focus` in one head, or in the average of the layer's heads when `heads`
/// (default: the shown ones) are several; the `count` strongest keys, strongest first (ties:
/// the earlier token).
func callout(
  _ selection: AttentionSelection, focus: ResolvedFocus, count: Int, heads: [Int]? = nil
) -> Callout {
  let heads = heads ?? selection.heads
  let single = heads.count == 1
  let matrix = single ? selection.matrix(head: heads[0]) : selection.averageMatrix()
  let labels = selection.labels
  let row = Array(matrix.matrix.row(focus.shownIndex))
  let order = row.indices.sorted { row[$0] > row[$1] || (row[$0] == row[$1] && $0 < $1) }
  // A sentence reads words: the space mark of byte-level pieces (·animal) is dropped here.
  func word(_ index: Int) -> String {
    let label = labels[index]
    return label.count > 1 && label.hasPrefix("·") ? String(label.dropFirst()) : label
  }
  let keys = order.prefix(max(1, count)).map {
    Callout.Key(index: $0, label: word($0), weight: row[$0])
  }
  let source = single ? "head \(heads[0] + 1)" : "average of \(heads.count) heads"
  return Callout(
    source: source, queryIndex: focus.shownIndex, query: word(focus.shownIndex), keys: keys)
}
