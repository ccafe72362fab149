/// A unigram language model over pieces (SentencePiece's `unigram_model.cc`, tokenizer.json's
/// `Unigram`): of all the ways to spell the normalised text with vocabulary pieces, the one whose
/// piece scores (log probabilities) add up highest, found by Viterbi over byte positions as
/// sentencepiece's `EncodeOptimized` does.
///
///     "▁unaffable" → ["▁un", "aff", "able"]   when score(▁un) + score(aff) + score(able) is
///                                              the highest sum over all spellings
///
/// A character no piece starts with becomes the unknown piece with score min − 10 (`kUnkPenalty`);
/// runs of unknown pieces are joined into one, as sentencepiece's processor and tokenizers'
/// `fuse_unk` do. USER_DEFINED pieces score length × max − 0.1, so they always win; UNUSED ones
/// are never chosen. Ties keep the shorter last piece (candidates are tried shortest first and
/// must beat, not equal, the best so far).
///
/// Two arithmetics: sentencepiece keeps scores and path sums in float32 (`.float`); the
/// `tokenizers` library (tokenizer.json's `Unigram`) keeps them in float64 (`.double`), with
/// scores that need not be float32 values (a model trained by `tokenizers` itself).
public struct UnigramModel: Sendable {
  public enum Arithmetic: Sendable {
    /// sentencepiece's `unigram_model.cc`: float scores and sums.
    case float
    /// tokenizers' `models/unigram/model.rs`: f64 scores and sums.
    case double
  }

  public enum Kind: Sendable {
    case normal
    case userDefined
    case unused
  }

  public struct Entry: Sendable {
    public var piece: [UInt8]
    /// The score as written (a float64 in tokenizer.json).
    public var exactScore: Double
    public var kind: Kind
    /// The score as a float32 (a `.spm` file's own type).
    public var score: Float {
      get { Float(exactScore) }
      set { exactScore = Double(newValue) }
    }
    public init(piece: [UInt8], score: Float, kind: Kind) {
      (self.piece, self.exactScore, self.kind) = (piece, Double(score), kind)
    }
    public init(piece: [UInt8], exactScore: Double, kind: Kind) {
      (self.piece, self.exactScore, self.kind) = (piece, exactScore, kind)
    }
  }

  /// One piece of a segmentation: its id and the normalised bytes it covers.
  public struct Piece: Sendable, Equatable {
    public var id: Int
    public var bytes: Range<Int>
  }

  private let ids: [ArraySlice<UInt8>: Int]
  private let entries: [Int: Entry]
  private let longest: Int
  private let minScore: Double
  private let maxScore: Double
  private let arithmetic: Arithmetic
  public let unknownID: Int

  static let unknownPenalty: Float = 10

  /// `pieces` are (id, entry) pairs: the vocabulary's NORMAL, USER_DEFINED and UNUSED pieces;
  /// control, unknown and byte pieces are not matched against text. The scores' range is taken
  /// over NORMAL pieces only, as sentencepiece does. A piece listed twice keeps its first id
  /// (tokenizers keeps the last: its reader passes only that one).
  public init(
    pieces: [(id: Int, entry: Entry)], unknownID: Int, arithmetic: Arithmetic = .float
  ) {
    var ids: [ArraySlice<UInt8>: Int] = [:]
    var entries: [Int: Entry] = [:]
    var longest = 0
    var minScore = Double(Float.greatestFiniteMagnitude)
    var maxScore = Double(Float.leastNormalMagnitude)
    for (id, entry) in pieces where !entry.piece.isEmpty {
      if ids[entry.piece[...]] == nil { ids[entry.piece[...]] = id }
      entries[id] = entry
      longest = max(longest, entry.piece.count)
      if entry.kind == .normal {
        let score = arithmetic == .float ? Double(entry.score) : entry.exactScore
        minScore = min(minScore, score)
        maxScore = max(maxScore, score)
      }
    }
    (self.ids, self.entries, self.longest) = (ids, entries, longest)
    (self.minScore, self.maxScore, self.unknownID) = (minScore, maxScore, unknownID)
    self.arithmetic = arithmetic
  }

  /// The best segmentation of `normalized` (valid UTF-8).
  public func encode(_ normalized: [UInt8]) -> [Piece] {
    let size = normalized.count
    guard size > 0 else { return [] }
    // best[e]: the best path ending at byte e: its score, where its last piece starts, its id.
    var score = [Double](repeating: 0, count: size + 1)
    var start = [Int](repeating: -1, count: size + 1)
    var id = [Int](repeating: -1, count: size + 1)
    // In `.float`, every sum is a float32, as sentencepiece computes and stores it.
    let float = arithmetic == .float
    let unknownScore =
      float ? Double(Float(minScore) - Self.unknownPenalty) : minScore - Double(Self.unknownPenalty)
    var s = 0
    while s < size {
      let here = score[s]
      let characterLength = min(
        SentencePieceNormalizer.characterLength(normalized, at: s) ?? 1, size - s)
      var hasSingle = false
      // `longest` is 0 for a vocabulary of only control and unknown pieces (found by
      // FuzzSentencePiece): every character is then the unknown piece.
      for length in stride(from: 1, through: min(longest, size - s), by: 1) {
        guard let found = ids[normalized[s..<s + length]], let entry = entries[found],
          entry.kind != .unused
        else { continue }
        let pieceScore: Double =
          entry.kind == .userDefined
          ? Double(length) * maxScore - 0.1
          : float ? Double(entry.score) : entry.exactScore
        // sentencepiece adds and compares in float32: the sum is rounded before it is compared,
        // or two spellings that tie only after rounding ("=====" "==" against "==" "=====")
        // would be told apart.
        let candidate = float ? Double(Float(pieceScore) + Float(here)) : pieceScore + here
        let e = s + length
        if start[e] == -1 || candidate > score[e] {
          (score[e], start[e], id[e]) = (candidate, s, found)
        }
        if length == characterLength { hasSingle = true }
      }
      if !hasSingle {
        let e = s + characterLength
        let candidate = float ? Double(Float(unknownScore) + Float(here)) : unknownScore + here
        if start[e] == -1 || candidate > score[e] {
          (score[e], start[e], id[e]) = (candidate, s, unknownID)
        }
      }
      s += characterLength
    }
    var pieces: [Piece] = []
    var e = size
    while e > 0 {
      let b = start[e]
      pieces.append(Piece(id: id[e], bytes: b..<e))
      e = b
    }
    pieces.reverse()
    var fused: [Piece] = []
    for piece in pieces {
      if piece.id == unknownID, let last = fused.last, last.id == unknownID {
        fused[fused.count - 1].bytes = last.bytes.lowerBound..<piece.bytes.upperBound
      } else {
        fused.append(piece)
      }
    }
    return fused
  }
}
