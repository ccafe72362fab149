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
    // One flat table (`ByteTable`): entries in first-seen order, each with its last id.
    var ids = ByteTable(capacity: tokens.count)
    // Only byte lengths some token has can be a half: this keeps a vocabulary with one very
    // long token linear instead of hashing every prefix of it.
    var lengths = Set<Int>()
    for (id, token) in tokens.enumerated() {
      ids.insert(token, value: id)
      lengths.insert(token.utf8.count)
    }
    struct Candidate {
      var score: Float
      var leftLength: Int32
      var rightLength: Int32
      var order: Int32
      var merge: Entry
    }
    var candidates: [Candidate] = []
    ids.storage.withUnsafeBytes { stored in
      for order in 0..<ids.count {
        let bytes = UnsafeRawBufferPointer(rebasing: stored[ids.range(order)])
        let merged = ids.values[order]
        guard bytes.count > 1 else { continue }
        // Scalar boundaries (UTF-8 lead bytes) after the first.
        var scalarsBefore = 0
        let totalScalars = bytes.reduce(0) { $0 + ($1 & 0xC0 == 0x80 ? 0 : 1) }
        for cut in 1..<bytes.count {
          if bytes[cut - 1] & 0xC0 != 0x80 { scalarsBefore += 1 }
          guard bytes[cut] & 0xC0 != 0x80, lengths.contains(cut),
            lengths.contains(bytes.count - cut),
            let left = ids.value(UnsafeRawBufferPointer(rebasing: bytes[..<cut])),
            let right = ids.value(UnsafeRawBufferPointer(rebasing: bytes[cut...]))
          else { continue }
          candidates.append(
            Candidate(
              score: scores[merged], leftLength: Int32(scalarsBefore),
              rightLength: Int32(totalScalars - scalarsBefore), order: Int32(order),
              merge: Entry(left: left, right: right, merged: merged)))
        }
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

/// Byte strings → ids in one flat table: every key's bytes back to back in one buffer, and an
/// open-addressing index of entry numbers (FNV-1a over the bytes, linear probing). Looking up a
/// piece of a key — every cut of every token, as `SentencePieceMerges` does — hashes a pointer
/// range in place, with no array made per lookup and no object per entry. Keys compare byte
/// for byte, as `ByteKey` does.
struct ByteTable {
  /// Entry e's bytes are storage[starts[e] ..< starts[e + 1]].
  private(set) var storage: [UInt8] = []
  private var starts: [Int] = [0]
  private(set) var values: [Int] = []
  /// Entry number + 1 per slot; 0 is empty. A power of two, at most half full.
  private var slots: [Int32]

  init(capacity: Int) {
    var size = 16
    while size < 2 * capacity { size *= 2 }
    slots = [Int32](repeating: 0, count: size)
    values.reserveCapacity(capacity)
    starts.reserveCapacity(capacity + 1)
  }

  /// Entries, in the order their keys were first inserted.
  var count: Int { values.count }

  /// Entry e's key as a range of `storage`.
  func range(_ e: Int) -> Range<Int> { starts[e]..<starts[e + 1] }

  /// Sets `key`'s value (a repeated key keeps its entry, in its first place, with the new
  /// value); true when the key is new.
  @discardableResult
  mutating func insert(_ key: String, value: Int) -> Bool {
    var utf8 = Array(key.utf8)
    let found = utf8.withUnsafeBytes { find($0) }
    if case .found(let entry) = found {
      values[entry] = value
      return false
    }
    guard case .empty(let slot) = found else { return false }
    storage.append(contentsOf: utf8)
    utf8 = []
    starts.append(storage.count)
    values.append(value)
    slots[slot] = Int32(truncatingIfNeeded: values.count)
    if values.count * 2 > slots.count { grow() }
    return true
  }

  /// The value of the key `bytes`, or nil.
  func value(_ bytes: UnsafeRawBufferPointer) -> Int? {
    if case .found(let entry) = find(bytes) { return values[entry] }
    return nil
  }

  private enum Probe {
    case found(Int)
    case empty(Int)
  }

  private func find(_ bytes: UnsafeRawBufferPointer) -> Probe {
    let mask = slots.count - 1
    var slot = Int(truncatingIfNeeded: Self.hash(bytes)) & mask
    return storage.withUnsafeBytes { stored in
      while true {
        let entry = Int(slots[slot]) - 1
        if entry < 0 { return .empty(slot) }
        let (start, end) = (starts[entry], starts[entry + 1])
        if end - start == bytes.count,
          bytes.isEmpty || memoryEqual(stored.baseAddress, start, bytes)
        {
          return .found(entry)
        }
        slot = (slot + 1) & mask
      }
    }
  }

  private func memoryEqual(
    _ stored: UnsafeRawPointer?, _ start: Int, _ bytes: UnsafeRawBufferPointer
  ) -> Bool {
    guard let stored else { return false }
    for i in 0..<bytes.count
    where stored.load(fromByteOffset: start + i, as: UInt8.self) != bytes[i] {
      return false
    }
    return true
  }

  private mutating func grow() {
    var bigger = [Int32](repeating: 0, count: slots.count * 2)
    let mask = bigger.count - 1
    storage.withUnsafeBytes { stored in
      for entry in 0..<values.count {
        let piece = UnsafeRawBufferPointer(rebasing: stored[range(entry)])
        var slot = Int(truncatingIfNeeded: Self.hash(piece)) & mask
        while bigger[slot] != 0 { slot = (slot + 1) & mask }
        bigger[slot] = Int32(truncatingIfNeeded: entry + 1)
      }
    }
    slots = bigger
  }

  /// 64-bit FNV-1a.
  static func hash(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
    var h: UInt64 = 0xcbf2_9ce4_8422_2325
    for byte in bytes {
      h = (h ^ UInt64(byte)) &* 0x0000_0100_0000_01B3
    }
    return h
  }
}
