import AttnvizModel
import AttnvizTokens
import Foundation

/// A token chosen by the user (`--focus`), resolved once for every feature that takes one.
struct ResolvedFocus: Equatable {
  /// Index among the shown tokens (`AttentionSelection.positions`).
  var shownIndex: Int
  /// A one-line stderr note when the choice was not the only possible one.
  var note: String?
}

/// `--focus` resolves against the tokens as shown (after `--hide-special`):
///
/// - a word matches a whole token (case-insensitive, without the `·`/`Ġ` space marker or the
///   `##` continuation mark), else a word the tokenizer split into pieces (its first piece);
/// - `WORD@K` takes the K-th occurrence of WORD, `@N` the N-th token shown. `@` cannot clash:
///   a token that itself contains `@` is matched whole first;
/// - a plain number is a token when one reads so ("30" in "10 20 30"), else a 1-based index;
/// - several matches take the first and say so, with the syntax for the others.
func resolveFocus(_ focus: String, selection: AttentionSelection) throws -> ResolvedFocus {
  let tokens = selection.trace.tokens
  let shown = selection.positions
  let count = shown.count
  let matches = tokenMatches(focus, tokens: tokens, positions: shown)
  if !matches.isEmpty { return pick(matches, word: focus) }
  if let at = focus.lastIndex(of: "@"), let k = Int(focus[focus.index(after: at)...]) {
    let word = String(focus[..<at])
    if word.isEmpty { return try position(k, written: focus, count: count) }
    let found = tokenMatches(word, tokens: tokens, positions: shown)
    if !found.isEmpty { return try occurrence(k, of: word, in: found) }
    throw notFound(word, selection: selection)
  }
  if let index = Int(focus) { return try position(index, written: focus, count: count) }
  throw notFound(focus, selection: selection)
}

/// Shown indices whose token is `word`, else whose merged word (WordPiece pieces, GPT-2
/// byte-level pieces of one word) is `word`: the first piece of each.
private func tokenMatches(_ word: String, tokens: [Token], positions: [Int]) -> [Int] {
  let wanted = normalizedToken(word)
  guard !wanted.isEmpty else { return [] }
  let whole = positions.indices.filter { normalizedToken(tokens[positions[$0]].text) == wanted }
  if !whole.isEmpty { return whole }
  return mergedWords(tokens, positions: positions).filter { $0.word == wanted }.map(\.first)
}

/// Lower-cased, without the space marker and the continuation mark.
private func normalizedToken(_ text: String) -> String {
  var t = text.lowercased()
  if t.hasPrefix("##") { t.removeFirst(2) }
  return t.trimmingCharacters(in: CharacterSet(charactersIn: " ·Ġ"))
}

/// Runs of shown tokens that touch in the source text (no space between them), as words.
private func mergedWords(_ tokens: [Token], positions: [Int]) -> [(word: String, first: Int)] {
  var words: [(word: String, first: Int)] = []
  var end: Int?
  for (shownIndex, p) in positions.enumerated() {
    let token = tokens[p]
    let piece = normalizedToken(token.text)
    let startsWord = token.text.hasPrefix("·") || token.text.hasPrefix(" ")
    if let range = token.sourceRange, let previous = end, range.lowerBound == previous,
      !startsWord, !token.isSpecial, !words.isEmpty
    {
      words[words.count - 1].word += piece
    } else {
      words.append((piece, shownIndex))
    }
    end = token.sourceRange?.upperBound
  }
  return words
}

private func pick(_ matches: [Int], word: String) -> ResolvedFocus {
  guard matches.count > 1 else { return ResolvedFocus(shownIndex: matches[0]) }
  let places = matches.map { "token \($0 + 1)" }.joined(separator: ", ")
  return ResolvedFocus(
    shownIndex: matches[0],
    note: "note: --focus \(word) took the first of \(matches.count) (\(places)); "
      + "--focus \(word)@2 takes the second, --focus @N the N-th token")
}

private func occurrence(_ k: Int, of word: String, in found: [Int]) throws -> ResolvedFocus {
  guard (1...found.count).contains(k) else {
    throw AttnvizError.usage(
      "--focus \(word)@\(k): \"\(word)\" occurs \(found.count) time\(found.count == 1 ? "" : "s") "
        + "among the tokens shown; give \(word)@1 to \(word)@\(found.count)")
  }
  return ResolvedFocus(shownIndex: found[k - 1])
}

private func position(_ n: Int, written: String, count: Int) throws -> ResolvedFocus {
  guard (1...count).contains(n) else {
    throw AttnvizError.usage(
      "--focus \(written) is out of range; \(count) token\(count == 1 ? " is" : "s are") shown (1–\(count))"
    )
  }
  return ResolvedFocus(shownIndex: n - 1)
}

/// Lists the tokens (the first 30) so the user can pick one; says when the word is a special
/// token that `--hide-special` hid.
private func notFound(_ word: String, selection: AttentionSelection) -> AttnvizError {
  let all = selection.trace.tokens
  if selection.hidesTokens,
    !tokenMatches(word, tokens: all, positions: Array(all.indices)).isEmpty
  {
    return .usage(
      "--focus \(word) is a special token that --hide-special hides; drop --hide-special to focus on it"
    )
  }
  let labels = selection.labels
  let listed = labels.prefix(30).map { "\"\($0)\"" }.joined(separator: " ")
  let more = labels.count > 30 ? " … (\(labels.count) in all)" : ""
  return .usage(
    "--focus \(word) is not one of the tokens shown: \(listed)\(more); "
      + "give one of them, WORD@K for its K-th occurrence, or @N for the N-th token")
}
