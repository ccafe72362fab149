/// A reader of the protocol-buffer wire format (varints, 32- and 64-bit fields, length-delimited
/// fields) over a byte slice: enough for SentencePiece's `ModelProto`, without generated code.
/// Every read checks the bytes left, so a truncated or corrupted file fails with the byte offset
/// instead of reading past the end; unknown fields are skipped by their wire type, as protobuf
/// parsers do.
struct ProtobufReader {
  enum WireType: UInt64 {
    case varint = 0
    case fixed64 = 1
    case lengthDelimited = 2
    case fixed32 = 5
  }

  /// A field's number, wire type and, for length-delimited fields, its bytes.
  struct Field {
    var number: UInt64
    var wireType: WireType
    var varint: UInt64 = 0
    var fixed32: UInt32 = 0
    var bytes: ArraySlice<UInt8> = []
  }

  struct Failure: Error {
    var reason: String
  }

  private let bytes: ArraySlice<UInt8>
  private var offset: Int

  init(_ bytes: ArraySlice<UInt8>) {
    self.bytes = bytes
    offset = bytes.startIndex
  }

  var isAtEnd: Bool { offset >= bytes.endIndex }

  /// The next field, or nil at the end of the message.
  mutating func next() throws(Failure) -> Field? {
    guard !isAtEnd else { return nil }
    let start = offset
    let key = try varint()
    let number = key >> 3
    guard number > 0, let wireType = WireType(rawValue: key & 7) else {
      throw Failure(
        reason: "byte \(start - bytes.startIndex) holds no valid protobuf field key "
          + "(wire type \(key & 7), field \(number))")
    }
    var field = Field(number: number, wireType: wireType)
    switch wireType {
    case .varint: field.varint = try varint()
    case .fixed64: try skip(8)
    case .fixed32:
      try need(4)
      field.fixed32 =
        UInt32(bytes[offset]) | UInt32(bytes[offset + 1]) << 8 | UInt32(bytes[offset + 2]) << 16
        | UInt32(bytes[offset + 3]) << 24
      offset += 4
    case .lengthDelimited:
      let length = try varint()
      guard length <= UInt64(bytes.endIndex - offset) else {
        throw Failure(
          reason: "field \(number) at byte \(start - bytes.startIndex) claims \(length) bytes but "
            + "only \(bytes.endIndex - offset) remain (truncated or not a SentencePiece model)")
      }
      field.bytes = bytes[offset..<offset + Int(length)]
      offset += Int(length)
    }
    return field
  }

  private mutating func need(_ count: Int) throws(Failure) {
    guard bytes.endIndex - offset >= count else {
      throw Failure(
        reason: "is truncated at byte \(offset - bytes.startIndex): a field needs \(count) bytes")
    }
  }

  private mutating func skip(_ count: Int) throws(Failure) {
    try need(count)
    offset += count
  }

  /// A base-128 varint of at most 10 bytes.
  private mutating func varint() throws(Failure) -> UInt64 {
    var value: UInt64 = 0
    for shift in stride(from: 0, to: 70, by: 7) {
      try need(1)
      let byte = bytes[offset]
      offset += 1
      value |= UInt64(byte & 0x7F) << UInt64(min(shift, 63))
      if byte & 0x80 == 0 { return value }
    }
    throw Failure(reason: "has a varint longer than 10 bytes at byte \(offset - bytes.startIndex)")
  }
}

extension ProtobufReader.Field {
  /// The field's bytes as UTF-8 text (invalid sequences become U+FFFD).
  var string: String { String(decoding: bytes, as: UTF8.self) }
  var float: Float { Float(bitPattern: fixed32) }
  /// An `int32` varint: negative values are sign-extended to 64 bits on the wire.
  var int32: Int { Int(Int32(truncatingIfNeeded: Int64(bitPattern: varint))) }
  var bool: Bool { varint != 0 }
}
