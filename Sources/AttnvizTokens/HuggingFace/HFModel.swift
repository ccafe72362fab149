extension HFTokenizer {
  /// The `model` of tokenizer.json: turns one piece into vocabulary entries.
  public enum Model: Sendable {
    case bpe(BPE)
    case wordPiece(WordPiece)
    case unigram(Unigram)

    /// The token string of an id, for display.
    func token(for id: Int) -> String? {
      switch self {
      case .bpe(let bpe): bpe.token(for: id)
      case .wordPiece(let wordPiece): wordPiece.tokenizer.vocabulary.token(for: id)
      case .unigram(let unigram): unigram.tokens.indices.contains(id) ? unigram.tokens[id] : nil
      }
    }

    func id(of token: String) -> Int? {
      switch self {
      case .bpe(let bpe): bpe.id(token)
      case .wordPiece(let wordPiece): wordPiece.tokenizer.vocabulary.id(of: token)
      case .unigram(let unigram): unigram.ids[ByteKey(token)]
      }
    }

    /// The number of entries and the largest id.
    var size: (count: Int, largestID: Int) {
      switch self {
      case .bpe(let bpe): (bpe.count, max(0, bpe.tokens.count - 1))
      case .wordPiece(let wordPiece): (wordPiece.count, wordPiece.tokenizer.vocabulary.count - 1)
      case .unigram(let unigram): (unigram.tokens.count, max(0, unigram.tokens.count - 1))
      }
    }

    func encode(_ piece: [Unicode.Scalar]) -> [ModelToken] {
      switch self {
      case .bpe(let bpe): bpe.encode(piece)
      case .wordPiece(let wordPiece): wordPiece.encode(piece)
      case .unigram(let unigram): unigram.encode(piece)
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

extension HFTokenizer {
  /// Unigram (SentencePiece's model, as tokenizers runs it: `models/unigram/model.rs`): the
  /// spelling of a piece whose scores add up highest (`UnigramModel` in float64), runs of
  /// unknown characters fused into one unknown token, or with `byteFallback` spelled as
  /// `<0xNN>` byte tokens when every byte has one.
  ///
  ///     "▁unaffable" → ["▁un", "aff", "able"]
  ///
  /// Every vocabulary entry (control pieces too) can match text, and the unknown score is the
  /// lowest score of all entries minus 10, as in tokenizers.
  public struct Unigram: Sendable {
    let model: UnigramModel
    let tokens: [String]
    let ids: [ByteKey: Int]
    let unknownID: Int
    let byteFallback: Bool
    /// sentencepiece's rules (`init(sentencePiece:…)`): an unknown stretch is never looked up
    /// as a token.
    let looksUpUnknown: Bool

    /// `vocabulary` in id order: (token, score).
    public init(vocabulary: [(String, Double)], unknownID: Int?, byteFallback: Bool = false)
      throws(TokenizerError)
    {
      guard !vocabulary.isEmpty else {
        throw .malformedVocabulary(file: "", reason: "its Unigram model has an empty \"vocab\"")
      }
      guard let unknownID else {
        throw .malformedVocabulary(
          file: "", reason: "its Unigram model has no \"unk_id\" (attnviz needs one)")
      }
      guard vocabulary.indices.contains(unknownID) else {
        throw .malformedVocabulary(
          file: "",
          reason: "its Unigram \"unk_id\" \(unknownID) is not an id of its \(vocabulary.count) "
            + "entries")
      }
      var ids: [ByteKey: Int] = [:]
      for (id, entry) in vocabulary.enumerated() { ids[ByteKey(entry.0)] = id }
      // A token listed twice keeps its last id, as tokenizers' map does.
      let pieces = vocabulary.enumerated().compactMap { id, entry in
        ids[ByteKey(entry.0)] == id
          ? (id, UnigramModel.Entry(piece: Array(entry.0.utf8), exactScore: entry.1, kind: .normal))
          : nil
      }
      model = UnigramModel(pieces: pieces, unknownID: unknownID, arithmetic: .double)
      tokens = vocabulary.map(\.0)
      self.ids = ids
      self.unknownID = unknownID
      self.byteFallback = byteFallback
      looksUpUnknown = true
    }

    /// SentencePiece's own Unigram (`unigram_model.cc`, as a GGUF `t5` vocabulary describes it
    /// and llama.cpp's UGM runs it): float32 scores; only pieces with a `kind` (normal,
    /// user-defined, unused) are matched against text, and only normal ones set the score range;
    /// a user-defined piece scores length × the highest score − 0.1, an unused one is never
    /// chosen; an unknown stretch becomes `unknownID`, or with `byteFallback` its `<0xNN>`
    /// byte tokens. `pieces` are in id order.
    public init(
      sentencePiece pieces: [(token: String, score: Float, kind: UnigramModel.Kind?)],
      unknownID: Int, byteFallback: Bool
    ) {
      var ids: [ByteKey: Int] = [:]
      var matched: [(id: Int, entry: UnigramModel.Entry)] = []
      for (id, piece) in pieces.enumerated() {
        if ids[ByteKey(piece.token)] == nil { ids[ByteKey(piece.token)] = id }
        if let kind = piece.kind {
          matched.append(
            (id, UnigramModel.Entry(piece: Array(piece.token.utf8), score: piece.score, kind: kind))
          )
        }
      }
      model = UnigramModel(pieces: matched, unknownID: unknownID, arithmetic: .float)
      tokens = pieces.map(\.token)
      self.ids = ids
      self.unknownID = unknownID
      self.byteFallback = byteFallback
      looksUpUnknown = false
    }

    func encode(_ piece: [Unicode.Scalar]) -> [ModelToken] {
      var bytes: [UInt8] = []
      // scalarAt[b]: the scalar byte b belongs to (one more entry: the end).
      var scalarAt: [Int] = []
      for (index, scalar) in piece.enumerated() {
        let utf8 = Array(String(scalar).utf8)
        bytes += utf8
        scalarAt += Array(repeating: index, count: utf8.count)
      }
      scalarAt.append(piece.count)
      var out: [ModelToken] = []
      for found in model.encode(bytes) {
        let scalars = scalarAt[found.bytes.lowerBound]..<scalarAt[found.bytes.upperBound]
        guard found.id == unknownID else {
          out.append(ModelToken(id: found.id, scalars: scalars))
          continue
        }
        let surface = bytes[found.bytes]
        if looksUpUnknown, let id = ids[ByteKey(Array(surface))] {
          out.append(ModelToken(id: id, scalars: scalars))
        } else if byteFallback,
          case let byteIDs = surface.map({ ids[ByteKey("<0x\(hex($0))>")] }),
          byteIDs.allSatisfy({ $0 != nil })
        {
          out += byteIDs.map { ModelToken(id: $0 ?? unknownID, scalars: scalars) }
        } else {
          out.append(ModelToken(id: unknownID, scalars: scalars))
        }
      }
      return out
    }
  }
}
