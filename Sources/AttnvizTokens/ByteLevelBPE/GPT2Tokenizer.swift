import Synchronization

/// GPT-2's byte-level BPE tokenizer, reading the `vocab.json` and `merges.txt` that every GPT-2
/// checkpoint ships with. It matches Hugging Face's `GPT2Tokenizer` id for id:
///
/// 1. the text is cut into pieces by `GPT2PreTokenizer` (words with their leading space,
///    numbers, punctuation runs, whitespace runs);
/// 2. each piece's UTF-8 bytes are written in `ByteLevelAlphabet` (space → `Ġ`);
/// 3. adjacent symbols are merged, always the pair ranked earliest in `merges.txt` first, until
///    no listed pair is left; the symbols left are looked up in `vocab.json`.
///
///     "Hello world" → "Hello" (15496) | "Ġworld" (995), shown as `Hello` `·world`
///
/// No special tokens are added around the text (GPT-2 adds none). `<|endoftext|>` written in the
/// text is one special token (id 50256 in GPT-2's vocabulary), as Hugging Face splits added
/// tokens out before pre-tokenising; the text around it is encoded as usual.
public struct GPT2Tokenizer: Tokenizer {
  /// One BPE token: the vocabulary key (`Ġworld`), its id, and the UTF-8 bytes of the input it
  /// covers. A token may hold part of a character (half an emoji).
  public struct Piece: Sendable, Equatable {
    public var raw: String
    public var id: Int
    public var utf8Range: Range<Int>
    public var isSpecial = false
  }

  /// GPT-2's one special token, when the vocabulary has it.
  public static let endOfText = "<|endoftext|>"

  public let vocabularySize: Int
  /// The largest id in vocab.json: a model needs at least this many + 1 token embeddings.
  public let largestID: Int
  /// Symbol id of each byte, looked up once: the starting point of every piece.
  let byteIDs: [Int]
  /// The id of `<|endoftext|>`, when vocab.json has it.
  let endOfTextID: Int?
  /// Each id's vocabulary key as bytes (the byte-level spelling), for turning ids back into
  /// tokens (`TokenDecoding`); empty where vocab.json has no such id.
  let keys: [[UInt8]]
  /// (left id, right id) → (rank in merges.txt, id of the merged symbol).
  let merges: [SymbolPair: Merge]
  let cache = BPECache()

  /// Reads the two files; the error names the file and the line.
  public init(vocabularyFile: String, mergesFile: String) throws {
    try self.init(
      vocabulary: try BPEFiles.readVocabulary(vocabularyFile),
      mergeLines: BPEFiles.lines(try BPEFiles.readBytes(mergesFile)), mergesName: mergesFile,
      vocabularyName: vocabularyFile)
  }

  /// `vocabulary` maps keys written in `ByteLevelAlphabet` to ids; `mergeLines` are the lines
  /// of merges.txt (a first line starting with `#version` is skipped, blank lines are ignored).
  public init(
    vocabulary: [String: Int], mergeLines: [Substring], mergesName: String = "merges.txt",
    vocabularyName: String = "vocab.json"
  ) throws {
    try self.init(
      vocabulary: BPEFiles.vocabulary(vocabulary),
      mergeLines: mergeLines.map { Array($0.utf8)[...] },
      mergesName: mergesName, vocabularyName: vocabularyName)
  }

  init(
    vocabulary: VocabularyJSON, mergeLines: [ArraySlice<UInt8>], mergesName: String,
    vocabularyName: String
  ) throws {
    vocabularySize = vocabulary.count
    largestID = vocabulary.largestID
    let ids = vocabulary.ids
    var keys = [[UInt8]](repeating: [], count: vocabulary.largestID + 1)
    for (key, id) in ids where keys.indices.contains(id) { keys[id] = key.bytes }
    self.keys = keys
    // Its characters are printable ASCII, which the byte-level alphabet writes as themselves.
    endOfTextID = ids[ByteKey(Self.endOfText)]
    var byteIDs: [Int] = []
    for (byte, character) in ByteLevelAlphabet.characters.enumerated() {
      guard let id = ids[ByteKey([UInt8(byte)])] else {
        throw TokenizerError.malformedVocabulary(
          file: vocabularyName,
          reason: "has no entry for the byte 0x\(hex(UInt8(byte))) (\"\(character)\"); a "
            + "byte-level vocabulary needs all 256 byte symbols")
      }
      byteIDs.append(id)
    }
    self.byteIDs = byteIDs
    merges = try BPEFiles.parseMerges(
      mergeLines, ids: ids, file: mergesName, vocabularyName: vocabularyName)
  }

  public func tokenize(_ text: String) throws -> [Token] {
    let pieces = encode(text)
    guard !pieces.isEmpty else { throw TokenizerError.emptyText }
    return pieces.map {
      Token(Self.displayText($0.raw), id: $0.id, isSpecial: $0.isSpecial, sourceRange: $0.utf8Range)
    }
  }

  /// The BPE tokens of `text`, with their vocabulary keys; empty for an empty text.
  public func encode(_ text: String) -> [Piece] {
    let scalars = Array(text.unicodeScalars)
    guard let specialID = endOfTextID else {
      return encodeOrdinary(scalars, startingAt: 0)
    }
    // Matched scalar by scalar (not by Character, where a combining mark after `>` would hide
    // it), as Hugging Face matches added tokens in the raw text.
    let pattern = Array(Self.endOfText.unicodeScalars)
    var pieces: [Piece] = []
    var segmentStart = 0
    var offset = 0
    var i = 0
    while i + pattern.count <= scalars.count {
      guard scalars[i..<(i + pattern.count)].elementsEqual(pattern) else {
        i += 1
        continue
      }
      let before = Array(scalars[segmentStart..<i])
      pieces += encodeOrdinary(before, startingAt: offset)
      offset += before.reduce(0) { $0 + $1.utf8.count }
      pieces.append(
        Piece(
          raw: Self.endOfText, id: specialID, utf8Range: offset..<(offset + pattern.count),
          isSpecial: true))
      offset += pattern.count
      i += pattern.count
      segmentStart = i
    }
    return pieces + encodeOrdinary(Array(scalars[segmentStart...]), startingAt: offset)
  }

  /// Text without special tokens: pre-tokenise, then BPE each piece. `start` is the UTF-8 offset
  /// of `scalars` in the whole input, for the pieces' ranges.
  func encodeOrdinary(_ scalars: [Unicode.Scalar], startingAt start: Int) -> [Piece] {
    var pieces: [Piece] = []
    var offset = start
    for range in GPT2PreTokenizer.split(scalars) {
      var bytes: [UInt8] = []
      for scalar in scalars[range] { bytes.append(contentsOf: scalar.utf8) }
      for symbol in symbols(of: bytes) {
        let length = symbol.byteCount
        let span = symbol.byteStart..<(symbol.byteStart + length)
        pieces.append(
          Piece(
            raw: ByteLevelAlphabet.encode(bytes[span]), id: symbol.id,
            utf8Range: (offset + span.lowerBound)..<(offset + span.upperBound)))
      }
      offset += bytes.count
    }
    return pieces
  }

  /// The ids only, as `tokenizer(text)["input_ids"]` gives them.
  public func ids(_ text: String) -> [Int] { encode(text).map(\.id) }

  /// The merged symbols of one pre-token, from the cache when seen before.
  func symbols(of bytes: [UInt8]) -> [Symbol] {
    if let cached = cache.lookup(bytes) { return cached }
    let result = applyMerges(
      bytes.enumerated().map {
        Symbol(id: byteIDs[Int($0.element)], byteStart: $0.offset, byteCount: 1)
      })
    cache.store(bytes, result)
    return result
  }

  /// BPE as OpenAI's encoder.py defines it (the best-ranked adjacent pair first, leftmost
  /// first), run by the heap of `PairMergeWord` that tokenizer.json's BPE uses too: the same
  /// result, in O(n log n) on a hostile 100 000-byte word.
  func applyMerges(_ start: [Symbol]) -> [Symbol] {
    var word = PairMergeWord(
      symbols: start.map { .init(id: $0.id, start: $0.byteStart, count: $0.byteCount) })
    word.mergeAll(merges)
    return word.symbols.filter { $0.count > 0 }.map {
      Symbol(id: $0.id, byteStart: $0.start, byteCount: $0.count)
    }
  }
}

/// A symbol of a word during BPE: its vocabulary id and the bytes of the piece it spans.
struct Symbol: Sendable, Equatable {
  var id: Int
  var byteStart: Int
  var byteCount: Int
}

struct SymbolPair: Hashable, Sendable {
  var left: Int
  var right: Int
}

struct Merge: Sendable {
  var rank: Int32
  var merged: Int32
}

/// A merge's place in its list, smaller first: a listed merge's rank in `major`; a merge of
/// a SentencePiece vocabulary ranked from its scores uses both numbers (`SentencePieceMerges`).
struct MergeRank: Comparable, Sendable {
  var major: UInt64
  var minor: UInt64

  static func < (a: MergeRank, b: MergeRank) -> Bool { (a.major, a.minor) < (b.major, b.minor) }
}

struct RankedMerge: Sendable {
  var rank: MergeRank
  var merged: Int32
}

/// Where `PairMergeWord` finds whether two adjacent symbols merge, and how early.
protocol MergeRanking {
  func merge(_ left: Int, _ right: Int) -> RankedMerge?
}

/// Merges listed in a file (merges.txt, tokenizer.json, GGUF `tokenizer.ggml.merges`).
extension Dictionary: MergeRanking where Key == SymbolPair, Value == Merge {
  func merge(_ left: Int, _ right: Int) -> RankedMerge? {
    self[SymbolPair(left: left, right: right)].map {
      RankedMerge(rank: MergeRank(major: UInt64($0.rank), minor: 0), merged: $0.merged)
    }
  }
}

/// Pre-token bytes → merged symbols. Words repeat a lot in text, and BPE on a long word is
/// quadratic, so this is the one cache worth having. Bounded: cleared when full.
final class BPECache: Sendable {
  static let capacity = 20_000
  private let entries = Mutex<[[UInt8]: [Symbol]]>([:])

  func lookup(_ key: [UInt8]) -> [Symbol]? {
    entries.withLock { $0[key] }
  }

  func store(_ key: [UInt8], _ value: [Symbol]) {
    entries.withLock {
      if $0.count >= Self.capacity { $0.removeAll(keepingCapacity: true) }
      $0[key] = value
    }
  }
}

func hex(_ byte: UInt8) -> String {
  let digits = Array("0123456789ABCDEF")
  return String([digits[Int(byte >> 4)], digits[Int(byte & 0x0F)]])
}
