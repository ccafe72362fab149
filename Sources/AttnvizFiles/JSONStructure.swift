/// A pass over JSON bytes that checks what `JSONSerialization` lets through or fails on badly,
/// before it parses them:
///
/// - a key repeated in one object (JSON parsers keep one of the two silently; in a weights file
///   or a config that hides a mistake), reported with the key and its line;
/// - nesting deeper than `maximumDepth` (a recursive parser can exhaust its stack);
/// - the top-level value's type, so "a JSON array, not an object" can be said.
///
/// It validates structure only as far as it needs to: strings, objects and arrays are followed
/// exactly; numbers and literals are skipped as runs of bytes (the real parser judges them).
public struct JSONStructure: Sendable {
  public enum Problem: Error, Equatable, Sendable, CustomStringConvertible {
    case duplicateKey(String, line: Int)
    case tooDeep(limit: Int, line: Int)
    case syntax(line: Int)

    public var description: String {
      switch self {
      case .duplicateKey(let key, let line):
        "repeats the key \"\(key)\" on line \(line) (each key may appear once in an object)"
      case .tooDeep(let limit, let line):
        "nests arrays and objects deeper than \(limit) levels (line \(line))"
      case .syntax(let line): "is not valid JSON (line \(line))"
      }
    }
  }

  public enum TopLevel: Equatable, Sendable {
    case object, array, string, number, literal, empty
  }

  public static let defaultMaximumDepth = 64

  /// The type of the top-level value.
  public let topLevel: TopLevel

  public init(_ bytes: [UInt8], maximumDepth: Int = defaultMaximumDepth) throws {
    var scanner = Scanner(bytes: bytes, maximumDepth: maximumDepth)
    topLevel = try scanner.document()
  }
}

private struct Scanner {
  let bytes: [UInt8]
  let maximumDepth: Int
  var index = 0
  var line = 1

  init(bytes: [UInt8], maximumDepth: Int) {
    self.bytes = bytes
    self.maximumDepth = maximumDepth
    if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { index = 3 }
  }

  /// One frame per open container: the keys seen so far (objects) and what comes next.
  struct Frame {
    var isObject: Bool
    var keys: Set<[UInt8]> = []
    var count = 0
  }

  mutating func document() throws -> JSONStructure.TopLevel {
    skipSpace()
    guard index < bytes.count else { return .empty }
    let top: JSONStructure.TopLevel =
      switch bytes[index] {
      case UInt8(ascii: "{"): .object
      case UInt8(ascii: "["): .array
      case UInt8(ascii: "\""): .string
      case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): .number
      default: .literal
      }
    try value()
    skipSpace()
    guard index == bytes.count else { throw JSONStructure.Problem.syntax(line: line) }
    return top
  }

  /// Walks one value with an explicit stack, so depth costs no recursion.
  mutating func value() throws {
    var stack: [Frame] = []
    var expectValue = true
    while true {
      skipSpace()
      guard index < bytes.count else { throw JSONStructure.Problem.syntax(line: line) }
      if expectValue {
        switch bytes[index] {
        case UInt8(ascii: "{"), UInt8(ascii: "["):
          guard stack.count < maximumDepth else {
            throw JSONStructure.Problem.tooDeep(limit: maximumDepth, line: line)
          }
          let isObject = bytes[index] == UInt8(ascii: "{")
          stack.append(Frame(isObject: isObject))
          index += 1
          skipSpace()
          let close = UInt8(ascii: isObject ? "}" : "]")
          if index < bytes.count, bytes[index] == close {
            index += 1
            stack.removeLast()
            expectValue = false
          } else if isObject {
            try key(into: &stack[stack.count - 1])
          }
          if stack.isEmpty { return }
          continue
        case UInt8(ascii: "\""):
          _ = try string()
        default:
          try scalar()
        }
        expectValue = false
        if stack.isEmpty { return }
        continue
      }
      // After a value inside a container: a comma or the container's end.
      guard var frame = stack.popLast() else { return }
      frame.count += 1
      let byte = bytes[index]
      index += 1
      if byte == UInt8(ascii: ",") {
        if frame.isObject { try key(into: &frame) }
        stack.append(frame)
        expectValue = true
      } else if byte == UInt8(ascii: frame.isObject ? "}" : "]") {
        if stack.isEmpty { return }
      } else {
        throw JSONStructure.Problem.syntax(line: line)
      }
    }
  }

  /// `"key" :` — remembers the key and refuses a repeat.
  mutating func key(into frame: inout Frame) throws {
    skipSpace()
    guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else {
      throw JSONStructure.Problem.syntax(line: line)
    }
    let keyLine = line
    let key = try string()
    guard frame.keys.insert(key).inserted else {
      throw JSONStructure.Problem.duplicateKey(String(decoding: key, as: UTF8.self), line: keyLine)
    }
    skipSpace()
    guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else {
      throw JSONStructure.Problem.syntax(line: line)
    }
    index += 1
  }

  /// A string's contents as UTF-8 with escapes resolved (so "a" and "\u0061" are one key).
  mutating func string() throws -> [UInt8] {
    index += 1  // the opening quote
    var out: [UInt8] = []
    while index < bytes.count {
      let byte = bytes[index]
      index += 1
      switch byte {
      case UInt8(ascii: "\""):
        return out
      case UInt8(ascii: "\\"):
        guard index < bytes.count else { throw JSONStructure.Problem.syntax(line: line) }
        let escape = bytes[index]
        index += 1
        switch escape {
        case UInt8(ascii: "u"):
          out += try unicodeEscape()
        case UInt8(ascii: "n"): out.append(0x0A)
        case UInt8(ascii: "t"): out.append(0x09)
        case UInt8(ascii: "r"): out.append(0x0D)
        case UInt8(ascii: "b"): out.append(0x08)
        case UInt8(ascii: "f"): out.append(0x0C)
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(escape)
        default: throw JSONStructure.Problem.syntax(line: line)
        }
      case 0x0A:
        throw JSONStructure.Problem.syntax(line: line)
      default:
        out.append(byte)
      }
    }
    throw JSONStructure.Problem.syntax(line: line)
  }

  /// `\uXXXX` (and a following low surrogate) as UTF-8; a lone surrogate becomes U+FFFD.
  mutating func unicodeEscape() throws -> [UInt8] {
    var unit = try hex4()
    if (0xD800...0xDBFF).contains(unit), index + 1 < bytes.count,
      bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u")
    {
      index += 2
      let low = try hex4()
      if (0xDC00...0xDFFF).contains(low) {
        unit = 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00)
      } else {
        unit = 0xFFFD
      }
    }
    let scalar = Unicode.Scalar(unit) ?? "\u{FFFD}"
    return Array(String(Character(scalar)).utf8)
  }

  mutating func hex4() throws -> UInt32 {
    guard index + 4 <= bytes.count else { throw JSONStructure.Problem.syntax(line: line) }
    var value: UInt32 = 0
    for _ in 0..<4 {
      guard let digit = hexDigit(bytes[index]) else {
        throw JSONStructure.Problem.syntax(line: line)
      }
      value = value << 4 | digit
      index += 1
    }
    return value
  }

  func hexDigit(_ byte: UInt8) -> UInt32? {
    switch byte {
    case UInt8(ascii: "0")...UInt8(ascii: "9"): UInt32(byte - UInt8(ascii: "0"))
    case UInt8(ascii: "a")...UInt8(ascii: "f"): UInt32(byte - UInt8(ascii: "a") + 10)
    case UInt8(ascii: "A")...UInt8(ascii: "F"): UInt32(byte - UInt8(ascii: "A") + 10)
    default: nil
    }
  }

  /// A number or a literal: a run of bytes up to the next delimiter.
  mutating func scalar() throws {
    let start = index
    while index < bytes.count {
      switch bytes[index] {
      case UInt8(ascii: ","), UInt8(ascii: "]"), UInt8(ascii: "}"), 0x20, 0x09, 0x0A, 0x0D:
        guard index > start else { throw JSONStructure.Problem.syntax(line: line) }
        return
      case UInt8(ascii: "{"), UInt8(ascii: "["), UInt8(ascii: "\""), UInt8(ascii: ":"):
        throw JSONStructure.Problem.syntax(line: line)
      default:
        index += 1
      }
    }
    guard index > start else { throw JSONStructure.Problem.syntax(line: line) }
  }

  mutating func skipSpace() {
    while index < bytes.count {
      switch bytes[index] {
      case 0x0A: line += 1
      case 0x20, 0x09, 0x0D: break
      default: return
      }
      index += 1
    }
  }
}
