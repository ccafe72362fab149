/// GPT-2's reversible map from the 256 byte values to printable characters (`bytes_to_unicode`
/// in OpenAI's encoder.py), so that BPE can work on strings without ever seeing a space or a
/// control character:
///
/// - the printable Latin-1 bytes `!`…`~`, `¡`…`¬`, `®`…`ÿ` map to themselves;
/// - the other 68 bytes (controls, space, 0x7F–0xA0, 0xAD) map to U+0100, U+0101, … in byte
///   order. So space 0x20 becomes `Ġ` (U+0120) and newline 0x0A becomes `Ċ` (U+010A).
///
/// Vocabulary keys and merge entries are written in this alphabet.
public enum ByteLevelAlphabet {
  /// `character[byte]`: the character standing for a byte.
  public static let characters: [Character] = makeTable().map { Character($0) }

  /// The byte a character stands for, or nil when it is not one of the 256.
  public static func byte(for scalar: Unicode.Scalar) -> UInt8? {
    guard scalar.value < UInt32(scalarToByte.count) else { return nil }
    let byte = scalarToByte[Int(scalar.value)]
    return byte < 0 ? nil : UInt8(byte)
  }

  /// A byte string written in the alphabet, e.g. [0x20, 0x61] → "Ġa".
  public static func encode<Bytes: Sequence<UInt8>>(_ bytes: Bytes) -> String {
    var out = String.UnicodeScalarView()
    for byte in bytes { out.append(scalars[Int(byte)]) }
    return String(out)
  }

  /// The bytes behind a string in the alphabet, or nil when a character is outside it ("€").
  /// Special tokens like `<|endoftext|>` are plain ASCII, so they decode to their own bytes.
  public static func decode<Text: StringProtocol>(_ text: Text) -> [UInt8]? {
    var bytes: [UInt8] = []
    bytes.reserveCapacity(text.utf8.count)
    for scalar in text.unicodeScalars {
      guard let byte = byte(for: scalar) else { return nil }
      bytes.append(byte)
    }
    return bytes
  }

  static let scalars: [Unicode.Scalar] = makeTable()

  /// Indexed by scalar value (all are below U+0144): the byte, or −1.
  private static let scalarToByte: [Int16] = {
    var map = [Int16](repeating: -1, count: 0x144)
    for (byte, scalar) in scalars.enumerated() { map[Int(scalar.value)] = Int16(byte) }
    return map
  }()

  private static func makeTable() -> [Unicode.Scalar] {
    let printable: [ClosedRange<UInt32>] = [0x21...0x7E, 0xA1...0xAC, 0xAE...0xFF]
    var table = [UInt32](repeating: 0, count: 256)
    var next: UInt32 = 0x100
    for byte in 0..<256 {
      if printable.contains(where: { $0.contains(UInt32(byte)) }) {
        table[byte] = UInt32(byte)
      } else {
        table[byte] = next
        next += 1
      }
    }
    // Every value is below U+0144, a valid scalar.
    return table.map { Unicode.Scalar($0) ?? "?" }
  }
}
