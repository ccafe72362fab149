import AttnvizModel
import AttnvizStyle
import Foundation

/// Titles and subtitles for figures and tables: what a slide needs to stand on its own (model,
/// layer, head, causal or not, the text).
struct Titles {
  let trace: AttentionTrace
  let selection: AttentionSelection
  /// Subword pieces were merged into words (`--merge-subwords`).
  var wordsMerged = false

  var modelName: String { displayName(of: trace.model) }

  var direction: String { trace.model.causal ? "causal (no looking ahead)" : "bidirectional" }

  var layerPart: String {
    let part =
      trace.layers.count > 1
      ? "layer \(selection.layer + 1) of \(trace.layers.count)" : "layer \(selection.layer + 1)"
    return trace.layers[selection.layer].window == nil ? part : part + " (local)"
  }

  /// For a sliding-window layer on a text longer than its window: what the band is.
  var windowNote: String? {
    guard let window = trace.layers[selection.layer].window, trace.tokens.count > window else {
      return nil
    }
    return "sliding window: each token sees only its \(window) latest tokens"
  }

  func head(_ h: Int) -> String {
    "Self-attention · head \(h + 1) of \(trace.model.heads)"
  }

  /// "30 layers × 9 heads (3 key/value)": how many key/value heads the query heads share when
  /// the model uses grouped-query attention.
  var layersAndHeads: String {
    let m = trace.model
    let shared = m.keyValueHeads < m.heads ? " (\(m.keyValueHeads) key/value)" : ""
    return "\(plural(trace.layers.count, "layer")) × \(plural(m.heads, "head"))\(shared)"
  }

  /// Model · direction · the text, shortened. The layer and head are in every title, so the
  /// subtitle does not repeat them and the sentence keeps the room.
  var subtitle: String { subtitle(includingLayer: false) }

  /// For figures of every layer (the model view): the model's shape instead of one layer.
  var modelSubtitle: String { subtitle(includingLayer: false, shape: true) }

  func subtitle(includingLayer: Bool, shape: Bool = false) -> String {
    var parts = [modelName]
    if includingLayer { parts.append(layerPart) }
    if shape { parts.append(layersAndHeads) }
    parts.append(direction)
    if !shape, let note = windowNote { parts.append(note) }
    if selection.hidesTokens { parts.append(hiddenTokensPart) }
    if wordsMerged { parts.append("words: pieces merged (to = sum, from = mean)") }
    if let original = trace.truncatedFrom {
      parts.append("text cut to \(trace.tokens.count) of \(original) tokens")
    }
    return parts.joined(separator: " · ") + " · " + quotedText(trace)
  }
}

extension Titles {
  var hiddenTokensPart: String { selection.hiddenTokensPart }
}

extension AttentionSelection {
  /// What hiding special tokens did to the rows: they sum to less than 1 (the range says how
  /// much is left), or they were renormalised over the shown tokens.
  var hiddenTokensPart: String {
    if renormalizes { return "special tokens hidden, rows renormalised to 1" }
    guard let sums = shownRowSums else { return "special tokens hidden" }
    let lower = formatFixed(sums.lower, decimals: 2)
    let upper = formatFixed(sums.upper, decimals: 2)
    return "special tokens hidden: rows sum to " + (lower == upper ? lower : "\(lower)–\(upper)")
  }
}

/// Numbers in file names, zero-padded to the width of the largest in the set so that
/// `head02` sorts before `head12`.
struct FileNumbers {
  let layers: Int
  let heads: Int

  init(_ model: ModelInfo, layers: Int) {
    self.layers = layers
    self.heads = model.heads
  }

  func layer(_ l: Int) -> String { "layer" + padded(l + 1, to: layers) }
  func head(_ h: Int) -> String { "head" + padded(h + 1, to: heads) }

  private func padded(_ n: Int, to largest: Int) -> String {
    let digits = String(n)
    return String(repeating: "0", count: max(0, String(largest).count - digits.count)) + digits
  }
}

/// How figures and tables name a model: the built-in layer by its width and as what it is
/// (random weights: its pattern is not learned), others by name.
package func displayName(of model: ModelInfo) -> String {
  model.family == .builtin
    ? "built-in layer (random, untrained; d_model \(model.dModel))" : model.name
}

/// The input as the last part of a subtitle: one line, quoted, at most 60 characters.
package func quotedText(_ trace: AttentionTrace) -> String {
  "“\(shortened(trace.text, to: 60))”"
}

/// `text` on one line, cut to `limit` characters with an ellipsis.
package func shortened(_ text: String, to limit: Int) -> String {
  let flat = text.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
  let cleaned = String(
    String.UnicodeScalarView(flat.unicodeScalars.filter { $0.value >= 0x20 && $0.value != 0x7F }))
  guard cleaned.count > limit else { return cleaned }
  return String(cleaned.prefix(limit - 1)).trimmingCharacters(in: .whitespaces) + "…"
}
