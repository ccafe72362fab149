import AttnvizHTML
import AttnvizMath
import AttnvizModel
import AttnvizRender
import AttnvizStyle
import AttnvizTables
import AttnvizViews

/// `--format html`: `attention.html`, the interactive page, from the same selection as the
/// figures (its tokens after `--hide-special`, `--layer` and `--head` shown first) and the same
/// weights as attention.json. Returns the file and the notes a reduced page prints on stderr.
func pageFile(
  _ selection: AttentionSelection, titles: Titles, options: VisualizeOptions
) -> (file: OutputFile, notes: [String]) {
  let trace = selection.trace
  let model = trace.model
  let budget = PageBudget(
    tokens: selection.positions.count, layerCount: trace.layers.count, heads: model.heads,
    selected: selection.layer)
  let notes = pageNotes(selection, budget: budget, wordsMerged: titles.wordsMerged)
  let layers = budget.layers.map { l in
    (number: l, heads: trace.layers[l].weights.map(selection.restrict))
  }
  var page = AttentionPage(
    modelName: titles.modelName,
    subtitle: pageSubtitle(selection, titles: titles), tokens: selection.labels,
    layerCount: trace.layers.count, heads: model.heads, keyValueHeads: model.keyValueHeads,
    causal: model.causal, layers: layers, precision: budget.precision,
    initialLayer: selection.layer, initialHead: selection.heads.first ?? 0,
    notes: notes, colorMap: options.figure.colorMap.map,
    headColors: headPalette)
  page.showsOnlyInitialHead = options.head != nil
  var stderrNotes: [String] = []
  if budget.isReduced, let last = notes.last {
    stderrNotes.append("note: attention.html " + lowercasedFirst(last))
  }
  return (OutputFile(name: "attention.html", text: page.html()), stderrNotes)
}

/// "6 layers × 12 heads · bidirectional · “The animal …”".
func pageSubtitle(_ selection: AttentionSelection, titles: Titles) -> String {
  let trace = selection.trace
  let layers = trace.layers.count
  var parts = [
    "\(layers) layer\(layers == 1 ? "" : "s") × \(trace.model.heads) heads",
    titles.direction,
  ]
  if let original = trace.truncatedFrom {
    parts.append("text cut to \(trace.tokens.count) of \(original) tokens")
  }
  return (parts + [quotedText(trace)]).joined(separator: " · ")
}

/// What the page says under its title: merged words and hidden tokens as the figures say it,
/// and what a reduced page leaves out (the last note, also printed on stderr).
func pageNotes(
  _ selection: AttentionSelection, budget: PageBudget, wordsMerged: Bool = false
) -> [String] {
  var notes: [String] = []
  if wordsMerged {
    notes.append(
      "Subword pieces are merged into words (--merge-subwords): attention to a word is the sum "
        + "over its pieces, from a word the mean; the numbers are those of attention-words.json.")
  }
  if selection.hidesTokens {
    notes.append(
      "Special tokens are hidden (--hide-special): rows show what the other tokens receive and "
        + "no longer sum to 1; attention.json keeps them.")
  }
  guard budget.isReduced else { return notes }
  let n = selection.positions.count
  let total = selection.trace.layers.count
  var note = "Holds \(n) tokens' weights rounded to two decimals (as the tables print them)"
  if budget.layers.count < total {
    let list = budget.layers.map { String($0 + 1) }.joined(separator: ", ")
    note += " and only layer\(budget.layers.count == 1 ? "" : "s") \(list) of \(total)"
    note += "; --layer N puts layer N in the page"
  }
  note += "; --format json writes every weight in full."
  notes.append(note)
  return notes
}

func lowercasedFirst(_ s: String) -> String {
  guard let first = s.first else { return s }
  return first.lowercased() + s.dropFirst()
}
