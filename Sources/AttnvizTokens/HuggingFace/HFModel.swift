extension HFTokenizer {
  /// The `model` of tokenizer.json: turns one piece into vocabulary entries.
  public enum Model: Sendable {
    case bpe(BPE)
    case wordPiece(WordPiece)

    /// The token string of an id, for display.
    func token(for id: Int) -> String? {
      switch self {
      case .bpe(let bpe): bpe.token(for: id)
      case .wordPiece(let wordPiece): wordPiece.tokenizer.vocabulary.token(for: id)
      }
    }

    func id(of token: String) -> Int? {
      switch self {
      case .bpe(let bpe): bpe.id(token)
      case .wordPiece(let wordPiece): wordPiece.tokenizer.vocabulary.id(of: token)
      }
    }

    /// The number of entries and the largest id.
    var size: (count: Int, largestID: Int) {
      switch self {
      case .bpe(let bpe): (bpe.count, max(0, bpe.tokens.count - 1))
      case .wordPiece(let wordPiece): (wordPiece.count, wordPiece.tokenizer.vocabulary.count - 1)
      }
    }

    func encode(_ piece: [Unicode.Scalar]) -> [ModelToken] {
      switch self {
      case .bpe(let bpe): bpe.encode(piece)
      case .wordPiece(let wordPiece): wordPiece.encode(piece)
      }
    }
  }

  /// One model token of a piece: its id and the scalars of the piece it covers.
  struct ModelToken: Equatable {
    var id: Int
    var scalars: Range<Int>
  }

  /// WordPiece (BERT): the longest vocabulary entries that spell a word, greedily from the left,
  /// each after the first with `continuingSubwordPrefix` (`##`); an unspellable word, or one
  /// longer than `maxInputCharactersPerWord` scalars, is the unknown token.
  public struct WordPiece: Sendable {
    let tokenizer: WordpieceTokenizer
    let unknownID: Int
    let count: Int

    /// `vocabulary` as (token, id) entries.
    public init(
      vocabulary: [(String, Int)], unknownToken: String = "[UNK]",
      continuingSubwordPrefix: String = "##", maxInputCharactersPerWord: Int = 100
    ) throws(TokenizerError) {
      let unknownEntry = vocabulary.last { $0.0.utf8.elementsEqual(unknownToken.utf8) }
      guard let unknownID = unknownEntry?.1 else {
        throw .malformedVocabulary(
          file: "", reason: "its WordPiece vocabulary has no unknown token \"\(unknownToken)\"")
      }
      let largest = vocabulary.map(\.1).max() ?? 0
      // Ids index an array: refuse ids far beyond the number of entries (a hostile file).
      guard largest < max(4 * vocabulary.count, 1 << 20), vocabulary.allSatisfy({ $0.1 >= 0 })
      else {
        throw .malformedVocabulary(
          file: "", reason: "has id \(largest) for a vocabulary of \(vocabulary.count) entries")
      }
      var tokens = [String](repeating: "", count: largest + 1)
      for (token, id) in vocabulary { tokens[id] = token }
      self.unknownID = unknownID
      count = vocabulary.count
      tokenizer = WordpieceTokenizer(
        vocabulary: WordPieceVocabulary(tokens: tokens), unknownToken: unknownToken,
        maxInputCharactersPerWord: maxInputCharactersPerWord,
        continuationPrefix: continuingSubwordPrefix)
    }

    func encode(_ piece: [Unicode.Scalar]) -> [ModelToken] {
      var view = String.UnicodeScalarView()
      view.append(contentsOf: piece)
      return tokenizer.tokenize(word: String(view)).map {
        ModelToken(id: $0.id ?? unknownID, scalars: $0.scalars)
      }
    }
  }
}
