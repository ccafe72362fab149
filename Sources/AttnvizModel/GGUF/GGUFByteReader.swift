/// A cursor over the bytes of a GGUF file that never reads past the end: each read checks the
/// bytes left first and throws a "truncated" error naming what it was reading.
struct GGUFByteReader {
  let bytes: UnsafeRawBufferPointer
  let file: String
  private(set) var offset = 0

  init(bytes: UnsafeRawBufferPointer, file: String) {
    self.bytes = bytes
    self.file = file
  }

  var remaining: Int { bytes.count - offset }

  func fail(_ reason: String, subject: String? = nil) -> GGUFError {
    GGUFError(file: file, subject: subject, reason: reason)
  }

  mutating func require(_ count: Int, for what: String) throws {
    guard count <= remaining else {
      throw fail(
        "is truncated: \(what) at byte \(offset) needs \(count) bytes but only \(remaining) "
          + "remain (download the file again)")
    }
  }

  mutating func integer<T: FixedWidthInteger>(_: T.Type, for what: String) throws -> T {
    try require(MemoryLayout<T>.size, for: what)
    let value = T(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: T.self))
    offset += MemoryLayout<T>.size
    return value
  }

  /// A `gguf_string`: a u64 length and that many UTF-8 bytes (invalid sequences become U+FFFD).
  mutating func string(for what: String) throws -> String {
    let length = try integer(UInt64.self, for: "the length of \(what)")
    guard length <= UInt64(remaining) else {
      throw fail(
        "is truncated or corrupted: \(what) at byte \(offset) claims \(length) bytes but only "
          + "\(remaining) remain")
    }
    let count = Int(length)
    let text = String(
      decoding: UnsafeRawBufferPointer(rebasing: bytes[offset..<offset + count]),
      as: UTF8.self)
    offset += count
    return text
  }

}
