import AttnvizMath
import AttnvizModel
import AttnvizTokens

/// `--merge-subwords`: attention between words instead of subword pieces, by the rule of
/// Clark et al. (2019, "What Does BERT Look At?"): attention *to* a word is the sum over its
/// pieces, attention *from* a word the mean over its pieces. Rows still sum to 1.
///
/// A word is a run of pieces inside one whitespace-separated chunk of the text, with leading
/// and trailing punctuation split off ("tired." is "tired" and "."; "didn't" stays one word).
/// Special tokens ([CLS], <|endoftext|>) stay words of their own.
public func mergingSubwords(_ trace: AttentionTrace) -> AttentionTrace {
  let groups = wordGroups(trace.tokens, text: trace.text)
  guard groups.count < trace.tokens.count else { return trace }
  let tokens = groups.map { group -> Token in
    let pieces = group.map { trace.tokens[$0] }
    let ranges = pieces.compactMap(\.sourceRange)
    let range = ranges.first.map { first in first.lowerBound..<(ranges.last ?? first).upperBound }
    let text = range.map { wordText(trace.text, $0) } ?? pieces.map(\.text).joined()
    return Token(text, id: nil, isSpecial: pieces.allSatisfy(\.isSpecial), sourceRange: range)
  }
  var merged = trace
  merged.tokens = tokens
  merged.layers = trace.layers.map { layer in
    LayerTrace(weights: layer.weights.map { mergedMatrix($0, groups: groups) })
  }
  return merged
}

/// Word (row) i takes the mean over its query pieces of the summed weights on word j's pieces.
func mergedMatrix(_ weights: Matrix, groups: [[Int]]) -> Matrix {
  mergedMatrix(weights, rows: groups, columns: groups)
}

/// The same rule when queries and keys are different sequences (cross-attention: target rows,
/// source columns).
func mergedMatrix(_ weights: Matrix, rows: [[Int]], columns: [[Int]]) -> Matrix {
  var out = Matrix(rows: rows.count, columns: columns.count)
  for (i, queries) in rows.enumerated() {
    for (j, keys) in columns.enumerated() {
      var total = 0.0
      for q in queries {
        for k in keys { total += weights[q, k] }
      }
      out[i, j] = total / Double(queries.count)
    }
  }
  return out
}

/// Token indexes grouped into words, in order.
func wordGroups(_ tokens: [Token], text: String) -> [[Int]] {
  let bytes = Array(text.utf8)
  let starts = wordStarts(bytes)
  var groups: [[Int]] = []
  var currentWord = -1
  for (index, token) in tokens.enumerated() {
    guard let range = token.sourceRange, !token.isSpecial else {
      groups.append([index])
      currentWord = -1
      continue
    }
    // The word a piece belongs to: the last word start at or before the piece's first byte.
    let word = starts.lastIndex { $0 <= range.lowerBound } ?? 0
    if word == currentWord, !groups.isEmpty {
      groups[groups.count - 1].append(index)
    } else {
      groups.append([index])
      currentWord = word
    }
  }
  return groups
}

/// Byte offsets where words begin: the start of each whitespace-separated chunk, and each
/// character of its leading or trailing punctuation, which are words of their own.
func wordStarts(_ bytes: [UInt8]) -> [Int] {
  var chunks: [[(character: Character, offset: Int)]] = [[]]
  var offset = 0
  for character in String(decoding: bytes, as: UTF8.self) {
    if character.isWhitespace {
      if !(chunks.last?.isEmpty ?? true) { chunks.append([]) }
    } else {
      chunks[chunks.count - 1].append((character, offset))
    }
    offset += character.utf8.count
  }
  let isPunctuation = { (c: Character) in c.isPunctuation || c.isSymbol }
  var starts: [Int] = []
  for chunk in chunks where !chunk.isEmpty {
    let lead = chunk.prefix { isPunctuation($0.character) }.count
    let trail =
      lead == chunk.count ? 0 : chunk.reversed().prefix { isPunctuation($0.character) }.count
    for (index, item) in chunk.enumerated()
    where index <= lead || index >= chunk.count - trail {
      starts.append(item.offset)
    }
  }
  return starts
}

private func wordText(_ text: String, _ range: Range<Int>) -> String {
  let bytes = Array(text.utf8)
  guard range.lowerBound >= 0, range.upperBound <= bytes.count else { return "" }
  return String(decoding: bytes[range], as: UTF8.self)
}
