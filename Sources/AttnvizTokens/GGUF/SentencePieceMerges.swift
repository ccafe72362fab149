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

  /// The merges best first, as vocabulary ids. `scores` has one finite value per token. The work
  /// is linear in the vocabulary's bytes plus the merges found.
  static func derive(tokens: [String], scores: [Float]) -> [Entry] {
    var work = 0
    return derive(tokens: tokens, scores: scores, work: &work)
  }

  /// `derive`, counting in `work` the bytes hashed and the trie steps taken (for the test that
  /// checks the work is linear).
  static func derive(tokens: [String], scores: [Float], work: inout Int) -> [Entry] {
    var ids: [ByteKey: Int] = [:]
    ids.reserveCapacity(tokens.count)
    var firstSeen: [Int] = []
    // Only byte lengths some token has can be a half: short tokens then try few cuts.
    var lengths = Set<Int>()
    for (id, token) in tokens.enumerated() {
      let key = ByteKey(token)
      if ids.updateValue(id, forKey: key) == nil { firstSeen.append(id) }
      lengths.insert(key.bytes.count)
    }
    let long = firstSeen.filter { tokens[$0].utf8.count > longToken }
    let halves = LongTokenHalves(long: long.map { Array(tokens[$0].utf8) }, ids: ids)
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
          guard let found = ids[ByteKey(Array(bytes[..<cut]))],
            let other = ids[ByteKey(Array(bytes[cut...]))]
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

  init(long: [[UInt8]], ids: [ByteKey: Int]) {
    guard !long.isEmpty else { return }
    for bytes in long {
      forward.insert(bytes)
      backward.insert(bytes.reversed())
    }
    for (key, id) in ids {
      forward.mark(key.bytes, token: id)
      backward.mark(key.bytes.reversed(), token: id)
    }
  }

  /// For each cut of a long token, the id of the bytes before it and after it (or -1).
  func halves(of bytes: [UInt8]) -> (prefixes: [Int32], suffixes: [Int32]) {
    let prefixes = forward.walk(bytes, count: bytes.count)
    let reversed = backward.walk(bytes.reversed(), count: bytes.count)
    // A suffix after cut c is the reversed walk's depth count - c.
    let suffixes = (0...bytes.count).map { reversed[bytes.count - $0] }
    return (prefixes, suffixes)
  }
}
