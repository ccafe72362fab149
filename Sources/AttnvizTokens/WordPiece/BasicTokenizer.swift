import Foundation

/// A scalar of normalised text and the bytes of the input it came from (UTF-8 offsets), so every
/// token can point back at its source even after lower-casing and accent stripping.
struct SourcedScalar: Equatable {
  var scalar: Unicode.Scalar
  var source: Range<Int>
}

/// One word or punctuation mark after BERT's basic tokenization, before WordPiece.
public struct BasicToken: Sendable, Equatable {
  /// The normalised text: lower-cased and accent-free when so configured.
  public var text: String
  /// The UTF-8 byte range of the input it came from.
  public var sourceRange: Range<Int>
  /// A special token (e.g. `[MASK]`) typed in the text, kept whole and never normalised.
  public var isNeverSplit: Bool
  /// For each scalar of `text`, the input bytes it came from.
  var scalarSources: [Range<Int>]
}

/// The first stage of BERT's tokenizer (google-research/bert `BasicTokenizer`), with the rules of
/// Hugging Face's Rust tokenizer (`BertNormalizer` + `BertPreTokenizer`, what `AutoTokenizer`
/// returns):
///
/// 1. clean: drop NUL, U+FFFD and control characters; every whitespace character becomes a space;
/// 2. put spaces around each CJK ideograph, so each is a word of its own;
/// 3. split on whitespace, keeping special tokens such as `[MASK]` whole;
/// 4. when so configured, strip accents (NFD, then drop the non-spacing marks, category Mn) and
///    lower-case, character by character;
/// 5. split off every punctuation character as a token of its own.
///
///     "Héllo, WORLD!" → hello | , | world | !      (uncased)
///
/// Hugging Face's pure-Python tokenizer differs in two corners, which attnviz does not follow:
/// it applies NFC first (matters only for decomposed accents in cased models) and lower-cases a
/// word-final "Σ" to "ς" where the Rust one gives "σ".
public struct BasicTokenizer: Sendable {
  public var lowercases: Bool
  public var stripsAccents: Bool
  public var splitsChineseCharacters: Bool
  /// Strings kept as they are when they occur in the text (the special tokens).
  public var neverSplit: [String]

  /// `stripAccents` nil follows `lowercase`, as in BERT (uncased models strip accents).
  public init(
    lowercase: Bool = true, stripAccents: Bool? = nil, splitChineseCharacters: Bool = true,
    neverSplit: [String] = []
  ) {
    lowercases = lowercase
    stripsAccents = stripAccents ?? lowercase
    splitsChineseCharacters = splitChineseCharacters
    // Longest first, so that a special token containing another is matched whole.
    self.neverSplit = neverSplit.filter { !$0.isEmpty }.sorted { ($0.count, $0) > ($1.count, $1) }
  }

  public func tokenize(_ text: String) -> [BasicToken] {
    var tokens: [BasicToken] = []
    for word in whitespaceWords(text) {
      for segment in splitNeverSplit(word) {
        if segment.isSpecial {
          tokens.append(makeToken(segment.scalars, isNeverSplit: true))
          continue
        }
        for piece in splitPunctuation(normalize(segment.scalars)) {
          tokens.append(makeToken(piece, isNeverSplit: false))
        }
      }
    }
    return tokens
  }

  /// Steps 1–3 without special tokens: cleaned scalars grouped into words.
  func whitespaceWords(_ text: String) -> [[SourcedScalar]] {
    var words: [[SourcedScalar]] = []
    var current: [SourcedScalar] = []
    func endWord() {
      if !current.isEmpty { words.append(current) }
      current = []
    }
    var offset = 0
    for scalar in text.unicodeScalars {
      let source = offset..<(offset + UTF8.width(scalar))
      offset = source.upperBound
      if scalar.value == 0 || scalar.value == 0xFFFD || isBertControl(scalar) { continue }
      // Python's str.split() also splits at U+2028/U+2029, which are not Zs: use the
      // White_Space property, the same set once control characters are gone.
      if isBertWhitespace(scalar) || scalar.properties.isWhitespace {
        endWord()
      } else if splitsChineseCharacters && isBertChineseCharacter(scalar) {
        endWord()
        words.append([SourcedScalar(scalar: scalar, source: source)])
      } else {
        current.append(SourcedScalar(scalar: scalar, source: source))
      }
    }
    endWord()
    return words
  }

  private func splitNeverSplit(_ word: [SourcedScalar]) -> [(
    scalars: [SourcedScalar], isSpecial: Bool
  )] {
    guard !neverSplit.isEmpty else { return [(word, false)] }
    let scalars = word.map(\.scalar)
    var segments: [(scalars: [SourcedScalar], isSpecial: Bool)] = []
    var start = 0
    var i = 0
    while i < scalars.count {
      if let special = neverSplit.first(where: { matches($0, scalars, at: i) }) {
        if start < i { segments.append((Array(word[start..<i]), false)) }
        let end = i + special.unicodeScalars.count
        segments.append((Array(word[i..<end]), true))
        start = end
        i = end
      } else {
        i += 1
      }
    }
    if start < scalars.count { segments.append((Array(word[start...]), false)) }
    return segments
  }

  private func matches(_ special: String, _ scalars: [Unicode.Scalar], at index: Int) -> Bool {
    var i = index
    for s in special.unicodeScalars {
      guard i < scalars.count, scalars[i] == s else { return false }
      i += 1
    }
    return true
  }

  /// Step 4, scalar by scalar, so each output scalar keeps the input bytes it came from.
  func normalize(_ word: [SourcedScalar]) -> [SourcedScalar] {
    guard lowercases || stripsAccents else { return word }
    var output: [SourcedScalar] = []
    output.reserveCapacity(word.count)
    for item in word {
      var mapped = [item.scalar]
      if stripsAccents { mapped = withoutAccents(item.scalar) }
      if lowercases { mapped = mapped.flatMap(lowercase) }
      output += mapped.map { SourcedScalar(scalar: $0, source: item.source) }
    }
    return output
  }

  /// Step 5: every punctuation scalar is a piece of its own; runs of the rest form pieces.
  func splitPunctuation(_ word: [SourcedScalar]) -> [[SourcedScalar]] {
    var pieces: [[SourcedScalar]] = []
    var current: [SourcedScalar] = []
    for item in word {
      if isBertPunctuation(item.scalar) {
        if !current.isEmpty { pieces.append(current) }
        pieces.append([item])
        current = []
      } else {
        current.append(item)
      }
    }
    if !current.isEmpty { pieces.append(current) }
    return pieces
  }

  private func makeToken(_ scalars: [SourcedScalar], isNeverSplit: Bool) -> BasicToken {
    var text = String.UnicodeScalarView()
    text.append(contentsOf: scalars.map(\.scalar))
    let lower = scalars.map(\.source.lowerBound).min() ?? 0
    let upper = scalars.map(\.source.upperBound).max() ?? lower
    return BasicToken(
      text: String(text), sourceRange: lower..<upper, isNeverSplit: isNeverSplit,
      scalarSources: scalars.map(\.source))
  }
}

/// Full Unicode lower-casing of one scalar ("İ" → "i" + U+0307), without context rules.
func lowercase(_ scalar: Unicode.Scalar) -> [Unicode.Scalar] {
  if scalar.isASCII {
    return [("A"..."Z").contains(scalar) ? Unicode.Scalar(scalar.value + 32) ?? scalar : scalar]
  }
  return Array(scalar.properties.lowercaseMapping.unicodeScalars)
}

/// NFD, then drop the non-spacing marks (category Mn): "é" → "e", "ü" → "u".
func withoutAccents(_ scalar: Unicode.Scalar) -> [Unicode.Scalar] {
  if scalar.isASCII { return [scalar] }
  return String(scalar).decomposedStringWithCanonicalMapping.unicodeScalars.filter {
    !isBertAccent($0)
  }
}
