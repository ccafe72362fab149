/// A SentencePiece unigram tokenizer read from its model file (`.spm`): the normaliser, then
/// `UnigramModel`'s segmentation. Ids equal the `sentencepiece` library's `encode` (no BOS or EOS
/// added: the model adds those it wants). Tokens keep the input bytes they came from and show
/// "▁" as a space (`TokenDisplay.metaspace`).
public struct SentencePieceTokenizer: Tokenizer {
  public let file: SentencePieceModelFile
  public let normalizer: SentencePieceNormalizer
  public let model: UnigramModel
  private let display = TokenDisplay.metaspace("\u{2581}")

  /// Reads a `.spm` file and checks it is a unigram model this reader runs.
  public init(contentsOf path: String) throws {
    do {
      try self.init(file: try SentencePieceModelFile(contentsOf: path))
    } catch let error as TokenizerError {
      throw error.naming(path)
    }
  }

  public init(file: SentencePieceModelFile) throws(TokenizerError) {
    guard file.modelType == .unigram else {
      throw .malformedVocabulary(
        file: "", reason: "is a SentencePiece \(file.modelType) model; attnviz reads unigram ones")
    }
    guard !file.byteFallback else {
      throw .malformedVocabulary(
        file: "", reason: "uses byte fallback, which attnviz's unigram reader does not support")
    }
    guard let unknown = file.pieces.firstIndex(where: { $0.type == .unknown }) else {
      throw .malformedVocabulary(file: "", reason: "has no piece of type UNKNOWN")
    }
    var charsMap: PrecompiledCharsMap?
    if !file.precompiledCharsMap.isEmpty {
      do {
        charsMap = try PrecompiledCharsMap(file.precompiledCharsMap)
      } catch {
        throw .malformedVocabulary(file: "", reason: error.reason)
      }
    }
    var normalizer = SentencePieceNormalizer(
      charsMap: charsMap, addDummyPrefix: file.addDummyPrefix,
      removeExtraWhitespaces: file.removeExtraWhitespaces,
      escapeWhitespaces: file.escapeWhitespaces)
    normalizer.treatWhitespaceAsSuffix = file.treatWhitespaceAsSuffix
    var pieces: [(id: Int, entry: UnigramModel.Entry)] = []
    for (id, piece) in file.pieces.enumerated() {
      let kind: UnigramModel.Kind
      switch piece.type {
      case .normal: kind = .normal
      case .userDefined:
        kind = .userDefined
        normalizer.userDefined.insert(Array(piece.piece.utf8))
      case .unused: kind = .unused
      case .unknown, .control, .byte: continue
      }
      pieces.append(
        (id, UnigramModel.Entry(piece: Array(piece.piece.utf8), score: piece.score, kind: kind)))
    }
    self.file = file
    self.normalizer = normalizer
    model = UnigramModel(pieces: pieces, unknownID: unknown)
  }

  /// The id of a control piece such as `</s>`.
  public func controlID(_ piece: String) -> Int? {
    file.pieces.firstIndex { $0.type == .control && $0.piece == piece }
  }

  /// The piece of an id, shown as a label (`▁gato` → `·gato`).
  public func label(of id: Int) -> String {
    guard file.pieces.indices.contains(id) else { return "<\(id)>" }
    return display.text(ofModelToken: file.pieces[id].piece)
  }

  /// Ids and labels of `text`, each with the input bytes it came from.
  public func tokenize(_ text: String) throws -> [Token] {
    let input = Array(text.utf8)
    let normalized: (bytes: [UInt8], origins: [Int])
    do {
      normalized = try normalizer.normalize(input)
    } catch {
      throw TokenizerError.malformedVocabulary(
        file: "the SentencePiece model", reason: error.reason)
    }
    guard !normalized.bytes.isEmpty else { throw TokenizerError.emptyText }
    return model.encode(normalized.bytes).map { piece in
      let surface = Array(normalized.bytes[piece.bytes])
      let label =
        piece.id == model.unknownID
        ? display.text(ofModelToken: String(decoding: surface, as: UTF8.self)) : label(of: piece.id)
      var from = normalized.origins[piece.bytes.lowerBound]
      let to = max(from, normalized.origins[piece.bytes.upperBound])
      // "▁black" comes from " black": its range starts at the word, not at the space (as
      // tokenizers' offsets do), so a piece's first byte lies inside its word.
      while from < to, [0x20, 0x09, 0x0A, 0x0D].contains(input[from]) { from += 1 }
      return Token(label, id: piece.id, sourceRange: from..<to)
    }
  }

  /// The text of generated ids: pieces joined, "▁" as spaces, the leading space dropped, control
  /// pieces skipped (sentencepiece's `decode`).
  public func decode(_ ids: [Int]) -> String {
    var text = ""
    for id in ids where file.pieces.indices.contains(id) {
      let piece = file.pieces[id]
      switch piece.type {
      case .control: continue
      case .unknown: text += " \u{2047} "
      default: text += piece.piece
      }
    }
    var view = String.UnicodeScalarView()
    for scalar in text.unicodeScalars { view.append(scalar == "\u{2581}" ? " " : scalar) }
    var decoded = String(view)
    if file.addDummyPrefix, decoded.hasPrefix(" ") { decoded.removeFirst() }
    return decoded
  }
}
