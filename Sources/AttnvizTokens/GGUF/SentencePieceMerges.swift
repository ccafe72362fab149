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

  /// Tokens longer than this many bytes find their halves by walking tries instead of hashing
  /// each candidate half: a vocabulary of long tokens of every length (`▁` repeated 2 … 400
  /// times, 317 KB) took 26 s the other way, each token costing the square of its length.
  static let longToken = 32

  /// The most bytes the long tokens (over `longToken` bytes) of one vocabulary may hold together
  /// when merges are derived: the tries keep a hash entry for each of their bytes (6 million
  /// bytes of long tokens took over 100 s in a debug build). Real vocabularies hold far fewer:
  /// Gemma 4's 262,144 tokens have 746 long ones of 27,089 bytes together.
  static let maximumLongTokenBytes = 1 << 20

  /// A phrase refusing a vocabulary whose long tokens hold more than `maximumLongTokenBytes`
  /// together, naming the limit; nil when they fit. Checked before anything is derived.
  static func checkSize(of tokens: [String]) -> String? {
    var total = 0
    for token in tokens {
      let count = token.utf8.count
      if count > longToken { total += count }
    }
    guard total > maximumLongTokenBytes else { return nil }
    return "has tokens over \(longToken) bytes that hold \(total) bytes together, more than the "
      + "limit of \(maximumLongTokenBytes) for deriving merges from scores (real vocabularies "
      + "hold under 100,000)"
  }

  /// The merges best first, as vocabulary ids. `scores` has one finite value per token. The work
  /// is linear in the vocabulary's bytes plus the merges found.
  static func derive(tokens: [String], scores: [Float]) -> [Entry] {
    var work = 0
    return derive(tokens: tokens, scores: scores, work: &work)
  }

  /// `derive`, counting in `work` the bytes hashed and the trie steps taken (for the test that
  /// checks the work is linear).
  static func derive(tokens: [String], scores: [Float], work: inout Int) -> [Entry] {
    // One flat table (`ByteTable`): entries in first-seen order, each with its last id.
    var ids = ByteTable(capacity: tokens.count)
    // Only byte lengths some token has can be a half: short tokens then try few cuts.
    var lengths = Set<Int>()
    for (id, token) in tokens.enumerated() {
      ids.insert(token, value: id)
      lengths.insert(token.utf8.count)
    }
    let halves = LongTokenHalves(ids: ids, longerThan: longToken)
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
        // The ids of the halves, by cut: from the tries for a long token, else looked up.
        var walked: (prefixes: [Int32], suffixes: [Int32])?
        if bytes.count > longToken {
          walked = halves.halves(of: bytes)
          work += 2 * bytes.count
        }
        // Scalar boundaries (UTF-8 lead bytes) after the first.
        var scalarsBefore = 0
        let totalScalars = bytes.reduce(0) { $0 + ($1 & 0xC0 == 0x80 ? 0 : 1) }
        for cut in 1..<bytes.count {
          if bytes[cut - 1] & 0xC0 != 0x80 { scalarsBefore += 1 }
          guard bytes[cut] & 0xC0 != 0x80 else { continue }
          let left: Int
          let right: Int
          if let walked {
            guard walked.prefixes[cut] >= 0, walked.suffixes[cut] >= 0 else { continue }
            left = Int(walked.prefixes[cut])
            right = Int(walked.suffixes[cut])
          } else {
            guard lengths.contains(cut), lengths.contains(bytes.count - cut) else { continue }
            work += bytes.count
            guard let found = ids.value(UnsafeRawBufferPointer(rebasing: bytes[..<cut])),
              let other = ids.value(UnsafeRawBufferPointer(rebasing: bytes[cut...]))
            else { continue }
            left = found
            right = other
          }
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

/// Which prefixes and suffixes of the long tokens are tokens, in time linear in the vocabulary's
/// bytes: a trie of the long tokens and one of them reversed; every token walks both, marking the
/// node it ends on; a long token's walk then passes its token prefixes (suffixes) in order.
struct LongTokenHalves {
  /// A trie over bytes: children by (node, byte), each node the id of the token ending there.
  struct Trie {
    var children: [UInt64: Int32] = [:]
    var id: [Int32] = [-1]

    static func key(_ node: Int32, _ byte: UInt8) -> UInt64 { UInt64(node) << 8 | UInt64(byte) }

    mutating func insert<C: Sequence<UInt8>>(_ bytes: C) {
      var node: Int32 = 0
      for byte in bytes {
        let key = Self.key(node, byte)
        if let next = children[key] {
          node = next
        } else {
          let next = Int32(id.count)
          children[key] = next
          id.append(-1)
          node = next
        }
      }
    }

    /// Marks the node `bytes` ends on, if the trie has it, with `token`.
    mutating func mark<C: Sequence<UInt8>>(_ bytes: C, token: Int) {
      var node: Int32 = 0
      for byte in bytes {
        guard let next = children[Self.key(node, byte)] else { return }
        node = next
      }
      id[Int(node)] = Int32(token)
    }

    /// The ids met along `bytes`: element d is the token of the first d bytes, or -1.
    func walk<C: Sequence<UInt8>>(_ bytes: C, count: Int) -> [Int32] {
      var found = [Int32](repeating: -1, count: count + 1)
      var node: Int32 = 0
      var depth = 0
      for byte in bytes {
        guard let next = children[Self.key(node, byte)] else { break }
        node = next
        depth += 1
        found[depth] = id[Int(node)]
      }
      return found
    }
  }

  var forward = Trie()
  var backward = Trie()

  /// The tries of the tokens in `ids` longer than `longerThan` bytes, marked with every token.
  init(ids: ByteTable, longerThan limit: Int) {
    ids.storage.withUnsafeBytes { stored in
      let entries = 0..<ids.count
      let long = entries.filter { ids.range($0).count > limit }
      guard !long.isEmpty else { return }
      for entry in long {
        let bytes = UnsafeRawBufferPointer(rebasing: stored[ids.range(entry)])
        forward.insert(bytes)
        backward.insert(bytes.reversed())
      }
      for entry in entries {
        let bytes = UnsafeRawBufferPointer(rebasing: stored[ids.range(entry)])
        forward.mark(bytes, token: ids.values[entry])
        backward.mark(bytes.reversed(), token: ids.values[entry])
      }
    }
  }

  /// For each cut of a long token, the id of the bytes before it and after it (or -1).
  func halves(of bytes: UnsafeRawBufferPointer) -> (prefixes: [Int32], suffixes: [Int32]) {
    let prefixes = forward.walk(bytes, count: bytes.count)
    let reversed = backward.walk(bytes.reversed(), count: bytes.count)
    // A suffix after cut c is the reversed walk's depth count - c.
    let suffixes = (0...bytes.count).map { reversed[bytes.count - $0] }
    return (prefixes, suffixes)
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
