import AttnvizModel
import AttnvizRender
import AttnvizViews
import Foundation

/// One-line notes on standard error for what the run did that the user did not ask for, or
/// what an option could not do: nothing an option changes happens silently.
func runNotes(
  _ trace: AttentionTrace, selection: AttentionSelection, options: VisualizeOptions,
  focus: ResolvedFocus?
) -> [String] {
  var notes: [String] = []
  if trace.model.family == .builtin { notes.append(untrainedLayerNote) }
  if let note = focus?.note { notes.append(note) }
  if let note = truncationNote(trace) { notes.append(note) }
  if let note = unknownTokensNote(trace) { notes.append(note) }
  let views =
    options.views
    ?? defaultViews(for: trace, headChosen: selection.heads.count == 1 && trace.model.heads > 1)
  let drawsFigures = options.formats.contains(.png) || options.formats.contains(.svg)
  if drawsFigures, views.contains(.lines) {
    let heads = linesHeads(selection, focus: focus)
    if heads.count == 1, selection.heads.count > 1 {
      notes.append(
        "note: the lines view draws head \(heads[0] + 1) of \(selection.heads.count), the most "
          + "focused; --head N draws another, --focus WORD one token's lines in every head")
    }
  }
  if drawsFigures, let cell = options.figure.cellSize, views.contains(.heatmap) {
    let n = selection.positions.count
    let limit = FigureStyle().maxGridSize
    if Double(n) * cell > limit {
      let used = Int((limit / Double(n)).rounded(.down))
      notes.append(
        "note: --cell \(formatted(cell)) would make the heatmap \(Int(Double(n) * cell)) px wide; "
          + "cells are \(used) px so it stays within \(Int(limit)) px (\(n) tokens)")
    }
  }
  return notes
}

/// The built-in layer's pattern comes from random weights; a reader should not take it for
/// something learned, and should know where learned attention is.
let untrainedLayerNote =
  "note: the built-in layer is random and untrained; --model shows a trained model's attention "
  + "(attnviz models lists them)"

/// `--truncate` says what it cut: how many tokens, and where the kept text ends.
func truncationNote(_ trace: AttentionTrace) -> String? {
  guard let original = trace.truncatedFrom else { return nil }
  let kept = trace.tokens.count
  let lastWord = trace.tokens.last(where: { !$0.isSpecial })?.text ?? ""
  return "note: --truncate kept the first \(kept) of \(original) tokens (the model's limit); "
    + "the text after “\(lastWord)” (\(original - kept) tokens) is not shown"
}

/// A WordPiece model maps characters outside its vocabulary (Chinese in an English model) to
/// [UNK]: the attention of those tokens says nothing about the words.
func unknownTokensNote(_ trace: AttentionTrace) -> String? {
  let unknown = trace.tokens.filter { $0.text == "[UNK]" || $0.text == "<unk>" }.count
  guard unknown > 0 else { return nil }
  let ordinary = trace.tokens.filter { !$0.isSpecial }.count
  return "note: \(unknown) of \(ordinary) tokens are unknown to \(trace.model.name) ([UNK]); "
    + "its vocabulary does not cover this text, so their attention says little"
}

/// `--annotate` on a figure whose cells were too small to hold the values.
func annotationNotes(_ scenes: [(String, Scene)], options: FigureOptions) -> [String] {
  guard options.annotate else { return [] }
  let unprinted = scenes.filter { stem, scene in
    (stem.hasPrefix("heatmap") || stem.hasPrefix("heads"))
      && !scene.items.contains { item in
        if case .text(let text) = item { return text.role == "annotation" }
        return false
      }
  }.map(\.0)
  guard !unprinted.isEmpty else { return [] }
  return [
    "note: --annotate: values not printed in \(unprinted.joined(separator: ", ")): the cells are "
      + "too small for this many tokens; --view heatmap --head N with fewer tokens prints them"
  ]
}

/// 40, not 40.0; 0.5 stays 0.5.
func formatted(_ value: Double) -> String {
  value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(value)
}

/// Characters no font can draw become hollow boxes in the PNGs: say which font package draws
/// them (CJK), or that none installed does.
func missingGlyphNote(_ labels: [String], fonts: FontSet) -> String? {
  var missing: [Unicode.Scalar] = []
  for scalar in Set(labels.joined().unicodeScalars)
  where scalar.value >= 0x80 && !scalar.properties.isWhitespace
    && scalar.properties.generalCategory != .control && !fonts.hasGlyph(for: scalar)
  {
    missing.append(scalar)
  }
  guard !missing.isEmpty else { return nil }
  let cjk = missing.filter(isCJK).count
  let count = "\(missing.count) character\(missing.count == 1 ? "" : "s")"
  if cjk > 0 {
    return "note: no installed font draws \(count) of the text (CJK): the PNGs show boxes; "
      + "install one, e.g. apt-get install fonts-noto-cjk (or fonts-wqy-microhei), or give --font"
  }
  return "note: no installed font draws \(count) of the text: the PNGs show boxes; "
    + "give --font with a font that has them"
}

/// Han, kana, Hangul and CJK punctuation and compatibility forms.
func isCJK(_ scalar: Unicode.Scalar) -> Bool {
  let ranges: [ClosedRange<UInt32>] = [
    0x2E80...0x2FFF, 0x3000...0x303F, 0x3040...0x30FF, 0x3100...0x31FF, 0x3400...0x4DBF,
    0x4E00...0x9FFF, 0xAC00...0xD7AF, 0xF900...0xFAFF, 0xFF00...0xFFEF, 0x20000...0x2FA1F,
  ]
  return ranges.contains { $0.contains(scalar.value) }
}
