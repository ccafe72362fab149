import AttnvizModel
import AttnvizRender
import AttnvizStyle
import AttnvizTables
import AttnvizTokens
import AttnvizViews
import Foundation

/// The tokens of a trace as text → pieces → ids, with the stretch of the text each came from.
func tokenPieces(_ trace: AttentionTrace) -> [TokenPiece] {
  let bytes = Array(trace.text.utf8)
  return trace.tokens.map { token in
    let source = token.sourceRange.flatMap { range -> String? in
      guard range.lowerBound >= 0, range.upperBound <= bytes.count else { return nil }
      return String(decoding: bytes[range], as: UTF8.self)
    }
    return TokenPiece(source: token.isSpecial ? nil : source, piece: token.text, id: token.id)
  }
}

/// A piece holds only some of a character's bytes: its stretch of the text is not whole UTF-8.
func isBytePiece(_ token: Token, in text: String) -> Bool {
  guard let range = token.sourceRange, !token.isSpecial else { return false }
  let bytes = Array(text.utf8)
  guard range.lowerBound >= 0, range.upperBound <= bytes.count else { return false }
  return String(validating: bytes[range], as: UTF8.self) == nil
}

/// The lines under the tokens figure: each mark this text's pieces show, read off the pieces
/// themselves (never off the model's name), and the first word cut into several pieces.
func tokenExplanations(_ trace: AttentionTrace) -> [String] {
  let tokens = trace.tokens
  var lines: [String] = []
  let count = tokens.count
  let counted = "\(count) token\(count == 1 ? "" : "s") from \(trace.text.count) characters"
  guard tokens.contains(where: { $0.id != nil }) else {
    // A tokenizer without a vocabulary (the built-in layer, weights files): no ids to explain.
    return [
      counted + ": words and punctuation marks, cut at spaces and punctuation.",
      "This tokenizer has no vocabulary and so no ids: each token's row is computed from its text; a trained model's tokenizer cuts rare words into pieces (try --model).",
    ]
  }
  lines.append(counted + ": the model sees only the ids, one row of its embedding table each.")
  if let marked = tokens.first(where: { $0.text.hasPrefix("·") && $0.text.count > 1 }) {
    lines.append(
      "· starts a piece that begins with a space (“\(tokenLabel(marked.text))”): the space belongs to the word after it (GPT-2 writes Ġ, SentencePiece ▁)."
    )
  }
  if let continued = tokens.first(where: { $0.text.hasPrefix("##") }) {
    lines.append(
      "## marks a piece that continues the word before it (“\(tokenLabel(continued.text))”): WordPiece's way of building a word from parts."
    )
  }
  if tokens.contains(where: { isBytePiece($0, in: trace.text) }) {
    lines.append(
      "Some pieces hold only part of a character's UTF-8 bytes: a rare character is built from bytes the vocabulary has."
    )
  }
  if let added = tokens.first(where: \.isSpecial) {
    lines.append(
      "\(tokenLabel(added.text)) and the like are added by the tokenizer, not typed: marked “(added)”."
    )
  }
  let split = splitWords(tokens)
  func hasMark(_ pieces: [String]) -> Bool {
    pieces.contains { piece in
      // The marks "##" and "·" are not part of the text.
      let text = piece.hasPrefix("##") ? piece.dropFirst(2) : piece.drop { $0 == "·" }
      return text.contains { $0.isPunctuation || $0 == "'" || $0 == "’" }
    }
  }
  // A word cut at an apostrophe or a hyphen is cut by the tokenizer's rules first (punctuation
  // split off; GPT-style models also split contractions such as 't); a word cut elsewhere by
  // the vocabulary alone.
  if let (word, pieces) = split.first(where: { hasMark($0.pieces) }) {
    lines.append(
      "Why is “\(word)” \(pieces.count) tokens? The tokenizer first splits text by rules (spaces, punctuation, in GPT-style models also endings such as 't), then looks each part up: \(pieces.map(tokenLabel).joined(separator: " + "))."
    )
  }
  if let (word, pieces) = split.first(where: { !hasMark($0.pieces) }) {
    lines.append(
      "Why is “\(word)” \(pieces.count) tokens? The vocabulary holds frequent strings only; a word that is not one entry is cut into entries that are: \(pieces.map(tokenLabel).joined(separator: " + "))."
    )
  }
  if split.isEmpty {
    lines.append(
      "Every word of this text is one entry of the vocabulary, so none is cut into pieces.")
  }
  return lines
}

/// Words of the text (runs of tokens with no space between them in the source) that became
/// several pieces holding letters: WordPiece's `##` continuations, BERT's split at an
/// apostrophe, GPT-2's byte-level pieces. Punctuation after a word ("mat.") does not count.
/// The tokens figure and explain's tokens caption both say which words these are.
package func splitWords(_ tokens: [Token]) -> [(word: String, pieces: [String])] {
  var groups: [[Token]] = []
  for token in tokens where !token.isSpecial {
    let touches =
      groups.last?.last?.sourceRange?.upperBound == token.sourceRange?.lowerBound
      && token.sourceRange != nil && !token.text.hasPrefix("·")
    if touches, !groups.isEmpty {
      groups[groups.count - 1].append(token)
    } else {
      groups.append([token])
    }
  }
  func wordy(_ token: Token) -> Bool { token.text.contains(where: { $0.isLetter || $0.isNumber }) }
  // "tiredly." is the word "tiredly" followed by a mark: the mark is not part of the word.
  let trimmed = groups.map { group -> [Token] in
    let end = (group.lastIndex(where: wordy) ?? -1) + 1
    let start = group.firstIndex(where: wordy) ?? end
    return Array(group[start..<end])
  }
  return trimmed.filter { group in group.filter { $0.text.contains(where: \.isLetter) }.count > 1 }
    .map { group in
      let word = group.map { $0.text.hasPrefix("##") ? String($0.text.dropFirst(2)) : $0.text }
        .joined()
      return (String(word.drop(while: { $0 == "·" })), group.map(\.text))
    }
}

/// The `--view tokens` figure.
func tokenPiecesScene(_ trace: AttentionTrace, style: FigureStyle, measurer: any TextMeasuring)
  -> Scene
{
  tokenPiecesFigure(
    tokenPieces(trace), explanations: tokenExplanations(trace),
    title: FigureTitle(
      "Text → pieces → ids · \(displayName(of: trace.model))'s tokenizer",
      subtitle: quotedText(trace)),
    style: style, measurer: measurer)
}

/// `--view tokens` in the terminal: position, the text each piece covers, the piece, its id,
/// then the same explanations as the figure. Text from the input goes through `tokenLabel`.
func tokenPiecesText(_ trace: AttentionTrace) -> String {
  let pieces = tokenPieces(trace)
  let rows = pieces.enumerated().map { index, piece in
    [
      "\(index)", piece.source.map { "“" + tokenLabel($0) + "”" } ?? "(added)",
      tokenLabel(piece.piece), piece.id.map(String.init) ?? "–",
    ]
  }
  let header = ["position", "text", "piece", "id"]
  let widths = header.indices.map { column in
    ([header] + rows).map { displayWidth($0[column]) }.max() ?? 0
  }
  func line(_ cells: [String]) -> String {
    zip(cells, widths).map { cell, width in
      cell + String(repeating: " ", count: max(0, width - displayWidth(cell)))
    }.joined(separator: "  ").replacingOccurrences(
      of: "\\s+$", with: "", options: .regularExpression)
  }
  var text = "Text → pieces → ids · \(displayName(of: trace.model))'s tokenizer\n"
  text += line(header) + "\n"
  for row in rows { text += line(row) + "\n" }
  for explanation in tokenExplanations(trace) { text += tokenLabel(explanation) + "\n" }
  return text
}
