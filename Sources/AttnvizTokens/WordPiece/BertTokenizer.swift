/// BERT's tokenizer: `BasicTokenizer` (clean, split, normalise), then `WordpieceTokenizer`, with
/// `[CLS]` in front and `[SEP]` at the end, as Hugging Face's `BertTokenizer` encodes a single
/// sentence:
///
///     "The unaffable cat." → [CLS] | the | un | ##aff | ##able | cat | . | [SEP]
///
/// Tokens display as Hugging Face prints them ("##able" keeps its marker), carry their vocabulary
/// id, and point back at the input bytes they came from. A special token typed in the text
/// ("The cat [MASK] down.") stays one token, as in Hugging Face; only the added `[CLS]` and
/// `[SEP]` are marked `isSpecial`.
public struct BertTokenizer: Tokenizer {
  /// What `tokenizer_config.json` may say.
  public struct Options: Sendable, Equatable {
    public var lowercase: Bool
    /// nil: strip accents exactly when lower-casing (BERT's default).
    public var stripAccents: Bool?
    public var splitChineseCharacters: Bool

    public init(
      lowercase: Bool = true, stripAccents: Bool? = nil, splitChineseCharacters: Bool = true
    ) {
      self.lowercase = lowercase
      self.stripAccents = stripAccents
      self.splitChineseCharacters = splitChineseCharacters
    }
  }

  public static let classifierToken = "[CLS]"
  public static let separatorToken = "[SEP]"
  public static let unknownToken = "[UNK]"
  /// Tokens that Hugging Face keeps whole when they appear in the text.
  public static let specialTokens = ["[CLS]", "[SEP]", "[UNK]", "[PAD]", "[MASK]"]

  public let vocabulary: WordPieceVocabulary
  public let options: Options
  public let basic: BasicTokenizer
  public let wordpiece: WordpieceTokenizer
  let classifierID: Int
  let separatorID: Int

  /// `file` names the vocabulary in error messages.
  public init(
    vocabulary: WordPieceVocabulary, options: Options = Options(), file: String = "vocab.txt"
  ) throws {
    func require(_ token: String) throws -> Int {
      guard let id = vocabulary.id(of: token) else {
        throw TokenizerError.malformedVocabulary(
          file: file, reason: "has no \(token) token, which every BERT vocabulary needs")
      }
      return id
    }
    classifierID = try require(Self.classifierToken)
    separatorID = try require(Self.separatorToken)
    _ = try require(Self.unknownToken)
    self.vocabulary = vocabulary
    self.options = options
    basic = BasicTokenizer(
      lowercase: options.lowercase, stripAccents: options.stripAccents,
      splitChineseCharacters: options.splitChineseCharacters,
      neverSplit: Self.specialTokens.filter { vocabulary.id(of: $0) != nil })
    wordpiece = WordpieceTokenizer(vocabulary: vocabulary, unknownToken: Self.unknownToken)
  }

  public init(vocabularyFile path: String, options: Options = Options()) throws {
    try self.init(vocabulary: WordPieceVocabulary(contentsOf: path), options: options, file: path)
  }

  /// `[CLS]`, the word pieces, `[SEP]`. Throws `TokenizerError.emptyText` when the text is
  /// blank (empty or only whitespace); a text that cleaning empties (private-use characters only)
  /// is `[CLS] [SEP]`, as in Hugging Face's tokenizer.
  public func tokenize(_ text: String) throws -> [Token] {
    let pieces = wordPieces(text)
    guard !pieces.isEmpty || !text.unicodeScalars.allSatisfy(isBertWhitespace) else {
      throw TokenizerError.emptyText
    }
    return [Token(Self.classifierToken, id: classifierID, isSpecial: true)] + pieces
      + [Token(Self.separatorToken, id: separatorID, isSpecial: true)]
  }

  /// The word pieces of `text`, without `[CLS]` and `[SEP]`.
  public func wordPieces(_ text: String) -> [Token] {
    var tokens: [Token] = []
    for word in basic.tokenize(text) {
      if word.isNeverSplit {
        tokens.append(
          Token(word.text, id: vocabulary.id(of: word.text), sourceRange: word.sourceRange))
        continue
      }
      for piece in wordpiece.tokenize(word: word.text) {
        let sources = word.scalarSources[piece.scalars]
        let lower = sources.first?.lowerBound ?? word.sourceRange.lowerBound
        let upper = sources.last?.upperBound ?? word.sourceRange.upperBound
        let range = lower..<upper
        tokens.append(Token(piece.text, id: piece.id, sourceRange: range))
      }
    }
    return tokens
  }
}
