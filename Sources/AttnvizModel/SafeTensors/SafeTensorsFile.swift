import AttnvizFiles
import AttnvizMath

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// A safetensors file, memory-mapped and validated when opened (see `SafeTensorsHeader` for the
/// rules). Tensor bytes stay in the mapping until asked for: a 90 MB model costs only the pages
/// of the tensors actually read.
///
///     let file = try SafeTensorsFile(path: "models/all-MiniLM-L6-v2/model.safetensors")
///     let wq = try file.matrix("encoder.layer.0.attention.self.query.weight",
///                              expectedShape: [384, 384])
///
/// Values come back row-major, exactly as stored: a PyTorch `Linear` weight is (out, in), the
/// transpose of attnviz's row-vector convention, and the caller transposes it.
public final class SafeTensorsFile: @unchecked Sendable {
  // @unchecked: the mapping is read-only and never changes after `init`.
  public let path: String
  private let mapping: MappedFile
  private let entries: [String: SafeTensorsEntry]
  private let dataStart: Int

  public init(path: String) throws {
    self.path = path
    do {
      mapping = try MappedFile(path: path, what: "model file")
    } catch let error as FileReadError {
      throw SafeTensorsError(file: path, reason: error.reason)
    }
    guard !mapping.bytes.isEmpty else {
      throw SafeTensorsError(
        file: path, reason: "is empty; a safetensors file starts with an 8-byte header length")
    }
    let header = try SafeTensorsHeader(file: path, bytes: mapping.bytes)
    var table: [String: SafeTensorsEntry] = [:]
    for entry in header.entries { table[entry.name] = entry }
    entries = table
    dataStart = header.dataStart
  }

  /// The file's size and its header (the 8-byte length and the JSON table), as mapped.
  public var sizeAndHeader: (size: Int, header: [UInt8]) {
    (mapping.bytes.count, Array(mapping.bytes.prefix(dataStart)))
  }

  /// Every tensor name in the file, sorted.
  public var tensorNames: [String] { entries.keys.sorted() }

  public func shape(of name: String) -> [Int]? { entries[name]?.shape }

  /// The dtype as the file spells it ("F32", "I64", …), or nil for an unknown name.
  public func dtypeName(of name: String) -> String? { entries[name]?.dtype }

  /// The tensor's values as `Float`, converted from F32, F16 or BF16, row-major.
  public func floats(_ name: String) throws -> [Float] {
    try convert(name) { $0 }
  }

  /// The values exactly as stored, infinities and NaN included (for tools and tests; the models
  /// read through `floats`, `doubles`, `matrix`, which refuse non-finite values).
  public func floatsAllowingNonFinite(_ name: String) throws -> [Float] {
    try convert(name, allowingNonFinite: true) { $0 }
  }

  /// An F32 tensor's values in place, when the machine is little-endian and the data 4-byte
  /// aligned; nil otherwise (the caller converts). Valid while this file is alive. Not checked
  /// for NaN and infinities: the engine checks every weight it reads (LayerWeights), naming it.
  public func mappedFloats(_ name: String) -> UnsafeBufferPointer<Float>? {
    #if _endian(little)
      guard let entry = entries[name], entry.dtype == "F32",
        let start = mapping.bytes.baseAddress.map({ $0 + dataStart + entry.begin }),
        Int(bitPattern: start) % MemoryLayout<Float>.alignment == 0
      else { return nil }
      let count = (entry.end - entry.begin) / 4
      return UnsafeBufferPointer(start: start.assumingMemoryBound(to: Float.self), count: count)
    #else
      return nil
    #endif
  }

  /// The tensor's values as `Double` (via the exact `Float` value), row-major.
  public func doubles(_ name: String) throws -> [Double] {
    try convert(name) { Double($0) }
  }

  /// A 2-D tensor as a `Matrix`, in the file's (rows, columns) order. Throws naming the tensor
  /// when it is missing or its shape is not `expectedShape`.
  public func matrix(_ name: String, expectedShape: [Int]) throws -> Matrix {
    precondition(expectedShape.count == 2, "a matrix has two dimensions")
    try check(name, shape: expectedShape)
    return Matrix(
      rows: expectedShape[0], columns: expectedShape[1], values: try doubles(name))
  }

  /// A 1-D tensor of `expectedLength` values.
  public func vector(_ name: String, expectedLength: Int) throws -> [Double] {
    try check(name, shape: [expectedLength])
    return try doubles(name)
  }

  /// Rows `indices` of a 2-D tensor of shape `expectedShape`, read straight from the mapping:
  /// how an embedding table is looked up without converting all of it.
  public func rows(_ name: String, _ indices: [Int], expectedShape: [Int]) throws -> Matrix {
    precondition(expectedShape.count == 2, "a matrix has two dimensions")
    try check(name, shape: expectedShape)
    let width = expectedShape[1]
    var values: [Double] = []
    values.reserveCapacity(indices.count * width)
    for index in indices {
      guard (0..<expectedShape[0]).contains(index) else {
        throw SafeTensorsError(
          file: path, tensor: name,
          reason: "has \(expectedShape[0]) rows; row \(index) does not exist")
      }
      values += try convert(name, elements: (index * width)..<((index + 1) * width)) { Double($0) }
    }
    return Matrix(rows: indices.count, columns: width, values: values)
  }

  /// Rows `indices` of a 2-D tensor as `Float`, read straight from the mapping.
  public func floatRows(_ name: String, _ indices: [Int]) throws -> [Float] {
    guard let shape = shape(of: name), shape.count == 2 else {
      throw SafeTensorsError(file: path, tensor: name, reason: "is not a 2-D table")
    }
    let width = shape[1]
    var values: [Float] = []
    values.reserveCapacity(indices.count * width)
    for index in indices {
      guard (0..<shape[0]).contains(index) else {
        throw SafeTensorsError(
          file: path, tensor: name, reason: "has \(shape[0]) rows; row \(index) does not exist")
      }
      values += try convert(name, elements: (index * width)..<((index + 1) * width)) { $0 }
    }
    return values
  }

  private func check(_ name: String, shape expected: [Int]) throws {
    guard let entry = entries[name] else { throw missing(name) }
    guard entry.shape == expected else {
      throw SafeTensorsError(
        file: path, tensor: name,
        reason: "has shape \(entry.shape) but the model needs \(expected)")
    }
  }

  private func missing(_ name: String) -> SafeTensorsError {
    SafeTensorsError(
      file: path, tensor: name,
      reason: "is not in the file (it has \(entries.count) tensors, e.g. "
        + "\(tensorNames.prefix(3).map { "\"\($0)\"" }.joined(separator: ", ")))")
  }

  private func convert<T>(
    _ name: String, elements: Range<Int>? = nil, allowingNonFinite: Bool = false,
    _ transform: (Float) -> T
  ) throws -> [T] {
    guard let entry = entries[name] else { throw missing(name) }
    guard let dtype = SafeTensorsDType(rawValue: entry.dtype) else {
      throw SafeTensorsError(
        file: path, tensor: name,
        reason: "has dtype \(entry.dtype); attnviz reads only F32, F16 and BF16 tensors")
    }
    let all = 0..<((entry.end - entry.begin) / dtype.byteSize)
    let range = elements ?? all
    precondition(range.clamped(to: all) == range, "element range outside the tensor")
    let count = range.count
    // Loads are unaligned: the format aligns data only when the writer padded the header.
    let offset = dataStart + entry.begin + range.lowerBound * dtype.byteSize
    let base = mapping.bytes.baseAddress.map { $0 + offset }
    guard let base, count > 0 else { return [] }
    #if _endian(little)
      // Float32 on a little-endian machine is the file's bytes: one copy, no per-element loads.
      if dtype == .f32, T.self == Float.self {
        let floats = [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
          if let target = buffer.baseAddress {
            UnsafeMutableRawPointer(target).copyMemory(from: base, byteCount: 4 * count)
          }
          initialized = count
        }
        if !allowingNonFinite, let index = floats.firstIndex(where: { !$0.isFinite }) {
          throw nonFinite(name, value: floats[index], at: range.lowerBound + index)
        }
        if let same = floats as? [T] { return same }
      }
    #endif
    // The first non-finite value, so a NaN or infinity in a checkpoint is reported at load with
    // the tensor's name, not blamed later on overflowing scores (softmax turns a NaN row into
    // zeros, which no check after it can tell from real attention).
    var firstNonFinite: (index: Int, value: Float)?
    let values = [T](unsafeUninitializedCapacity: count) { buffer, initialized in
      func store(_ value: Float, at i: Int) {
        if !value.isFinite, firstNonFinite == nil { firstNonFinite = (i, value) }
        buffer[i] = transform(value)
      }
      switch dtype {
      case .f32:
        for i in 0..<count {
          let bits = UInt32(
            littleEndian: base.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self))
          store(Float(bitPattern: bits), at: i)
        }
      case .f16:
        for i in 0..<count {
          let bits = UInt16(
            littleEndian: base.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self))
          store(floatFromHalf(bits), at: i)
        }
      case .bf16:
        for i in 0..<count {
          let bits = UInt16(
            littleEndian: base.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self))
          store(floatFromBFloat16(bits), at: i)
        }
      }
      initialized = count
    }
    if let (index, value) = firstNonFinite, !allowingNonFinite {
      throw nonFinite(name, value: value, at: range.lowerBound + index)
    }
    return values
  }

  private func nonFinite(_ name: String, value: Float, at element: Int) -> SafeTensorsError {
    SafeTensorsError(
      file: path, tensor: name,
      reason: "holds \(value.isNaN ? "NaN" : "an infinite value") at element "
        + "\(element); the checkpoint is corrupted (download it again)")
  }
}
