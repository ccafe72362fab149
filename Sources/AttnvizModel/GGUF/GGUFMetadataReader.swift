/// Reads one metadata value (after its key) from a GGUF header.
enum GGUFMetadataReader {
  static func value(_ reader: inout GGUFByteReader, key: String) throws -> GGUFValue {
    let type = try valueType(&reader, key: key)
    if type == .array {
      return .array(try array(&reader, key: key))
    }
    return try scalar(&reader, type: type, key: key)
  }

  private static func valueType(
    _ reader: inout GGUFByteReader, key: String
  ) throws -> GGUFValueType {
    let raw = try reader.integer(UInt32.self, for: "the value type of key \"\(key)\"")
    guard let type = GGUFValueType(rawValue: raw) else {
      throw reader.fail(
        "has the unknown value type \(raw) (GGUF defines 0 to 12); the file is corrupted",
        subject: "key \"\(key)\"")
    }
    return type
  }

  private static func scalar(
    _ reader: inout GGUFByteReader, type: GGUFValueType, key: String
  ) throws -> GGUFValue {
    // Spelled out only for an error: a vocabulary's scores and types are 262,144 values each.
    func what() -> String { "the value of key \"\(key)\"" }
    switch type {
    case .uint8: return .uint(UInt64(try reader.integer(UInt8.self, for: what())), type: type)
    case .uint16: return .uint(UInt64(try reader.integer(UInt16.self, for: what())), type: type)
    case .uint32: return .uint(UInt64(try reader.integer(UInt32.self, for: what())), type: type)
    case .uint64: return .uint(try reader.integer(UInt64.self, for: what()), type: type)
    case .int8: return .int(Int64(try reader.integer(Int8.self, for: what())), type: type)
    case .int16: return .int(Int64(try reader.integer(Int16.self, for: what())), type: type)
    case .int32: return .int(Int64(try reader.integer(Int32.self, for: what())), type: type)
    case .int64: return .int(try reader.integer(Int64.self, for: what()), type: type)
    case .float32:
      let bits = try reader.integer(UInt32.self, for: what())
      return .float(Double(Float(bitPattern: bits)), type: type)
    case .float64:
      return .float(Double(bitPattern: try reader.integer(UInt64.self, for: what())), type: type)
    case .bool:
      let byte = try reader.integer(UInt8.self, for: what())
      guard byte <= 1 else {
        throw reader.fail("is a BOOL of value \(byte) (not 0 or 1)", subject: "key \"\(key)\"")
      }
      return .bool(byte == 1)
    case .string: return .string(try reader.string(for: what()))
    case .array:
      throw reader.fail(
        "holds an array inside an array, which attnviz does not read",
        subject: "key \"\(key)\"")
    }
  }

  private static func array(_ reader: inout GGUFByteReader, key: String) throws -> GGUFArray {
    let type = try valueType(&reader, key: key)
    let count = try reader.integer(UInt64.self, for: "the array length of key \"\(key)\"")
    guard type != .array else {
      throw reader.fail(
        "holds arrays of arrays, which attnviz does not read",
        subject: "key \"\(key)\"")
    }
    guard count <= UInt64(reader.remaining / type.minimumSize) else {
      throw reader.truncation(
        "claims \(count) elements of \(type.name), more than the \(reader.remaining) remaining "
          + "bytes can hold; the file is truncated or corrupted", subject: "key \"\(key)\"")
    }
    let n = Int(count)
    func collect<T>(_ element: (inout GGUFByteReader) throws -> T) throws -> [T] {
      var values: [T] = []
      values.reserveCapacity(n)
      for _ in 0..<n { values.append(try element(&reader)) }
      return values
    }
    func scalar(_ r: inout GGUFByteReader) throws -> GGUFValue {
      try Self.scalar(&r, type: type, key: key)
    }
    switch type {
    case .string:
      return .strings(try collect { try $0.string(for: "an element of key \"\(key)\"") })
    case .bool:
      return .bools(try collect { try scalar(&$0).boolValue ?? false })
    case .float32, .float64:
      return .floats(try collect { try scalar(&$0).doubleValue ?? 0 }, type: type)
    case .int8, .int16, .int32, .int64:
      return .ints(
        try collect { r -> Int64 in
          if case .int(let value, _) = try scalar(&r) { return value }
          return 0
        }, type: type)
    case .uint8, .uint16, .uint32, .uint64, .array:
      return .uints(
        try collect { r -> UInt64 in
          if case .uint(let value, _) = try scalar(&r) { return value }
          return 0
        }, type: type)
    }
  }
}
