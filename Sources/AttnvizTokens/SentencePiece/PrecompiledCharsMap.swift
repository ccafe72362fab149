/// SentencePiece's precompiled normalisation rules (`NormalizerSpec.precompiled_charsmap`, and
/// tokenizer.json's `Precompiled` normaliser, which holds the same bytes in base64): a
/// little-endian u32 giving the size of a darts-clone double-array trie, the trie's u32 units,
/// then the replacement strings, each ended by a NUL byte. The trie maps a byte sequence (one
/// character, or a few for a composed sequence) to the offset of its replacement, e.g. the
/// full-width "Ａ" to "A" and "ﬁ" to "fi" under `nmt_nfkc`.
///
/// Lookups follow darts-clone's `commonPrefixSearch` and sentencepiece's `NormalizePrefix`
/// (src/normalizer.cc): the longest prefix of the input the trie holds wins. Every unit index
/// and replacement offset is checked against the blob, so a corrupted map throws instead of
/// reading out of bounds.
public struct PrecompiledCharsMap: Sendable, Equatable {
  private let units: [UInt32]
  private let replacements: [UInt8]

  public struct Corrupt: Error {
    public var reason: String
  }

  public init(_ blob: [UInt8]) throws(Corrupt) {
    guard blob.count >= 4 else {
      throw Corrupt(reason: "the precompiled character map has \(blob.count) bytes, fewer than 4")
    }
    let trieSize =
      Int(blob[0]) | Int(blob[1]) << 8 | Int(blob[2]) << 16 | Int(blob[3]) << 24
    guard trieSize % 4 == 0, trieSize > 0, trieSize <= blob.count - 4 else {
      throw Corrupt(
        reason: "the precompiled character map says its trie has \(trieSize) bytes, but "
          + "\(blob.count - 4) follow (or the size is not a multiple of 4)")
    }
    var units = [UInt32](repeating: 0, count: trieSize / 4)
    for i in units.indices {
      let o = 4 + 4 * i
      units[i] =
        UInt32(blob[o]) | UInt32(blob[o + 1]) << 8 | UInt32(blob[o + 2]) << 16
        | UInt32(blob[o + 3]) << 24
    }
    self.units = units
    replacements = Array(blob[(4 + trieSize)...])
  }

  /// The longest rule matching `input[start...]`: how many bytes it covers and what replaces
  /// them, or nil when no rule starts there.
  public func longestMatch(_ input: [UInt8], from start: Int) throws(Corrupt) -> (
    length: Int, replacement: ArraySlice<UInt8>
  )? {
    // darts-clone unit fields: has_leaf bit 8, value bits 0–30, label bits 0–7 and 31, offset
    // (unit >> 10) << ((unit & (1 << 9)) >> 6).
    func offset(_ unit: UInt32) -> Int { Int((unit >> 10) << ((unit & (1 << 9)) >> 6)) }
    var best: (length: Int, value: Int)?
    guard let root = units.first else { return nil }
    var node = offset(root)
    var i = start
    while i < input.count {
      let byte = input[i]
      node ^= Int(byte)
      guard node < units.count else { break }
      let unit = units[node]
      guard unit & ((1 << 31) | 0xFF) == UInt32(byte) else { break }
      node ^= offset(unit)
      guard node < units.count else { break }
      if (unit >> 8) & 1 == 1 {
        best = (i + 1 - start, Int(units[node] & ((1 << 31) - 1)))
      }
      i += 1
    }
    guard let best else { return nil }
    return (best.length, try replacement(at: best.value))
  }

  /// The replacement of the SHORTEST rule matching a prefix of `input` (a NUL byte ends the
  /// search), or nil: the lookup of tokenizers' `Precompiled` normaliser (`spm_precompiled`'s
  /// `transform`), whose caller replaces its whole chunk by it even when the rule covers less.
  public func shortestMatch(_ input: ArraySlice<UInt8>) throws(Corrupt) -> ArraySlice<UInt8>? {
    func offset(_ unit: UInt32) -> Int { Int((unit >> 10) << ((unit & (1 << 9)) >> 6)) }
    guard let root = units.first else { return nil }
    var node = offset(root)
    for byte in input {
      guard byte != 0 else { return nil }
      node ^= Int(byte)
      guard node < units.count else { return nil }
      let unit = units[node]
      guard unit & ((1 << 31) | 0xFF) == UInt32(byte) else { return nil }
      node ^= offset(unit)
      guard node < units.count else { return nil }
      if (unit >> 8) & 1 == 1 {
        return try replacement(at: Int(units[node] & ((1 << 31) - 1)))
      }
    }
    return nil
  }

  /// The NUL-ended replacement string at `value`.
  private func replacement(at value: Int) throws(Corrupt) -> ArraySlice<UInt8> {
    guard value < replacements.count else {
      throw Corrupt(
        reason: "a rule of the precompiled character map points at byte \(value) of "
          + "\(replacements.count) replacement bytes")
    }
    let end = replacements[value...].firstIndex(of: 0) ?? replacements.endIndex
    return replacements[value..<end]
  }
}
