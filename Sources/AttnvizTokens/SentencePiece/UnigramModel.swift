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
public struct UnigramModel: Sendable {
  public enum Kind: Sendable {
    case normal
    case userDefined
    case unused
  }

  public struct Entry: Sendable {
    public var piece: [UInt8]
    public var score: Float
    public var kind: Kind
    public init(piece: [UInt8], score: Float, kind: Kind) {
      (self.piece, self.score, self.kind) = (piece, score, kind)
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
  private let minScore: Float
  private let maxScore: Float
  public let unknownID: Int

  static let unknownPenalty: Float = 10

  /// `pieces` are (id, entry) pairs: the vocabulary's NORMAL, USER_DEFINED and UNUSED pieces;
  /// control, unknown and byte pieces are not matched against text. The scores' range is taken
  /// over NORMAL pieces only, as sentencepiece does.
  public init(pieces: [(id: Int, entry: Entry)], unknownID: Int) {
    var ids: [ArraySlice<UInt8>: Int] = [:]
    var entries: [Int: Entry] = [:]
    var longest = 0
    var minScore = Float.greatestFiniteMagnitude
    var maxScore = Float.leastNormalMagnitude
    for (id, entry) in pieces where !entry.piece.isEmpty {
      if ids[entry.piece[...]] == nil { ids[entry.piece[...]] = id }
      entries[id] = entry
      longest = max(longest, entry.piece.count)
      if entry.kind == .normal {
        minScore = min(minScore, entry.score)
        maxScore = max(maxScore, entry.score)
      }
    }
    (self.ids, self.entries, self.longest) = (ids, entries, longest)
    (self.minScore, self.maxScore, self.unknownID) = (minScore, maxScore, unknownID)
  }

  /// The best segmentation of `normalized` (valid UTF-8).
  public func encode(_ normalized: [UInt8]) -> [Piece] {
    let size = normalized.count
    guard size > 0 else { return [] }
    // best[e]: the best path ending at byte e: its score, where its last piece starts, its id.
    var score = [Float](repeating: 0, count: size + 1)
    var start = [Int](repeating: -1, count: size + 1)
    var id = [Int](repeating: -1, count: size + 1)
    let unknownScore = minScore - Self.unknownPenalty
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
          ? Double(length) * Double(maxScore) - 0.1 : Double(entry.score)
        let candidate = pieceScore + Double(here)
        let e = s + length
        if start[e] == -1 || candidate > Double(score[e]) {
          (score[e], start[e], id[e]) = (Float(candidate), s, found)
        }
        if length == characterLength { hasSingle = true }
      }
      if !hasSingle {
        let e = s + characterLength
        let candidate = unknownScore + here
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
