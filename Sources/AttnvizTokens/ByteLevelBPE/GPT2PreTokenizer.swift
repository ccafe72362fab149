/// GPT-2's pre-tokenisation: the text is cut into pieces before BPE runs on each, by the regex
///
///     's|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+
///
/// written here as a hand-made scanner over Unicode scalars (what the regex sees), so that it
/// behaves the same on every platform and needs no regex engine. `\s` is Unicode White_Space,
/// as in Python's `regex` module and HF `tokenizers` (so U+00A0 is a space, U+200B is not).
///
/// What the alternatives amount to, tried in order at each position:
/// - a lower-case English contraction after an ASCII apostrophe (`'s`, `'ll`, …);
/// - an optional single ASCII space, then a run of letters, of numbers, or of other
///   non-space characters (punctuation, symbols, emoji, combining marks);
/// - a run of whitespace: if non-space follows it, its last character is left over to lead the
///   next piece (`\s+(?!\S)` backtracks one), so "a   b" gives "a", "  ", " b".
///
///     "Hello   world!\n" → "Hello" | "  " | " world" | "!" | "\n"
public enum GPT2PreTokenizer {
  /// The pieces as ranges of indices into `scalars`, in order, covering all of them.
  public static func split(_ scalars: [Unicode.Scalar]) -> [Range<Int>] {
    var pieces: [Range<Int>] = []
    var i = 0
    while i < scalars.count {
      let end = pieceEnd(scalars, from: i)
      pieces.append(i..<end)
      i = end
    }
    return pieces
  }

  /// The pieces of a string, for tests and explanations.
  public static func split(_ text: String) -> [String] {
    let scalars = Array(text.unicodeScalars)
    return split(scalars).map { range in
      var view = String.UnicodeScalarView()
      view.append(contentsOf: scalars[range])
      return String(view)
    }
  }

  static let contractions: [[Unicode.Scalar]] = ["s", "t", "re", "ve", "m", "ll", "d"].map {
    Array($0.unicodeScalars)
  }

  /// Where the piece starting at `start` ends (exclusive). Always > start.
  static func pieceEnd(_ s: [Unicode.Scalar], from start: Int) -> Int {
    if let length = contractionLength(s, at: start) { return start + length }
    // ` ?X+`: a leading ASCII space joins the run only when a non-space follows it.
    var first = start
    if s[start] == " ", start + 1 < s.count, !isSpace(s[start + 1]) { first = start + 1 }
    let kind = CharacterClass(s[first])
    if kind != .space {
      var end = first + 1
      while end < s.count, CharacterClass(s[end]) == kind { end += 1 }
      return end
    }
    var end = start + 1
    while end < s.count, isSpace(s[end]) { end += 1 }
    // `\s+(?!\S)` gives back the last space when a non-space follows and the run can spare it;
    // otherwise `\s+` takes the whole run.
    if end < s.count, end - start >= 2 { return end - 1 }
    return end
  }

  static func contractionLength(_ s: [Unicode.Scalar], at start: Int) -> Int? {
    guard s[start] == "'" else { return nil }
    for suffix in contractions where start + suffix.count < s.count {
      if s[(start + 1)...(start + suffix.count)].elementsEqual(suffix) { return suffix.count + 1 }
    }
    return nil
  }

  /// The regex's character classes: `\p{L}`, `\p{N}`, `\s`, and everything else.
  enum CharacterClass {
    case letter, number, space, other

    init(_ scalar: Unicode.Scalar) {
      if isSpace(scalar) {
        self = .space
        return
      }
      switch scalar.properties.generalCategory {
      case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter:
        self = .letter
      case .decimalNumber, .letterNumber, .otherNumber:
        self = .number
      default:
        self = .other
      }
    }
  }

  static func isSpace(_ scalar: Unicode.Scalar) -> Bool { scalar.properties.isWhitespace }
}
