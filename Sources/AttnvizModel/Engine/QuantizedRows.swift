import Foundation

/// A weight matrix left in its checkpoint's storage (a GGUF tensor in any `GGMLType.readable`
/// type, in the memory-mapped file) and converted to Float32 one row at a time by the product
/// that reads it (`linear`), into a row-sized scratch buffer. Nothing the size of the matrix is
/// allocated, so decoding a token reads each quantised weight once instead of converting every
/// matrix to a fresh Float32 array, and the floats are the ones `GGMLDequantize` gives the
/// whole tensor (bit for bit: each block is converted alone, the same way).
///
/// Shapes: `rows` (out) × `columns` (in), as `WeightMatrix`. @unchecked Sendable: the bytes
/// never change, and the `WeightMatrix` holding this keeps the mapping's owner alive.
struct QuantizedRows: @unchecked Sendable {
  let type: GGMLType
  /// Row 0's first byte, in the mapping.
  let base: UnsafeRawPointer
  let rows: Int
  let columns: Int
  /// Bytes of one stored row: columns / type.block blocks.
  let rowBytes: Int
  /// The stored row of each row (llama.cpp's permutation of Q and K undone); nil: in order.
  let order: [Int]?
  /// The tensor's name (for the finiteness memo) and the memo shared by one checkpoint.
  let name: String
  let checked: CheckedTensors?

  /// Row r as Float32 into `target` (`columns` floats). Where this CPU has AVX2, the types
  /// CEngineKernels unpacks in registers are converted there, to the same floats (converting
  /// the rows is about a tenth of SmolLM2's `--format json` run either way).
  @inline(__always)
  func row(_ r: Int, into target: UnsafeMutablePointer<Float>) {
    let source = base + (order?[r] ?? r) &* rowBytes
    let blocks = columns / type.block
    if convertedByKernels(type, source, blocks: blocks, into: target) { return }
    GGMLDequantize.run(type, source: source, blocks: blocks, target: target)
  }

  /// The whole matrix as Float32, row-major (for what reads it other than `linear`: explain's
  /// steps, the contribution norms, the heads' writes).
  func floats() -> [Float] {
    [Float](unsafeUninitializedCapacity: rows * columns) { buffer, initialized in
      if let target = buffer.baseAddress {
        for r in 0..<rows { row(r, into: target + r * columns) }
      }
      initialized = rows * columns
    }
  }

  /// The first value that is not finite, as (row-major index, value), or nil when every value
  /// is finite. Each block's values are small integers times its Float16 scales (Q4_1's
  /// y = q·d + m, Q4_K's (d·scale)·q − dmin·min, …), all finite when the scales are (a Float16
  /// times at most 127 · 128 is far inside Float32). So only the scales are read, and a row is
  /// converted, to find the element, only when one of its scales is not finite.
  /// Plain float types (F32, F16, BF16) have no scales: their rows are converted and checked.
  /// A tensor found finite once is not read again (`checked`).
  func firstNonFinite() -> (index: Int, value: Float)? {
    if let checked, checked.contains(name) { return nil }
    let scales = Self.scaleOffsets(type)
    let found = withUnsafeTemporaryAllocation(of: Float.self, capacity: max(columns, 1)) {
      scratch -> (index: Int, value: Float)? in
      guard let target = scratch.baseAddress else { return nil }
      for r in 0..<rows {
        if let scales, scalesFinite(row: r, offsets: scales) { continue }
        row(r, into: target)
        for c in 0..<columns where !target[c].isFinite { return (r * columns + c, target[c]) }
      }
      return nil
    }
    if found == nil { checked?.insert(name) }
    return found
  }

  /// Whether every Float16 scale of stored row `r` is finite (exponent bits not all ones).
  /// A block has one or two scales (`offsets`), the second two bytes after the first.
  private func scalesFinite(row r: Int, offsets: [Int]) -> Bool {
    let start = base + (order?[r] ?? r) &* rowBytes + offsets[0]
    let (size, blocks) = (type.typeSize, columns / type.block)
    // Both scales in one 32-bit load: a scale is not finite when its five exponent bits are
    // all ones; the bits of a scale a type does not have are masked out.
    let mask: UInt32 = offsets.count == 2 ? 0x7C00_7C00 : 0x0000_7C00
    assert(offsets.count == 1 || offsets == [offsets[0], offsets[0] + 2])
    var found: UInt32 = 0
    for b in 0..<blocks {
      let pair =
        offsets.count == 2
        ? UInt32(littleEndian: start.loadUnaligned(fromByteOffset: b &* size, as: UInt32.self))
        : UInt32(
          UInt16(littleEndian: start.loadUnaligned(fromByteOffset: b &* size, as: UInt16.self)))
      let exponents = pair & mask
      found |= (exponents & 0x7C00 == 0x7C00 ? 1 : 0) | (exponents >> 16 == 0x7C00 ? 1 : 0)
    }
    return found == 0
  }

  /// Byte offsets of each block's Float16 scales (ggml-quants.h's block structs), nil for the
  /// plain float types.
  static func scaleOffsets(_ type: GGMLType) -> [Int]? {
    switch type.id {
    case GGMLType.q80.id, GGMLType.q40.id, GGMLType.q50.id, GGMLType.iq4NL.id,
      GGMLType.iq4XS.id:
      return [0]
    case GGMLType.q41.id, GGMLType.q51.id, GGMLType.q4K.id, GGMLType.q5K.id: return [0, 2]
    case GGMLType.q6K.id: return [208]
    case GGMLType.q2K.id: return [80, 82]
    case GGMLType.q3K.id: return [108]
    default: return nil
    }
  }
}

/// Names of the tensors of one checkpoint already found finite, so that a tensor read at every
/// decoding step is checked once. @unchecked Sendable: used under the lock.
final class CheckedTensors: @unchecked Sendable {
  private var names: Set<String> = []
  private let lock = NSLock()

  func contains(_ name: String) -> Bool {
    lock.lock()
    defer { lock.unlock() }
    return names.contains(name)
  }

  func insert(_ name: String) {
    lock.lock()
    defer { lock.unlock() }
    names.insert(name)
  }
}
