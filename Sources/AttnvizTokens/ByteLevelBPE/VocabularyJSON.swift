/// A reader for the one shape vocab.json has: a flat JSON object from strings to whole numbers,
/// working on bytes. GPT-2's 50 257 entries take a fraction of the time of
/// `JSONSerialization` plus bridging, and errors can name the line.
///
/// Keys are decoded (escapes included: `\"`, `\\`, `\u0120`, surrogate pairs) and mapped
/// through `ByteLevelAlphabet` to the bytes they stand for; a key with a character outside the
/// alphabet cannot come out of BPE and is counted but not stored.
struct VocabularyJSON {
  /// Token bytes → id.
  var ids: [ByteKey: Int] = [:]
  /// Every entry, including those outside the alphabet.
  var count = 0
  var largestID = 0

  enum Failure: Error {
    case syntax(line: Int, expected: String)
    case notAnObject
    case badID(line: Int, key: String)
  }

  init() {}

  init(_ bytes: [UInt8]) throws(Failure) {
    var reader = Reader(bytes: bytes)
    reader.skipSpace()
    guard reader.peek == UInt8(ascii: "{") else { throw .notAnObject }
    reader.position += 1
    reader.skipSpace()
    if reader.peek == UInt8(ascii: "}") {
      reader.position += 1
    } else {
      ids.reserveCapacity(bytes.count / 16)
      while true {
        let keyStart = reader.position
        let key = try reader.key()
        let keyEnd = reader.position
        reader.skipSpace()
        try reader.expect(UInt8(ascii: ":"), "':' after a key")
        reader.skipSpace()
        guard let id = reader.wholeNumber() else {
          throw .badID(
            line: reader.line,
            key: String(decoding: bytes[(keyStart + 1)..<(keyEnd - 1)], as: UTF8.self))
        }
        if let key { ids[ByteKey(key)] = id }
        count += 1
        largestID = max(largestID, id)
        reader.skipSpace()
        if reader.peek == UInt8(ascii: ",") {
          reader.position += 1
          reader.skipSpace()
          continue
        }
        try reader.expect(UInt8(ascii: "}"), "',' or '}' after an entry")
        break
      }
    }
    reader.skipSpace()
    guard reader.peek == nil else {
      throw .syntax(line: reader.line, expected: "nothing after '}'")
    }
  }

  struct Reader {
    let bytes: [UInt8]
    var position = 0
    var line = 1

    var peek: UInt8? { position < bytes.count ? bytes[position] : nil }

    mutating func next() -> UInt8? {
      guard position < bytes.count else { return nil }
      defer { position += 1 }
      return bytes[position]
    }

    mutating func skipSpace() {
      while let b = peek, b == 0x20 || b == 0x0A || b == 0x0D || b == 0x09 {
        if b == 0x0A { line += 1 }
        position += 1
      }
    }

    mutating func expect(_ byte: UInt8, _ what: String) throws(Failure) {
      guard peek == byte else { throw .syntax(line: line, expected: what) }
      position += 1
    }

    /// A JSON number that is a whole number from 0 to 10¹⁵, or nil (leaving the position).
    mutating func wholeNumber() -> Int? {
      var value = 0
      var digits = 0
      while let b = peek, (0x30...0x39).contains(b), digits < 16 {
        value = value * 10 + Int(b - 0x30)
        digits += 1
        position += 1
      }
      guard digits > 0 else { return nil }
      if let b = peek,
        b == UInt8(ascii: ".") || b == UInt8(ascii: "e") || b == UInt8(ascii: "E")
          || (0x30...0x39).contains(b)
      {
        return nil
      }
      return value
    }

    /// A string key as alphabet bytes, or nil when a character is outside the alphabet.
    mutating func key() throws(Failure) -> [UInt8]? {
      try expect(UInt8(ascii: "\""), "a string key in double quotes")
      var out: [UInt8] = []
      var inAlphabet = true
      while true {
        guard let scalar = try character() else { return inAlphabet ? out : nil }
        if let byte = ByteLevelAlphabet.byte(for: scalar) {
          out.append(byte)
        } else {
          inAlphabet = false
        }
      }
    }

    /// The next character of a string, or nil at its closing quote.
    mutating func character() throws(Failure) -> Unicode.Scalar? {
      guard let b = next() else { throw .syntax(line: line, expected: "a closing '\"'") }
      switch b {
      case UInt8(ascii: "\""): return nil
      case UInt8(ascii: "\\"): return try escape()
      case 0x00..<0x20: throw .syntax(line: line, expected: "no control characters in a string")
      case 0x20..<0x80: return Unicode.Scalar(b)
      default:
        position -= 1
        guard let (scalar, length) = decodeUTF8(bytes, at: position) else {
          throw .syntax(line: line, expected: "UTF-8 text")
        }
        position += length
        return scalar
      }
    }

    mutating func escape() throws(Failure) -> Unicode.Scalar {
      guard let b = next() else { throw .syntax(line: line, expected: "an escape after '\\'") }
      switch b {
      case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): return Unicode.Scalar(b)
      case UInt8(ascii: "b"): return "\u{08}"
      case UInt8(ascii: "f"): return "\u{0C}"
      case UInt8(ascii: "n"): return "\n"
      case UInt8(ascii: "r"): return "\r"
      case UInt8(ascii: "t"): return "\t"
      case UInt8(ascii: "u"):
        let unit = try hex4()
        if (0xD800...0xDBFF).contains(unit) {
          // A UTF-16 surrogate pair: \uD83D\uDE00.
          guard next() == UInt8(ascii: "\\"), next() == UInt8(ascii: "u") else {
            throw .syntax(line: line, expected: "a low surrogate after \\u\(unit)")
          }
          let low = try hex4()
          guard (0xDC00...0xDFFF).contains(low),
            let scalar = Unicode.Scalar(0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00))
          else { throw .syntax(line: line, expected: "a low surrogate") }
          return scalar
        }
        guard let scalar = Unicode.Scalar(unit) else {
          throw .syntax(line: line, expected: "no unpaired surrogate")
        }
        return scalar
      default:
        throw .syntax(line: line, expected: "a valid escape (\\\", \\\\, \\n, \\u0120, …)")
      }
    }

    mutating func hex4() throws(Failure) -> UInt32 {
      var value: UInt32 = 0
      for _ in 0..<4 {
        guard let b = next(), let digit = hexValue(b) else {
          throw .syntax(line: line, expected: "four hex digits after \\u")
        }
        value = value << 4 | digit
      }
      return value
    }
  }
}

func hexValue(_ b: UInt8) -> UInt32? {
  switch b {
  case 0x30...0x39: UInt32(b - 0x30)
  case 0x41...0x46: UInt32(b - 0x41 + 10)
  case 0x61...0x66: UInt32(b - 0x61 + 10)
  default: nil
  }
}

/// One well-formed UTF-8 sequence at `start` (Unicode Table 3-7: no overlongs, no surrogates,
/// nothing above U+10FFFF) and its length, or nil.
func decodeUTF8<Bytes: RandomAccessCollection<UInt8>>(_ bytes: Bytes, at start: Bytes.Index)
  -> (Unicode.Scalar, Int)?
{
  let lead = bytes[start]
  let length: Int
  var secondRange: ClosedRange<UInt8> = 0x80...0xBF
  var value: UInt32
  switch lead {
  case 0x00...0x7F: return (Unicode.Scalar(lead), 1)
  case 0xC2...0xDF:
    length = 2
    value = UInt32(lead & 0x1F)
  case 0xE0:
    length = 3
    value = 0
    secondRange = 0xA0...0xBF
  case 0xE1...0xEC, 0xEE...0xEF:
    length = 3
    value = UInt32(lead & 0x0F)
  case 0xED:
    length = 3
    value = 0x0D
    secondRange = 0x80...0x9F
  case 0xF0:
    length = 4
    value = 0
    secondRange = 0x90...0xBF
  case 0xF1...0xF3:
    length = 4
    value = UInt32(lead & 0x07)
  case 0xF4:
    length = 4
    value = 4
    secondRange = 0x80...0x8F
  default: return nil
  }
  guard bytes.distance(from: start, to: bytes.endIndex) >= length else { return nil }
  for k in 1..<length {
    let byte = bytes[bytes.index(start, offsetBy: k)]
    guard (k == 1 ? secondRange : 0x80...0xBF).contains(byte) else { return nil }
    value = value << 6 | UInt32(byte & 0x3F)
  }
  guard let scalar = Unicode.Scalar(value) else { return nil }
  return (scalar, length)
}
