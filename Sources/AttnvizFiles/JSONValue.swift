/// A JSON document as values, read from bytes by the one strict parser every JSON file of attnviz
/// goes through (tokenizer.json, vocab.json, config.json, a safetensors header, a weights file,
/// an Ollama manifest, provenance): RFC 8259 exactly, the same on every platform (no Foundation),
/// and with the checks a lenient parser skips:
///
/// - a key repeated in one object is refused with the key and its line (parsers keep one of the
///   two silently; in a weights file or a config that hides a mistake); keys are compared byte
///   for byte after unescaping, so `"a"` and `"\u0061"` are the same key, `"é"` and `"e\u0301"`
///   are not;
/// - arrays and objects nested deeper than `maximumDepth` are refused (the parser recurses once
///   per level, so a hostile file cannot overflow the stack);
/// - every error names its line.
public indirect enum JSONValue: Sendable, Equatable {
  case null
  case bool(Bool)
  /// A number written with a fraction or an exponent, or an integer too large for `Int`.
  case number(Double)
  /// A number written as an integer that fits `Int`: kept exactly (a tensor offset or a token
  /// id above 2⁵³ is not rounded).
  case integer(Int)
  case string(String)
  case array([JSONValue])
  /// Members in file order, keys compared byte for byte (a vocabulary may hold both "é" and
  /// "e\u{301}", which Swift's `String ==` would merge).
  case object([JSONMember])

  /// Nesting deeper than this is refused; real files nest four or five levels.
  public static let maximumDepth = 64

  /// Parses a whole document (a UTF-8 byte order mark before it is skipped).
  public init(parsing bytes: [UInt8], maximumDepth: Int = maximumDepth) throws(JSONProblem) {
    var reader = JSONReader(bytes: bytes, maximumDepth: maximumDepth)
    if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { reader.position = 3 }
    reader.skipSpace()
    self = try reader.value(depth: 0)
    reader.skipSpace()
    guard reader.position == bytes.count else {
      throw reader.fail("nothing after the document")
    }
  }

  /// The member named `key`, compared byte for byte (a parsed object holds each key once).
  public subscript(key: String) -> JSONValue? {
    guard case .object(let members) = self else { return nil }
    let bytes = Array(key.utf8)
    return members.first { $0.key.utf8.elementsEqual(bytes) }?.value
  }

  /// The member named `key`, or nil when it is absent or null (the two mean "not given" in
  /// every file attnviz reads).
  public func given(_ key: String) -> JSONValue? {
    guard let value = self[key], value != .null else { return nil }
    return value
  }

  public var number: Double? {
    switch self {
    case .number(let d): d
    case .integer(let i): Double(i)
    default: nil
    }
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

  /// An array of strings only, or nil.
  public var strings: [String]? {
    guard case .array(let items) = self else { return nil }
    let strings = items.compactMap(\.string)
    return strings.count == items.count ? strings : nil
  }

  /// The value as a message quotes it: a string as it is, a number in its shortest form
  /// (`2`, `0.5`, `1e-07`), `true`, `false`, `null`, or the kind of an array or object.
  public var messageText: String {
    switch self {
    case .null: "null"
    case .bool(let b): b ? "true" : "false"
    case .integer(let i): String(i)
    case .number(let d):
      d == d.rounded() && abs(d) < 1e15 ? String(Int64(d)) : String(d)
    case .string(let s): s
    case .array, .object: kind
    }
  }

  /// A whole number that fits an `Int` exactly (`3`, or `3.0`, `3e0` up to 2⁵³), or nil.
  public var int: Int? {
    switch self {
    case .integer(let i): return i
    case .number(let d):
      guard d.rounded() == d, abs(d) <= 9_007_199_254_740_992 else { return nil }
      return Int(d)
    default: return nil
    }
  }

  /// What kind of value this is, for error messages.
  public var kind: String {
    switch self {
    case .null: "null"
    case .bool: "a boolean"
    case .number, .integer: "a number"
    case .string: "a string"
    case .array: "an array"
    case .object: "an object"
    }
  }
}

public struct JSONMember: Sendable, Equatable {
  public var key: String
  public var value: JSONValue
  /// The line of the key, for messages about the value.
  public var line: Int

  public init(key: String, value: JSONValue, line: Int = 0) {
    self.key = key
    self.value = value
    self.line = line
  }
}

/// Why bytes are not a JSON document attnviz reads, with the line.
public enum JSONProblem: Error, Equatable, Sendable, CustomStringConvertible {
  /// Not JSON: at `line` the parser needed `expected` ("a value", "',' or '}' after a member").
  case syntax(line: Int, expected: String)
  case duplicateKey(String, line: Int)
  case tooDeep(limit: Int, line: Int)

  public var description: String {
    switch self {
    case .syntax(let line, let expected):
      "is not valid JSON: line \(line) should have \(expected)"
    case .duplicateKey(let key, let line):
      "repeats the key \"\(key)\" on line \(line) (each key may appear once in an object)"
    case .tooDeep(let limit, let line):
      "nests arrays and objects deeper than \(limit) levels (line \(line))"
    }
  }
}

/// A key compared and hashed by its UTF-8 bytes, not by Swift's canonical equivalence.
private struct ByteExactKey: Hashable {
  let text: String
  static func == (a: Self, b: Self) -> Bool { a.text.utf8.elementsEqual(b.text.utf8) }
  func hash(into hasher: inout Hasher) {
    for byte in text.utf8 { hasher.combine(byte) }
  }
}

struct JSONReader {
  let bytes: [UInt8]
  let maximumDepth: Int
  var position = 0
  var line = 1

  typealias Failure = JSONProblem

  init(bytes: [UInt8], maximumDepth: Int) {
    self.bytes = bytes
    self.maximumDepth = maximumDepth
  }

  var peek: UInt8? { position < bytes.count ? bytes[position] : nil }

  func fail(_ expected: String) -> Failure { .syntax(line: line, expected: expected) }

  mutating func skipSpace() {
    while let b = peek, b == 0x20 || b == 0x0A || b == 0x0D || b == 0x09 {
      if b == 0x0A { line += 1 }
      position += 1
    }
  }

  mutating func value(depth: Int) throws(Failure) -> JSONValue {
    guard let b = peek else { throw fail("a value") }
    if b == UInt8(ascii: "{") || b == UInt8(ascii: "["), depth >= maximumDepth {
      throw .tooDeep(limit: maximumDepth, line: line)
    }
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
    default: return try number()
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
    var keys: Set<ByteExactKey> = []
    skipSpace()
    if peek == UInt8(ascii: "}") {
      position += 1
      return .object(members)
    }
    while true {
      skipSpace()
      guard peek == UInt8(ascii: "\"") else { throw fail("a string key in double quotes") }
      let keyLine = line
      let key = try string()
      guard keys.insert(ByteExactKey(text: key)).inserted else {
        throw .duplicateKey(key, line: line)
      }
      skipSpace()
      guard peek == UInt8(ascii: ":") else { throw fail("':' after a key") }
      position += 1
      skipSpace()
      members.append(JSONMember(key: key, value: try value(depth: depth + 1), line: keyLine))
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
  mutating func number() throws(Failure) -> JSONValue {
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
    var isInteger = true
    if peek == UInt8(ascii: ".") {
      isInteger = false
      position += 1
      guard digits() > 0 else { throw fail("digits after '.'") }
    }
    if peek == UInt8(ascii: "e") || peek == UInt8(ascii: "E") {
      isInteger = false
      position += 1
      if peek == UInt8(ascii: "+") || peek == UInt8(ascii: "-") { position += 1 }
      guard digits() > 0 else { throw fail("digits in the exponent") }
    }
    let text = String(decoding: bytes[start..<position], as: UTF8.self)
    if isInteger, let integer = Int(text) { return .integer(integer) }
    guard let value = Double(text), value.isFinite else {
      throw fail("a finite number, not \(text)")
    }
    return .number(value)
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

/// The value of a hexadecimal digit, or nil.
public func hexValue(_ b: UInt8) -> UInt32? {
  switch b {
  case 0x30...0x39: UInt32(b - 0x30)
  case 0x41...0x46: UInt32(b - 0x41 + 10)
  case 0x61...0x66: UInt32(b - 0x61 + 10)
  default: nil
  }
}
