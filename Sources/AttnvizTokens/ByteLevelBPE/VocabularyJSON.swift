import AttnvizFiles

/// vocab.json: a flat JSON object from strings to whole numbers, read by the one JSON parser
/// (`JSONValue`: repeated keys and bad syntax refused with the line).
///
/// Keys are mapped through `ByteLevelAlphabet` to the bytes they stand for; a key with a
/// character outside the alphabet cannot come out of BPE and is counted but not stored.
struct VocabularyJSON {
  /// Token bytes → id.
  var ids: [ByteKey: Int] = [:]
  /// Every entry, including those outside the alphabet.
  var count = 0
  var largestID = 0

  enum Failure: Error {
    case json(JSONProblem)
    case notAnObject
    case badID(line: Int, key: String)
  }

  init() {}

  init(_ bytes: [UInt8]) throws(Failure) {
    let root: JSONValue
    do {
      root = try JSONValue(parsing: bytes)
    } catch {
      throw .json(error)
    }
    guard let members = root.object else { throw .notAnObject }
    ids.reserveCapacity(members.count)
    for member in members {
      guard let id = member.value.int, id >= 0, id < 1 << 31 else {
        throw .badID(line: member.line, key: member.key)
      }
      if let key = ByteLevelAlphabet.decode(member.key) { ids[ByteKey(key)] = id }
      count += 1
      largestID = max(largestID, id)
    }
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
