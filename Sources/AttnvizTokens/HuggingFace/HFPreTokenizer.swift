extension HFTokenizer {
  /// What `Split` does with the parts of the text that match (the `tokenizers` library's
  /// `SplitDelimiterBehavior`).
  public enum SplitBehavior: String, Sendable, Equatable, CaseIterable {
    /// Matches are dropped.
    case removed = "Removed"
    /// Every match is a piece of its own.
    case isolated = "Isolated"
    /// A match joins the piece before it.
    case mergedWithPrevious = "MergedWithPrevious"
    /// A match joins the piece after it.
    case mergedWithNext = "MergedWithNext"
    /// Runs of matches become one piece.
    case contiguous = "Contiguous"
  }

  /// Metaspace's `prepend_scheme`: when the text gets a leading `▁`.
  public enum PrependScheme: String, Sendable, Equatable {
    case always, first, never
  }

  /// The `pre_tokenizer` of tokenizer.json: cuts the normalised text into the pieces the model
  /// encodes one by one.
  public indirect enum PreTokenizer: Sendable, Equatable {
    /// GPT-2's: an optional leading space, GPT-2's split pattern, then every byte written in
    /// `ByteLevelAlphabet` (space → `Ġ`).
    case byteLevel(addPrefixSpace: Bool, useRegex: Bool)
    /// SentencePiece's: spaces become `replacement` (`▁`), a leading one is added by `scheme`,
    /// and with `split` the text is cut before each.
    case metaspace(replacement: Unicode.Scalar, scheme: PrependScheme, split: Bool)
    case split(SplitRegex, SplitBehavior, invert: Bool)
    /// Numbers (Nd, Nl, No) cut out, each digit on its own when `individual`.
    case digits(individual: Bool)
    /// Runs of word characters and runs of other non-space characters (`\w+|[^\w\s]+`).
    case whitespace
    /// Cut at whitespace, which is dropped.
    case whitespaceSplit
    /// Cut at whitespace (dropped) and around every punctuation character.
    case bert
    case punctuation(SplitBehavior)
    /// Cut at one character, which is dropped.
    case characterDelimiter(Unicode.Scalar)
    case sequence([PreTokenizer])

    /// Whether the pieces come out in GPT-2's byte alphabet.
    var isByteLevel: Bool {
      switch self {
      case .byteLevel: true
      case .sequence(let steps): steps.contains(where: \.isByteLevel)
      default: false
      }
    }

    func apply(_ pieces: [[SourcedScalar]]) throws(SplitRegex.BudgetExceeded) -> [[SourcedScalar]] {
      var out: [[SourcedScalar]] = []
      if case .sequence(let steps) = self {
        var current = pieces
        for step in steps { current = try step.apply(current) }
        return current
      }
      for piece in pieces { out += try split(piece) }
      return out.filter { !$0.isEmpty }
    }

    /// One piece's pieces.
    private func split(_ piece: [SourcedScalar]) throws(SplitRegex.BudgetExceeded)
      -> [[SourcedScalar]]
    {
      switch self {
      case .byteLevel(let addPrefixSpace, let useRegex):
        var text = piece
        if addPrefixSpace, let first = text.first, first.scalar != " " {
          text.insert(SourcedScalar(scalar: " ", source: first.source), at: 0)
        }
        let parts =
          useRegex
          ? GPT2PreTokenizer.split(text.map(\.scalar)).map { Array(text[$0]) } : [text]
        return parts.map(byteLevelScalars)
      case .metaspace(let replacement, let scheme, let split):
        var text = piece.map {
          $0.scalar == " " ? SourcedScalar(scalar: replacement, source: $0.source) : $0
        }
        let prepend: Bool
        switch scheme {
        case .always: prepend = text.first?.scalar != replacement
        case .first:
          prepend = text.first?.scalar != replacement && text.first?.source.lowerBound == 0
        case .never: prepend = false
        }
        if prepend, let first = text.first {
          text.insert(SourcedScalar(scalar: replacement, source: first.source), at: 0)
        }
        guard split else { return [text] }
        return cut(text, scalarMatches(text) { $0 == replacement }, .mergedWithNext)
      case .split(let regex, let behavior, let invert):
        let matches = try regex.matches(in: piece.map(\.scalar))
        return cut(piece, matches, behavior, invert: invert)
      case .digits(let individual):
        return cut(
          piece, scalarMatches(piece, isNumeric), individual ? .isolated : .contiguous)
      case .whitespace:
        return try PreTokenizer.split(Self.whitespacePattern, .removed, invert: true).split(piece)
      case .whitespaceSplit:
        return cut(piece, scalarMatches(piece) { $0.properties.isWhitespace }, .removed)
      case .bert:
        return cut(piece, scalarMatches(piece) { $0.properties.isWhitespace }, .removed)
          .flatMap { cut($0, scalarMatches($0, isBertPunctuation), .isolated) }
      case .punctuation(let behavior):
        return cut(piece, scalarMatches(piece, isBertPunctuation), behavior)
      case .characterDelimiter(let delimiter):
        return cut(piece, scalarMatches(piece) { $0 == delimiter }, .removed)
      case .sequence:
        return try apply([piece])
      }
    }

    /// `\w+|[^\w\s]+`, with the Rust `regex` crate's `\w`, which `Whitespace` uses.
    static let whitespacePattern: SplitRegex = {
      let word = ScalarSet(items: [.rustWord(negated: false)])
      let other = ScalarSet(
        items: [.rustWord(negated: false), .whitespace(negated: false)], negated: true)
      return SplitRegex(
        pattern: "\\w+|[^\\w\\s]+",
        root: .alternation([
          .repetition(.set(word), min: 1, max: nil, greedy: true),
          .repetition(.set(other), min: 1, max: nil, greedy: true),
        ]))
    }()
  }
}

/// Rust's `char::is_numeric`: Nd, Nl, No.
func isNumeric(_ s: Unicode.Scalar) -> Bool {
  switch s.properties.generalCategory {
  case .decimalNumber, .letterNumber, .otherNumber: true
  default: false
  }
}

/// Each scalar that passes `test` as a match of its own.
func scalarMatches(_ text: [SourcedScalar], _ test: (Unicode.Scalar) -> Bool) -> [Range<Int>] {
  text.indices.filter { test(text[$0].scalar) }.map { $0..<($0 + 1) }
}

/// The pieces of `text` given its matches, by `behavior` (the `tokenizers` library's
/// `NormalizedString::split`). Empty pieces are dropped.
func cut(
  _ text: [SourcedScalar], _ matches: [Range<Int>], _ behavior: HFTokenizer.SplitBehavior,
  invert: Bool = false
) -> [[SourcedScalar]] {
  // The text as alternating (range, is a match) parts covering it.
  var parts: [(Range<Int>, Bool)] = []
  var previous = 0
  for match in matches {
    if previous < match.lowerBound { parts.append((previous..<match.lowerBound, false)) }
    parts.append((match, true))
    previous = match.upperBound
  }
  if previous < text.count { parts.append((previous..<text.count, false)) }
  if invert { parts = parts.map { ($0.0, !$0.1) } }

  var kept: [Range<Int>] = []
  switch behavior {
  case .removed:
    kept = parts.filter { !$0.1 }.map(\.0)
  case .isolated:
    kept = parts.map(\.0)
  case .mergedWithPrevious:
    var previousMatch = false
    for (range, isMatch) in parts {
      if isMatch, !previousMatch, let last = kept.last {
        kept[kept.count - 1] = last.lowerBound..<range.upperBound
      } else {
        kept.append(range)
      }
      previousMatch = isMatch
    }
  case .mergedWithNext:
    var previousMatch = false
    var reversed: [Range<Int>] = []
    for (range, isMatch) in parts.reversed() {
      if isMatch, !previousMatch, let last = reversed.last {
        reversed[reversed.count - 1] = range.lowerBound..<last.upperBound
      } else {
        reversed.append(range)
      }
      previousMatch = isMatch
    }
    kept = reversed.reversed()
  case .contiguous:
    var previousMatch = false
    for (range, isMatch) in parts {
      if isMatch == previousMatch, let last = kept.last {
        kept[kept.count - 1] = last.lowerBound..<range.upperBound
      } else {
        kept.append(range)
      }
      previousMatch = isMatch
    }
  }
  return kept.filter { !$0.isEmpty }.map { Array(text[$0]) }
}

/// A piece's UTF-8 bytes written in `ByteLevelAlphabet`; each byte keeps its scalar's source,
/// so a token holding part of a character points at the whole character (as the `tokenizers`
/// library's offsets do).
func byteLevelScalars(_ piece: [SourcedScalar]) -> [SourcedScalar] {
  var out: [SourcedScalar] = []
  out.reserveCapacity(piece.count)
  for item in piece {
    for byte in item.scalar.utf8 {
      out.append(SourcedScalar(scalar: ByteLevelAlphabet.scalars[Int(byte)], source: item.source))
    }
  }
  return out
}
