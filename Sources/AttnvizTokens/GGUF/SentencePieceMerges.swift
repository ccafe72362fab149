/// BPE merges for a SentencePiece vocabulary that lists none (Llama 2, Mistral and Gemma GGUF
/// files give tokens and scores only), as transformers derives them (`generate_merges` in
/// `tokenization_utils_base.py`, with scores): every way to cut a token into two tokens of the
/// vocabulary is a merge; merges are ordered by the merged token's score, highest first, then by
/// the longer left half, then the longer right half (Python's `sorted(…, reverse=True)` on
/// `(score, len(left), len(right))`), ties in the order the tokens first appear.
///
///     tokens ["▁", "t", "h", "▁t", "th", "▁th", "e"], scores [0, 0, 0, -1, -2, -0.5, 0]
///     → "▁t h", "▁ th" (for "▁th", -0.5), "▁ t" (-1), "t h" (-2)
///
/// A repeated token keeps its first position, its last id and its last score, as the Python
/// dicts do. Lengths count Unicode scalars, as Python's `len` does.
enum SentencePieceMerges {
  struct Entry: Equatable {
    var left: Int
    var right: Int
    var merged: Int
  }

  /// The merges best first, as vocabulary ids. `scores` has one finite value per token.
  static func derive(tokens: [String], scores: [Float]) -> [Entry] {
    var ids: [ByteKey: Int] = [:]
    ids.reserveCapacity(tokens.count)
    var firstSeen: [Int] = []
    // Only byte lengths some token has can be a half: this keeps a vocabulary with one very
    // long token linear instead of hashing every prefix of it.
    var lengths = Set<Int>()
    for (id, token) in tokens.enumerated() {
      let key = ByteKey(token)
      if ids.updateValue(id, forKey: key) == nil { firstSeen.append(id) }
      lengths.insert(key.bytes.count)
    }
    struct Candidate {
      var score: Float
      var leftLength: Int32
      var rightLength: Int32
      var order: Int32
      var merge: Entry
    }
    var candidates: [Candidate] = []
    for (order, first) in firstSeen.enumerated() {
      let bytes = Array(tokens[first].utf8)
      guard bytes.count > 1, let merged = ids[ByteKey(bytes)] else { continue }
      // Scalar boundaries (UTF-8 lead bytes) after the first.
      var scalarsBefore = 0
      let totalScalars = bytes.reduce(0) { $0 + ($1 & 0xC0 == 0x80 ? 0 : 1) }
      for cut in 1..<bytes.count {
        if bytes[cut - 1] & 0xC0 != 0x80 { scalarsBefore += 1 }
        guard bytes[cut] & 0xC0 != 0x80, lengths.contains(cut),
          lengths.contains(bytes.count - cut),
          let left = ids[ByteKey(Array(bytes[..<cut]))],
          let right = ids[ByteKey(Array(bytes[cut...]))]
        else { continue }
        candidates.append(
          Candidate(
            score: scores[merged], leftLength: Int32(scalarsBefore),
            rightLength: Int32(totalScalars - scalarsBefore), order: Int32(order),
            merge: Entry(left: left, right: right, merged: merged)))
      }
    }
    // (order, leftLength) is unique, so this order is total and needs no stable sort.
    candidates.sort { a, b in
      if a.score != b.score { return a.score > b.score }
      if a.leftLength != b.leftLength { return a.leftLength > b.leftLength }
      if a.rightLength != b.rightLength { return a.rightLength > b.rightLength }
      return a.order < b.order
    }
    return candidates.map(\.merge)
  }
}
