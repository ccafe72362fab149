import AttnvizFiles

/// A SentencePiece model file (`.spm`, `tokenizer.model`): the protocol-buffer `ModelProto` of
/// google/sentencepiece's `sentencepiece_model.proto`, read field by field. Kept: the pieces
/// with their scores and types (field 1), the model type and byte fallback of the trainer spec
/// (field 2), and the normaliser spec (field 3: its name, the precompiled character map, and the
/// dummy-prefix and whitespace switches). Everything else (training options, self-test data, the
/// denormaliser) is skipped.
public struct SentencePieceModelFile: Sendable {
  /// `ModelProto.SentencePiece.Type`.
  public enum PieceType: Int, Sendable {
    case normal = 1
    case unknown = 2
    case control = 3
    case userDefined = 4
    case unused = 5
    case byte = 6
  }

  public struct Piece: Sendable, Equatable {
    public var piece: String
    public var score: Float
    public var type: PieceType
  }

  /// `TrainerSpec.ModelType`.
  public enum ModelType: Int, Sendable {
    case unigram = 1
    case bpe = 2
    case word = 3
    case character = 4
  }

  public var pieces: [Piece] = []
  public var modelType: ModelType = .unigram
  public var byteFallback = false
  public var treatWhitespaceAsSuffix = false
  public var normalizerName = ""
  public var precompiledCharsMap: [UInt8] = []
  public var addDummyPrefix = true
  public var removeExtraWhitespaces = true
  public var escapeWhitespaces = true

  /// The most pieces a model may have: real vocabularies hold 8k–262k.
  public static let pieceLimit = 1 << 20
  /// The largest `.spm` file read: real ones are under 5 MB.
  public static let fileLimit = 64 << 20

  /// Reads `path` (a bounded read: a file over 64 MiB is refused from its size).
  public init(contentsOf path: String) throws {
    let name = BoundedFile.name(path)
    let bytes = try BoundedFile.read(path, what: name, limit: Self.fileLimit)
    do {
      try self.init(bytes: bytes)
    } catch {
      throw error.naming(path)
    }
  }

  /// Parses the bytes of a model file. Errors are `TokenizerError.malformedVocabulary` with an
  /// empty file name (`init(contentsOf:)` fills it in).
  public init(bytes: [UInt8]) throws(TokenizerError) {
    do {
      try parse(bytes[...])
    } catch {
      throw .malformedVocabulary(file: "", reason: "is not a SentencePiece model: \(error.reason)")
    }
    guard !pieces.isEmpty else {
      throw .malformedVocabulary(
        file: "", reason: "is not a SentencePiece model: it has no pieces (field 1 of ModelProto)")
    }
  }

  private mutating func parse(_ bytes: ArraySlice<UInt8>) throws(ProtobufReader.Failure) {
    var reader = ProtobufReader(bytes)
    while let field = try reader.next() {
      switch (field.number, field.wireType) {
      case (1, .lengthDelimited):
        guard pieces.count < Self.pieceLimit else {
          throw ProtobufReader.Failure(reason: "it has more than \(Self.pieceLimit) pieces")
        }
        pieces.append(try Self.piece(field.bytes, index: pieces.count))
      case (2, .lengthDelimited): try readTrainerSpec(field.bytes)
      case (3, .lengthDelimited): try readNormalizerSpec(field.bytes)
      case (1...5, _):
        throw ProtobufReader.Failure(
          reason: "field \(field.number) of ModelProto has the wrong wire type")
      default: continue
      }
    }
  }

  private static func piece(_ bytes: ArraySlice<UInt8>, index: Int) throws(ProtobufReader.Failure)
    -> Piece
  {
    var reader = ProtobufReader(bytes)
    var piece = Piece(piece: "", score: 0, type: .normal)
    while let field = try reader.next() {
      switch (field.number, field.wireType) {
      case (1, .lengthDelimited): piece.piece = field.string
      case (2, .fixed32): piece.score = field.float
      case (3, .varint):
        guard let type = PieceType(rawValue: Int(clamping: field.varint)) else {
          throw ProtobufReader.Failure(reason: "piece \(index) has unknown type \(field.varint)")
        }
        piece.type = type
      default: continue
      }
    }
    guard !piece.piece.isEmpty else {
      throw ProtobufReader.Failure(reason: "piece \(index) is empty")
    }
    guard piece.score.isFinite else {
      throw ProtobufReader.Failure(reason: "piece \(index) has a score that is not finite")
    }
    return piece
  }

  private mutating func readTrainerSpec(_ bytes: ArraySlice<UInt8>) throws(ProtobufReader.Failure) {
    var reader = ProtobufReader(bytes)
    while let field = try reader.next() {
      switch (field.number, field.wireType) {
      case (3, .varint):
        guard let type = ModelType(rawValue: Int(clamping: field.varint)) else {
          throw ProtobufReader.Failure(reason: "unknown model type \(field.varint)")
        }
        modelType = type
      case (24, .varint): treatWhitespaceAsSuffix = field.bool
      case (35, .varint): byteFallback = field.bool
      default: continue
      }
    }
  }

  private mutating func readNormalizerSpec(_ bytes: ArraySlice<UInt8>)
    throws(ProtobufReader.Failure)
  {
    var reader = ProtobufReader(bytes)
    while let field = try reader.next() {
      switch (field.number, field.wireType) {
      case (1, .lengthDelimited): normalizerName = field.string
      case (2, .lengthDelimited): precompiledCharsMap = Array(field.bytes)
      case (3, .varint): addDummyPrefix = field.bool
      case (4, .varint): removeExtraWhitespaces = field.bool
      case (5, .varint): escapeWhitespaces = field.bool
      default: continue
      }
    }
  }
}
