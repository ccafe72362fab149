/// Finds added tokens in text as the `tokenizers` library does (`AddedVocabulary`): the
/// leftmost match, the longest there; a `singleWord` token touching a word character is
/// skipped; `lstrip`/`rstrip` take the neighbouring whitespace into the token.
struct AddedTokenMatcher: Sendable {
  /// Tokens by their first scalar, longest first.
  let byFirstScalar: [Unicode.Scalar: [(scalars: [Unicode.Scalar], token: HFTokenizer.AddedToken)]]

  init(_ tokens: [HFTokenizer.AddedToken]) {
    var table: [Unicode.Scalar: [([Unicode.Scalar], HFTokenizer.AddedToken)]] = [:]
    for token in tokens {
      let scalars = Array(token.content.unicodeScalars)
      guard let first = scalars.first else { continue }
      table[first, default: []].append((scalars, token))
    }
    byFirstScalar = table.mapValues { list in
      // Longest first; among equal lengths the later entry wins, as a later id would.
      list.enumerated().sorted { a, b in
        a.element.0.count != b.element.0.count
          ? a.element.0.count > b.element.0.count : a.offset > b.offset
      }.map { (scalars: $0.element.0, token: $0.element.1) }
    }
  }

  struct Segment {
    var text: [SourcedScalar]
    var added: HFTokenizer.AddedToken?
  }

  /// The text cut into added tokens and the parts between them (never empty parts).
  func split(_ text: [SourcedScalar]) -> [Segment] {
    guard !byFirstScalar.isEmpty else { return text.isEmpty ? [] : [Segment(text: text)] }
    var segments: [Segment] = []
    var consumed = 0
    var i = 0
    while i < text.count {
      guard let (length, token) = longestMatch(text, at: i) else {
        i += 1
        continue
      }
      var start = i
      var stop = i + length
      if token.singleWord,
        (start > 0 && isWordScalar(text[start - 1].scalar))
          || (stop < text.count && isWordScalar(text[stop].scalar))
      {
        i += length
        continue
      }
      if token.lstrip {
        while start > consumed, text[start - 1].scalar.properties.isWhitespace { start -= 1 }
      }
      if token.rstrip {
        while stop < text.count, text[stop].scalar.properties.isWhitespace { stop += 1 }
      }
      if start > consumed { segments.append(Segment(text: Array(text[consumed..<start]))) }
      segments.append(Segment(text: Array(text[start..<stop]), added: token))
      consumed = stop
      i = stop
    }
    if consumed < text.count { segments.append(Segment(text: Array(text[consumed...]))) }
    return segments
  }

  private func longestMatch(_ text: [SourcedScalar], at i: Int)
    -> (Int, HFTokenizer.AddedToken)?
  {
    guard let candidates = byFirstScalar[text[i].scalar] else { return nil }
    for (scalars, token) in candidates where i + scalars.count <= text.count {
      var k = 1
      while k < scalars.count, text[i + k].scalar == scalars[k] { k += 1 }
      if k == scalars.count { return (scalars.count, token) }
    }
    return nil
  }
}

/// `\w` of the Rust `regex` crate, which decides `single_word`.
func isWordScalar(_ s: Unicode.Scalar) -> Bool { isRustWord(s) }
