/// A vocabulary key: a token's UTF-8 bytes, compared byte for byte (as Python and Rust compare
/// strings; Swift's `String ==` would merge "é" and "e" + U+0301) and hashed in one call over
/// the whole buffer, several times faster than `[UInt8]`'s element-by-element hash. Loading a
/// 50 000-entry vocabulary is mostly hashing.
struct ByteKey: Hashable, Sendable {
  let bytes: [UInt8]

  init(_ bytes: [UInt8]) { self.bytes = bytes }
  init<S: StringProtocol>(_ text: S) { bytes = Array(text.utf8) }

  func hash(into hasher: inout Hasher) {
    bytes.withUnsafeBytes { hasher.combine(bytes: $0) }
  }

  static func == (a: ByteKey, b: ByteKey) -> Bool { a.bytes == b.bytes }
}
