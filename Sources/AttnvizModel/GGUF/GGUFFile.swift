import AttnvizFiles
import Foundation

/// A GGUF file (llama.cpp, Ollama, LM Studio): metadata and tensors, memory-mapped and validated
/// when opened (see `GGUFHeader`). Tensor bytes stay in the mapping until asked for, and come
/// back as Float32 however they are stored (`GGMLType.readable`).
///
///     let file = try GGUFFile(path: "SmolLM2-135M-Instruct.Q4_1.gguf")
///     file.header.value("llama.block_count")?.intValue      // 30
///     let wq = try file.floats("blk.0.attn_q.weight")         // 576 × 576, row-major
public final class GGUFFile: Sendable {
  public let path: String
  public let header: GGUFHeader
  private let storage: MappedFile
  private let index: [String: Int]
  /// Tensors already found finite (`QuantizedRows.firstNonFinite`), checked once per run.
  let checkedTensors = CheckedTensors()

  public convenience init(path: String) throws {
    let storage: MappedFile
    do {
      // No size limit: the file is mapped, not read; only its header is parsed whole
      // (`GGUFHeader.maximumHeaderBytes`) and only the tensors a run needs are converted.
      storage = try MappedFile(path: path, what: "GGUF file")
    } catch let error as FileReadError {
      throw GGUFError(file: path, reason: error.reason)
    }
    guard !storage.bytes.isEmpty else {
      throw GGUFError(file: path, reason: "is empty; a GGUF file starts with \"GGUF\"")
    }
    try self.init(storage: storage, name: path)
  }

  /// A GGUF file held in memory: the same checks as for a file on disk (tests, and
  /// `GGUFFile.fuzz`, which the FuzzGGUF target calls).
  public convenience init(bytes: [UInt8], name: String = "(in memory)") throws {
    try self.init(storage: MappedFile(copying: bytes), name: name)
  }

  private init(storage: MappedFile, name: String) throws {
    self.storage = storage
    path = name
    header = try GGUFHeader(bytes: storage.bytes, file: name)
    var index: [String: Int] = [:]
    for (position, tensor) in header.tensors.enumerated() { index[tensor.name] = position }
    self.index = index
  }

  /// Parses `bytes` and converts every tensor of a readable type (the first steps of
  /// `GGUFFile.fuzz`). Throws `GGUFError` for anything malformed; never traps, never reads
  /// outside `bytes`.
  public static func check(bytes: [UInt8]) throws {
    let file = try GGUFFile(bytes: bytes)
    for tensor in file.header.tensors where tensor.type.isReadable {
      _ = try file.floats(tensor.name)
    }
  }

  public var tensors: [GGUFTensorInfo] { header.tensors }

  /// The file's size and the SHA-256 of its first MiB (the header: metadata and tensor table).
  public var fingerprint: CheckpointFingerprint {
    let bytes = storage.bytes
    return CheckpointFingerprint(
      bytes: bytes.count, scope: .header, hashing: Array(bytes.prefix(1 << 20)))
  }

  public func tensor(_ name: String) -> GGUFTensorInfo? {
    index[name].map { header.tensors[$0] }
  }

  /// Where a tensor's bytes start in the mapping; nil for an empty tensor.
  func address(of info: GGUFTensorInfo) -> UnsafeRawPointer? {
    guard info.byteCount > 0, let base = storage.bytes.baseAddress else { return nil }
    return UnsafeRawPointer(base) + header.dataStart + info.offset
  }

  /// All of a tensor's values as Float32, row-major (ggml's memory order).
  public func floats(_ name: String) throws -> [Float] {
    let info = try readable(name)
    return try rows(of: info, 0..<info.rowCount)
  }

  /// Rows `indices` of a tensor (rows of ggml's ne[0] elements): how an embedding table is
  /// looked up without converting all of it.
  public func rows(_ name: String, _ indices: [Int]) throws -> [Float] {
    let info = try readable(name)
    var values: [Float] = []
    values.reserveCapacity(indices.count * info.rowLength)
    for row in indices {
      guard (0..<info.rowCount).contains(row) else {
        throw GGUFError(
          file: path, subject: "tensor \"\(name)\"",
          reason: "has \(info.rowCount) rows; row \(row) does not exist")
      }
      values += try rows(of: info, row..<(row + 1))
    }
    return values
  }

  private func readable(_ name: String) throws -> GGUFTensorInfo {
    guard let info = tensor(name) else {
      throw GGUFError(
        file: path, subject: "tensor \"\(name)\"",
        reason: "is not in the file (it has \(header.tensors.count) tensors, e.g. "
          + header.tensors.prefix(3).map { "\"\($0.name)\"" }.joined(separator: ", ") + ")")
    }
    guard info.type.isReadable else {
      throw GGUFError(
        file: path, subject: "tensor \"\(name)\"",
        reason: "has type \(info.type.name); attnviz reads "
          + GGMLType.readable.map(\.name).joined(separator: ", ")
          + " (convert or quantise the model to one of those)")
    }
    return info
  }

  /// Large tensors are converted in chunks on all cores; each block is converted alone, so the
  /// floats do not depend on the chunking.
  private static func dequantize(
    _ type: GGMLType, source: UnsafeRawPointer, blocks: Int, target: UnsafeMutablePointer<Float>
  ) {
    let elements = blocks * type.block
    let chunks =
      elements < 1 << 16 ? 1 : min(16, max(1, ProcessInfo.processInfo.activeProcessorCount * 2))
    guard chunks > 1 else {
      GGMLDequantize.run(type, source: source, blocks: blocks, target: target)
      return
    }
    let perChunk = (blocks + chunks - 1) / chunks
    // Sendable wrappers: each chunk writes its own disjoint range.
    let input = UInt(bitPattern: source)
    let output = UInt(bitPattern: target)
    DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
      let first = chunk * perChunk
      let count = min(perChunk, blocks - first)
      guard count > 0, let from = UnsafeRawPointer(bitPattern: input),
        let to = UnsafeMutablePointer<Float>(bitPattern: output)
      else { return }
      GGMLDequantize.run(
        type, source: from + first * type.typeSize, blocks: count, target: to + first * type.block)
    }
  }

  private func rows(of info: GGUFTensorInfo, _ range: Range<Int>) throws -> [Float] {
    let rowBytes = info.rowLength / info.type.block * info.type.typeSize
    let count = range.count * info.rowLength
    guard count > 0, let base = storage.bytes.baseAddress else { return [] }
    let source = base + header.dataStart + info.offset + range.lowerBound * rowBytes
    let blocks = count / info.type.block
    return [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
      if let target = buffer.baseAddress {
        Self.dequantize(info.type, source: source, blocks: blocks, target: target)
      }
      initialized = count
    }
  }
}
