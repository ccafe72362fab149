import AttnvizFiles

/// A cursor over the header of a GGUF file that never reads past the end, nor past `limit`
/// bytes: each read checks the bytes left first and throws a "truncated" error naming what it
/// was reading (or, when it ran into the limit rather than the end of the file, one saying the
/// header is too large).
struct GGUFByteReader {
  /// The start of the file that may be read: all of it, or its first `limit` bytes.
  let bytes: UnsafeRawBufferPointer
  let file: String
  /// The whole file's size (larger than `bytes.count` when the limit cut it).
  let fileSize: Int
  private(set) var offset = 0

  init(bytes: UnsafeRawBufferPointer, file: String, limit: Int = Int.max) {
    self.bytes = UnsafeRawBufferPointer(rebasing: bytes[0..<min(bytes.count, max(0, limit))])
    self.file = file
    fileSize = bytes.count
  }

  var remaining: Int { bytes.count - offset }

  func fail(_ reason: String, subject: String? = nil) -> GGUFError {
    GGUFError(file: file, subject: subject, reason: reason)
  }

  /// `reason` (a "truncated" message), unless the read ran into the limit, not the file's end.
  func truncation(_ reason: String, subject: String? = nil) -> GGUFError {
    guard fileSize > bytes.count else { return fail(reason, subject: subject) }
    return fail(
      "has a header (metadata and tensor table) larger than \(byteCount(bytes.count)), the most "
        + "attnviz reads (real ones are under 20 MB); the file is corrupted or not a model")
  }

  mutating func require(_ count: Int, for what: @autoclosure () -> String) throws {
    guard count <= remaining else {
      throw truncation(
        "is truncated: \(what()) at byte \(offset) needs \(count) bytes but only \(remaining) "
          + "remain (download the file again)")
    }
  }

  mutating func integer<T: FixedWidthInteger>(
    _: T.Type, for what: @autoclosure () -> String
  ) throws -> T {
    try require(MemoryLayout<T>.size, for: what())
    let value = T(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: T.self))
    offset += MemoryLayout<T>.size
    return value
  }

  /// A `gguf_string`: a u64 length and that many UTF-8 bytes (invalid sequences become U+FFFD).
  /// `what` is only spelled out for an error: a vocabulary is hundreds of thousands of strings.
  mutating func string(for what: @autoclosure () -> String) throws -> String {
    let length = try integer(UInt64.self, for: "the length of \(what())")
    guard length <= UInt64(remaining) else {
      throw truncation(
        "is truncated or corrupted: \(what()) at byte \(offset) claims \(length) bytes but only "
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
