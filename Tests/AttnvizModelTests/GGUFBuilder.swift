import Foundation

@testable import AttnvizModel

/// Writes GGUF bytes field by field, so each test states exactly what a file holds, including
/// headers no converter would write.
struct GGUFBuilder {
  struct Tensor {
    var name: String
    var dimensions: [UInt64]
    var type: UInt32
    var offset: UInt64
  }

  var version: UInt32 = 3
  var metadata: [(String, [UInt8])] = []
  var tensors: [Tensor] = []
  var data: [UInt8] = []
  var alignment = 32
  /// Counts written instead of the real ones, to lie about them.
  var declaredTensorCount: UInt64?
  var declaredMetadataCount: UInt64?

  static func u32(_ value: UInt32) -> [UInt8] {
    (0..<4).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) }
  }
  static func u64(_ value: UInt64) -> [UInt8] {
    (0..<8).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) }
  }
  static func string(_ text: String) -> [UInt8] { u64(UInt64(text.utf8.count)) + Array(text.utf8) }

  /// A metadata value: its type tag and bytes.
  mutating func add(_ key: String, type: UInt32, _ value: [UInt8]) {
    metadata.append((key, Self.u32(type) + value))
  }

  mutating func addString(_ key: String, _ value: String) { add(key, type: 8, Self.string(value)) }
  mutating func addUInt32(_ key: String, _ value: UInt32) { add(key, type: 4, Self.u32(value)) }

  mutating func addTensor(
    _ name: String, _ dimensions: [UInt64], type: UInt32, bytes: [UInt8], offset: UInt64? = nil
  ) {
    while data.count % alignment != 0 { data.append(0) }
    tensors.append(
      Tensor(
        name: name, dimensions: dimensions, type: type,
        offset: offset ?? UInt64(data.count)))
    data += bytes
  }

  var bytes: [UInt8] {
    var out = Array("GGUF".utf8) + Self.u32(version)
    out += Self.u64(declaredTensorCount ?? UInt64(tensors.count))
    out += Self.u64(declaredMetadataCount ?? UInt64(metadata.count))
    for (key, value) in metadata { out += Self.string(key) + value }
    for tensor in tensors {
      out += Self.string(tensor.name) + Self.u32(UInt32(tensor.dimensions.count))
      for size in tensor.dimensions { out += Self.u64(size) }
      out += Self.u32(tensor.type) + Self.u64(tensor.offset)
    }
    while out.count % alignment != 0 { out.append(0) }
    return out + data
  }
}
