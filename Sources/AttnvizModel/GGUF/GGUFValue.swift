/// One metadata value of a GGUF file (`gguf_type`): a number, a bool, a string, or an array of
/// one of those. Arrays of arrays are allowed by the format but written by no converter; the
/// reader refuses them, which keeps its memory bounded by the file's size.
public enum GGUFValue: Sendable, Equatable {
  case uint(UInt64, type: GGUFValueType)
  case int(Int64, type: GGUFValueType)
  case float(Double, type: GGUFValueType)
  case bool(Bool)
  case string(String)
  case array(GGUFArray)

  /// Any integer type, when it fits an `Int`.
  public var intValue: Int? {
    switch self {
    case .uint(let value, _): value <= UInt64(Int.max) ? Int(value) : nil
    case .int(let value, _): Int(exactly: value)
    default: nil
    }
  }

  /// A float of either width, or an integer (llama.cpp writes some hyper-parameters as either).
  public var doubleValue: Double? {
    switch self {
    case .float(let value, _): value
    case .uint(let value, _): Double(value)
    case .int(let value, _): Double(value)
    default: nil
    }
  }

  public var boolValue: Bool? {
    if case .bool(let value) = self { return value }
    return nil
  }

  public var stringValue: String? {
    if case .string(let value) = self { return value }
    return nil
  }

  public var arrayValue: GGUFArray? {
    if case .array(let value) = self { return value }
    return nil
  }

  /// The type name as the format's specification spells it, for messages.
  public var typeName: String {
    switch self {
    case .uint(_, let type), .int(_, let type), .float(_, let type): type.name
    case .bool: GGUFValueType.bool.name
    case .string: GGUFValueType.string.name
    case .array(let array): "array of \(array.elementType.name)"
    }
  }
}

/// An array value, kept in the narrowest Swift form of its element type.
public enum GGUFArray: Sendable, Equatable {
  case uints([UInt64], type: GGUFValueType)
  case ints([Int64], type: GGUFValueType)
  case floats([Double], type: GGUFValueType)
  case bools([Bool])
  case strings([String])

  public var count: Int {
    switch self {
    case .uints(let values, _): values.count
    case .ints(let values, _): values.count
    case .floats(let values, _): values.count
    case .bools(let values): values.count
    case .strings(let values): values.count
    }
  }

  public var elementType: GGUFValueType {
    switch self {
    case .uints(_, let type), .ints(_, let type), .floats(_, let type): type
    case .bools: .bool
    case .strings: .string
    }
  }

  public var strings: [String]? {
    if case .strings(let values) = self { return values }
    return nil
  }

  /// Integers of any type as `Int` (nil when one does not fit).
  public var ints: [Int]? {
    switch self {
    case .uints(let values, _):
      values.allSatisfy { $0 <= UInt64(Int.max) } ? values.map { Int($0) } : nil
    case .ints(let values, _): values.map { Int($0) }
    default: nil
    }
  }

  /// An array of `uint8` or `int8` as bytes (llama.cpp writes `precompiled_charsmap` as either).
  public var bytes: [UInt8]? {
    switch self {
    case .uints(let values, type: .uint8): values.map { UInt8(truncatingIfNeeded: $0) }
    case .ints(let values, type: .int8): values.map { UInt8(truncatingIfNeeded: $0) }
    default: nil
    }
  }

  public var floats: [Float]? {
    if case .floats(let values, _) = self { return values.map { Float($0) } }
    return nil
  }
}

/// `gguf_type`: the type tag before every metadata value.
public enum GGUFValueType: UInt32, Sendable, CaseIterable {
  case uint8 = 0
  case int8, uint16, int16, uint32, int32, float32, bool, string, array
  case uint64, int64, float64

  public var name: String {
    switch self {
    case .uint8: "UINT8"
    case .int8: "INT8"
    case .uint16: "UINT16"
    case .int16: "INT16"
    case .uint32: "UINT32"
    case .int32: "INT32"
    case .float32: "FLOAT32"
    case .bool: "BOOL"
    case .string: "STRING"
    case .array: "ARRAY"
    case .uint64: "UINT64"
    case .int64: "INT64"
    case .float64: "FLOAT64"
    }
  }

  /// Bytes a value of this type takes at the least: a string is at least its 8-byte length, an
  /// array at least its 4-byte type and 8-byte count. Used to refuse counts the file cannot hold
  /// before anything is allocated for them.
  var minimumSize: Int {
    switch self {
    case .uint8, .int8, .bool: 1
    case .uint16, .int16: 2
    case .uint32, .int32, .float32: 4
    case .uint64, .int64, .float64, .string: 8
    case .array: 12
    }
  }
}
