/// A JSON document as values, read from bytes by a small strict parser: `tokenizer.json` is
/// read without Foundation's `JSONSerialization` so that parsing is the same on every platform,
/// bounded in depth (a hostile file cannot overflow the stack) and names the line of an error.
public indirect enum JSONValue: Sendable, Equatable {
  case null
  case bool(Bool)
  case number(Double)
  case string(String)
  case array([JSONValue])
  /// Members in file order, keys compared byte for byte (a vocabulary may hold both "é" and
  /// "e\u{301}", which Swift's `String ==` would merge).
  case object([JSONMember])

  /// Nesting deeper than this is refused; real tokenizer files nest four or five levels.
  static let maximumDepth = 64

  public struct SyntaxError: Error, Equatable {
    public var line: Int
    public var expected: String
  }

  public init(parsing bytes: [UInt8]) throws(SyntaxError) {
    var reader = JSONReader(bytes: bytes)
    reader.skipSpace()
    self = try reader.value(depth: 0)
    reader.skipSpace()
    guard reader.position == bytes.count else {
      throw SyntaxError(line: reader.line, expected: "nothing after the document")
    }
  }

  /// The member named `key` (the last one when a key is repeated).
  public subscript(key: String) -> JSONValue? {
    guard case .object(let members) = self else { return nil }
    let bytes = Array(key.utf8)
    return members.last { $0.key.utf8.elementsEqual(bytes) }?.value
  }

  public var string: String? {
    if case .string(let s) = self { return s }
    return nil
  }

  public var bool: Bool? {
    if case .bool(let b) = self { return b }
    return nil
  }

  public var array: [JSONValue]? {
    if case .array(let a) = self { return a }
    return nil
  }

  public var object: [JSONMember]? {
    if case .object(let o) = self { return o }
    return nil
  }

  public var isNull: Bool { self == .null }

  /// A whole number that fits an `Int` exactly, or nil.
  public var int: Int? {
    guard case .number(let d) = self, d.rounded() == d, abs(d) <= 9_007_199_254_740_992 else {
      return nil
    }
    return Int(d)
  }

  /// What kind of value this is, for error messages.
  var kind: String {
    switch self {
    case .null: "null"
    case .bool: "a boolean"
    case .number: "a number"
    case .string: "a string"
    case .array: "an array"
    case .object: "an object"
    }
  }
}

public struct JSONMember: Sendable, Equatable {
  public var key: String
  public var value: JSONValue
}

struct JSONReader {
  let bytes: [UInt8]
  var position = 0
  var line = 1

  typealias Failure = JSONValue.SyntaxError

  var peek: UInt8? { position < bytes.count ? bytes[position] : nil }

  func fail(_ expected: String) -> Failure { Failure(line: line, expected: expected) }

  mutating func skipSpace() {
    while let b = peek, b == 0x20 || b == 0x0A || b == 0x0D || b == 0x09 {
      if b == 0x0A { line += 1 }
      position += 1
    }
  }

  mutating func value(depth: Int) throws(Failure) -> JSONValue {
    guard depth < JSONValue.maximumDepth else {
      throw fail("at most \(JSONValue.maximumDepth) levels of nesting")
    }
    guard let b = peek else { throw fail("a value") }
    switch b {
    case UInt8(ascii: "{"): return try object(depth: depth)
    case UInt8(ascii: "["): return try array(depth: depth)
    case UInt8(ascii: "\""): return .string(try string())
    case UInt8(ascii: "t"):
      try literal("true")
      return .bool(true)
    case UInt8(ascii: "f"):
      try literal("false")
      return .bool(false)
    case UInt8(ascii: "n"):
      try literal("null")
      return .null
    default: return .number(try number())
    }
  }

  mutating func literal(_ word: String) throws(Failure) {
    let expected = Array(word.utf8)
    let count = expected.count
    guard position + count <= bytes.count,
      bytes[position..<(position + count)].elementsEqual(expected)
    else { throw fail("a value") }
    position += count
  }

  mutating func object(depth: Int) throws(Failure) -> JSONValue {
    position += 1
    var members: [JSONMember] = []
    skipSpace()
    if peek == UInt8(ascii: "}") {
      position += 1
      return .object(members)
    }
    while true {
      skipSpace()
      guard peek == UInt8(ascii: "\"") else { throw fail("a string key in double quotes") }
      let key = try string()
      skipSpace()
      guard peek == UInt8(ascii: ":") else { throw fail("':' after a key") }
      position += 1
      skipSpace()
      members.append(JSONMember(key: key, value: try value(depth: depth + 1)))
      skipSpace()
      if peek == UInt8(ascii: ",") {
        position += 1
        continue
      }
      guard peek == UInt8(ascii: "}") else { throw fail("',' or '}' after a member") }
      position += 1
      return .object(members)
    }
  }

  mutating func array(depth: Int) throws(Failure) -> JSONValue {
    position += 1
    var elements: [JSONValue] = []
    skipSpace()
    if peek == UInt8(ascii: "]") {
      position += 1
      return .array(elements)
    }
    while true {
      skipSpace()
      elements.append(try value(depth: depth + 1))
      skipSpace()
      if peek == UInt8(ascii: ",") {
        position += 1
        continue
      }
      guard peek == UInt8(ascii: "]") else { throw fail("',' or ']' after an element") }
      position += 1
      return .array(elements)
    }
  }

  /// A JSON number, by the grammar of RFC 8259.
  mutating func number() throws(Failure) -> Double {
    let start = position
    func digits() -> Int {
      var n = 0
      while let b = peek, (0x30...0x39).contains(b) {
        position += 1
        n += 1
      }
      return n
    }
    if peek == UInt8(ascii: "-") { position += 1 }
    guard digits() > 0 else { throw fail("a value") }
    if peek == UInt8(ascii: ".") {
      position += 1
      guard digits() > 0 else { throw fail("digits after '.'") }
    }
    if peek == UInt8(ascii: "e") || peek == UInt8(ascii: "E") {
      position += 1
      if peek == UInt8(ascii: "+") || peek == UInt8(ascii: "-") { position += 1 }
      guard digits() > 0 else { throw fail("digits in the exponent") }
    }
    let text = String(decoding: bytes[start..<position], as: UTF8.self)
    guard let value = Double(text), value.isFinite else { throw fail("a finite number") }
    return value
  }

  /// A string after its opening quote has been seen; escapes decoded. Runs without escapes
  /// (nearly every key of a vocabulary) are validated and copied in one step.
  mutating func string() throws(Failure) -> String {
    position += 1
    var out = ""
    var runStart = position
    func flushRun() throws(Failure) {
      guard runStart < position else { return }
      guard let run = String(validating: bytes[runStart..<position], as: UTF8.self) else {
        throw fail("UTF-8 text")
      }
      out += run
    }
    while true {
      guard position < bytes.count else { throw fail("a closing '\"'") }
      let b = bytes[position]
      switch b {
      case UInt8(ascii: "\""):
        try flushRun()
        position += 1
        return out
      case UInt8(ascii: "\\"):
        try flushRun()
        position += 1
        out.unicodeScalars.append(try escape())
        runStart = position
      case 0x00..<0x20:
        throw fail("no control characters in a string")
      default:
        position += 1
      }
    }
  }

  mutating func next() -> UInt8? {
    guard position < bytes.count else { return nil }
    defer { position += 1 }
    return bytes[position]
  }

  mutating func escape() throws(Failure) -> Unicode.Scalar {
    guard let b = next() else { throw fail("an escape after '\\'") }
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
        guard next() == UInt8(ascii: "\\"), next() == UInt8(ascii: "u") else {
          throw fail("a low surrogate after a high one")
        }
        let low = try hex4()
        guard (0xDC00...0xDFFF).contains(low),
          let scalar = Unicode.Scalar(0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00))
        else { throw fail("a low surrogate") }
        return scalar
      }
      guard let scalar = Unicode.Scalar(unit) else { throw fail("no unpaired surrogate") }
      return scalar
    default:
      throw fail("a valid escape (\\\", \\\\, \\n, \\u0120, …)")
    }
  }

  mutating func hex4() throws(Failure) -> UInt32 {
    var value: UInt32 = 0
    for _ in 0..<4 {
      guard let b = next(), let digit = hexValue(b) else { throw fail("four hex digits after \\u") }
      value = value << 4 | digit
    }
    return value
  }
}
