/// The BPE merges of a SentencePiece vocabulary that lists none (Llama 2, Mistral and Gemma GGUF
/// files give tokens and scores only), ranked when a word asks for them instead of derived at
/// load. Two adjacent symbols merge when their joined bytes are a token — the lookup
/// llama.cpp's `llm_tokenizer_spm` and sentencepiece's `bpe_model.cc` make for each bigram —
/// and the merges rank exactly as the list transformers derives (`generate_merges` in
/// `tokenization_utils_base.py`, with scores) would: by the merged token's score, highest first,
/// then the longer left half, then the longer right half (Python's `sorted(…, reverse=True)` on
/// `(score, len(left), len(right))`), ties in the order the tokens first appear.
///
///     tokens ["▁", "t", "h", "▁t", "th", "▁th", "e"], scores [0, 0, 0, -1, -2, -0.5, 0]
///     → "▁t h", "▁ th" (for "▁th", -0.5), "▁ t" (-1), "t h" (-2)
///
/// llama.cpp's queue breaks ties of equal scores by position alone; the lengths come first here,
/// as in transformers' list, so the ids stay those of transformers and of the models' own
/// tokenizers on every reference text. A repeated token keeps its first position, its last id
/// and its last score, as the Python dicts do. Lengths count Unicode scalars, as Python's `len`
/// does. Nothing is derived when the tokenizer is built: Gemma 3's 262,144 tokens give 514,906
/// merges, which took a third of a second of CPU to find and sort at every run.
struct SentencePieceMerges: MergeRanking, Sendable {
  /// How merges are ordered before the lengths.
  enum Order: Sendable {
    /// By `tokenizer.ggml.scores`, one finite score per id.
    case scores([Float])
    /// By position in the file, first best (Gemma: "Gemma's scores do not follow its merge
    /// order", transformers), as the score −id.
    case position
  }

  let vocabulary: ByteTable
  /// The entry of `vocabulary` of each id, or -1 where no key has the id as its value.
  let entries: [Int32]
  let order: Order

  init(vocabulary: ByteTable, largestID: Int, order: Order) {
    var entries = [Int32](repeating: -1, count: largestID + 1)
    for entry in 0..<vocabulary.count {
      entries[vocabulary.values[entry]] = Int32(truncatingIfNeeded: entry)
    }
    self.vocabulary = vocabulary
    self.entries = entries
    self.order = order
  }

  func score(_ id: Int) -> Float {
    switch order {
    case .scores(let scores): scores[id]
    case .position: -Float(id)
    }
  }

  /// The merge of the symbols `left` and `right` (ids), with its rank in transformers' list
  /// (smaller first), or nil when their joined bytes are not a token. The work is at most the
  /// bytes of the longest token.
  func merge(_ left: Int, _ right: Int) -> RankedMerge? {
    guard entries.indices.contains(left), entries.indices.contains(right) else { return nil }
    let (leftEntry, rightEntry) = (Int(entries[left]), Int(entries[right]))
    guard leftEntry >= 0, rightEntry >= 0 else { return nil }
    let leftRange = vocabulary.range(leftEntry)
    let rightRange = vocabulary.range(rightEntry)
    let total = leftRange.count + rightRange.count
    guard !leftRange.isEmpty, !rightRange.isEmpty, total <= vocabulary.longest else { return nil }
    let found: Int? = vocabulary.storage.withUnsafeBytes { stored in
      withUnsafeTemporaryAllocation(byteCount: total, alignment: 8) { joined in
        joined.copyMemory(from: UnsafeRawBufferPointer(rebasing: stored[leftRange]))
        UnsafeMutableRawBufferPointer(rebasing: joined[leftRange.count...])
          .copyMemory(from: UnsafeRawBufferPointer(rebasing: stored[rightRange]))
        return vocabulary.entry(UnsafeRawBufferPointer(joined))
      }
    }
    guard let entry = found else { return nil }
    let merged = vocabulary.values[entry]
    let (leftScalars, rightScalars) = vocabulary.storage.withUnsafeBytes { stored in
      (
        Self.scalars(UnsafeRawBufferPointer(rebasing: stored[leftRange])),
        Self.scalars(UnsafeRawBufferPointer(rebasing: stored[rightRange]))
      )
    }
    return RankedMerge(
      rank: Self.rank(
        score: score(merged), leftScalars: leftScalars, rightScalars: rightScalars,
        entry: entry),
      merged: Int32(truncatingIfNeeded: merged))
  }

  /// The position in transformers' list as a number pair: the score descending (its bits
  /// mapped to an order-preserving integer, 0 and −0 alike), then the left and right halves'
  /// lengths descending, then the merged token's first appearance.
  static func rank(score: Float, leftScalars: Int, rightScalars: Int, entry: Int) -> MergeRank {
    let bits = (score == 0 ? Float(0) : score).bitPattern
    let ascending = bits & 0x8000_0000 != 0 ? ~bits : bits | 0x8000_0000
    let descending = UInt64(~ascending)
    let left = UInt64(UInt32.max - UInt32(clamping: leftScalars))
    let right = UInt64(UInt32.max - UInt32(clamping: rightScalars))
    return MergeRank(
      major: descending << 32 | left,
      minor: right << 32 | UInt64(UInt32(truncatingIfNeeded: entry)))
  }

  /// Unicode scalars in valid UTF-8: the bytes that are not continuation bytes.
  static func scalars(_ bytes: UnsafeRawBufferPointer) -> Int {
    var count = 0
    for byte in bytes where byte & 0xC0 != 0x80 { count += 1 }
    return count
  }
}
