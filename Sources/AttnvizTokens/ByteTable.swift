/// Byte strings → ids in one flat table: every key's bytes back to back in one buffer, and an
/// open-addressing index of entry numbers (a word-at-a-time multiplicative hash, linear
/// probing). A BPE vocabulary of 262,144 tokens is one pass over its strings, with no array or
/// object made per entry, and a lookup hashes a pointer range in place — a character of the
/// text, or two symbols joined in a scratch buffer (`SentencePieceMerges`). Keys compare byte
/// for byte, as `ByteKey` does (Swift's `String ==` would merge "é" and "e" + U+0301).
struct ByteTable: Sendable {
  /// Entry e's bytes are storage[starts[e] ..< starts[e + 1]].
  private(set) var storage: [UInt8] = []
  private var starts: [Int] = [0]
  /// Entry number → value (a vocabulary id).
  private(set) var values: [Int] = []
  /// Per slot, entry number + 1 in the low half and the key hash's high half above it (a
  /// probe compares keys only when those agree: one cache miss per probe, not three); 0 is
  /// empty. A power of two, at most half full.
  private var slots: [UInt64]
  /// The length in bytes of the longest key.
  private(set) var longest = 0

  init(capacity: Int) {
    var size = 16
    while size < 2 * capacity { size *= 2 }
    slots = [UInt64](repeating: 0, count: size)
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
    var key = key
    return key.withUTF8 { insert(UnsafeRawBufferPointer($0), value: value) }
  }

  @discardableResult
  mutating func insert(_ bytes: UnsafeRawBufferPointer, value: Int) -> Bool {
    let found = find(bytes)
    if case .found(let entry) = found {
      values[entry] = value
      return false
    }
    guard case .empty(let slot) = found else { return false }
    storage.append(contentsOf: bytes)
    starts.append(storage.count)
    values.append(value)
    longest = max(longest, bytes.count)
    slots[slot] = Self.slotValue(entry: values.count - 1, hash: Self.hash(bytes))
    if values.count * 2 > slots.count { grow() }
    return true
  }

  /// The entry number of the key `bytes`, or nil.
  func entry(_ bytes: UnsafeRawBufferPointer) -> Int? {
    if case .found(let entry) = find(bytes) { return entry }
    return nil
  }

  /// The entry number of `key`'s UTF-8 bytes, or nil.
  func entry(_ key: String) -> Int? {
    var key = key
    return key.withUTF8 { entry(UnsafeRawBufferPointer($0)) }
  }

  /// The value of the key `bytes`, or nil.
  func value(_ bytes: UnsafeRawBufferPointer) -> Int? { entry(bytes).map { values[$0] } }

  /// The value of `key`'s UTF-8 bytes, or nil.
  func value(_ key: String) -> Int? {
    var key = key
    return key.withUTF8 { value(UnsafeRawBufferPointer($0)) }
  }

  func value(_ bytes: [UInt8]) -> Int? { bytes.withUnsafeBytes { value($0) } }

  private enum Probe {
    case found(Int)
    case empty(Int)
  }

  private static func slotValue(entry: Int, hash: UInt64) -> UInt64 {
    hash & 0xFFFF_FFFF_0000_0000 | UInt64(UInt32(truncatingIfNeeded: entry + 1))
  }

  private func find(_ bytes: UnsafeRawBufferPointer) -> Probe {
    let mask = slots.count - 1
    let hash = Self.hash(bytes)
    let tag = hash & 0xFFFF_FFFF_0000_0000
    var slot = Int(truncatingIfNeeded: hash) & mask
    return storage.withUnsafeBytes { stored in
      slots.withUnsafeBufferPointer { slots in
        while true {
          let value = slots[slot]
          if value == 0 { return .empty(slot) }
          let entry = Int(value & 0xFFFF_FFFF) - 1
          if value & 0xFFFF_FFFF_0000_0000 == tag,
            starts[entry + 1] - starts[entry] == bytes.count,
            Self.equal(
              UnsafeRawBufferPointer(rebasing: stored[starts[entry]..<starts[entry + 1]]), bytes)
          {
            return .found(entry)
          }
          slot = (slot + 1) & mask
        }
      }
    }
  }

  /// Byte-for-byte equality of two ranges of the same length, eight bytes at a time.
  static func equal(_ a: UnsafeRawBufferPointer, _ b: UnsafeRawBufferPointer) -> Bool {
    let count = a.count
    var i = 0
    while i + 8 <= count {
      if a.loadUnaligned(fromByteOffset: i, as: UInt64.self)
        != b.loadUnaligned(fromByteOffset: i, as: UInt64.self)
      {
        return false
      }
      i += 8
    }
    while i < count {
      if a[i] != b[i] { return false }
      i += 1
    }
    return true
  }

  private mutating func grow() {
    var bigger = [UInt64](repeating: 0, count: slots.count * 2)
    let mask = bigger.count - 1
    storage.withUnsafeBytes { stored in
      for entry in 0..<values.count {
        let hash = Self.hash(UnsafeRawBufferPointer(rebasing: stored[range(entry)]))
        var slot = Int(truncatingIfNeeded: hash) & mask
        while bigger[slot] != 0 { slot = (slot + 1) & mask }
        bigger[slot] = Self.slotValue(entry: entry, hash: hash)
      }
    }
    slots = bigger
  }

  /// A 64-bit hash reading eight bytes at a time (each word mixed by a multiply and a shift,
  /// the length and a final avalanche folded in). Only the table's layout depends on it, never
  /// an id.
  static func hash(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
    let count = bytes.count
    var h: UInt64 = 0x9E37_79B9_7F4A_7C15 ^ UInt64(count)
    var i = 0
    while i + 8 <= count {
      h = (h ^ bytes.loadUnaligned(fromByteOffset: i, as: UInt64.self)) &* 0xFF51_AFD7_ED55_8CCD
      h ^= h >> 32
      i += 8
    }
    var tail: UInt64 = 0
    var shift: UInt64 = 0
    while i < count {
      tail |= UInt64(bytes[i]) << shift
      shift += 8
      i += 1
    }
    h = (h ^ tail) &* 0xC4CE_B9FE_1A85_EC53
    h ^= h >> 29
    h = h &* 0xFF51_AFD7_ED55_8CCD
    return h ^ (h >> 32)
  }
}
