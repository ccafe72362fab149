/// The second stage of BERT's tokenizer (google-research/bert `WordpieceTokenizer`): each word
/// from `BasicTokenizer` becomes the longest vocabulary entries that spell it, greedily from the
/// left, every piece after the first prefixed with `##`:
///
///     "unaffable" → un | ##aff | ##able
///
/// A word that cannot be spelled this way, or is longer than `maxInputCharactersPerWord` scalars,
/// becomes the single unknown token.
public struct WordpieceTokenizer: Sendable {
  public let vocabulary: WordPieceVocabulary
  public let unknownToken: String
  public let maxInputCharactersPerWord: Int
  /// What marks a piece that continues a word: `##` in BERT's vocabularies.
  public let continuationPrefix: String

  public static let continuationPrefix = "##"

  public init(
    vocabulary: WordPieceVocabulary, unknownToken: String = "[UNK]",
    maxInputCharactersPerWord: Int = 100, continuationPrefix: String = Self.continuationPrefix
  ) {
    self.vocabulary = vocabulary
    self.unknownToken = unknownToken
    self.maxInputCharactersPerWord = maxInputCharactersPerWord
    self.continuationPrefix = continuationPrefix
  }

  /// A piece of a word: its vocabulary string and id, and the scalar positions of the word it
  /// covers (the whole word for the unknown token).
  public struct Piece: Sendable, Equatable {
    public var text: String
    public var id: Int?
    public var scalars: Range<Int>
  }

  public func tokenize(word: String) -> [Piece] {
    let scalars = Array(word.unicodeScalars)
    let unknown = [
      Piece(text: unknownToken, id: vocabulary.id(of: unknownToken), scalars: 0..<scalars.count)
    ]
    guard scalars.count <= maxInputCharactersPerWord else { return unknown }
    var pieces: [Piece] = []
    var start = 0
    while start < scalars.count {
      guard let piece = longestMatch(in: scalars, from: start) else { return unknown }
      pieces.append(piece)
      start = piece.scalars.upperBound
    }
    return pieces
  }

  private func longestMatch(in scalars: [Unicode.Scalar], from start: Int) -> Piece? {
    let prefix = start > 0 ? continuationPrefix.unicodeScalars : "".unicodeScalars
    // No entry is longer than the longest one: start the search there, not at the word's end.
    var end = min(scalars.count, start + max(0, vocabulary.longestEntry - prefix.count))
    while end > start {
      var candidate = String.UnicodeScalarView()
      candidate.append(contentsOf: prefix)
      candidate.append(contentsOf: scalars[start..<end])
      if let id = vocabulary.id(of: candidate) {
        return Piece(text: String(candidate), id: id, scalars: start..<end)
      }
      end -= 1
    }
    return nil
  }
}
