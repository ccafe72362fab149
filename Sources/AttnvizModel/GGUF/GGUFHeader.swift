import AttnvizFiles

/// Parses and validates a GGUF header (v2 and v3, little-endian) following ggml's `gguf.c`
/// (`gguf_init_from_file_impl`):
///
///     "GGUF"  u32 version  u64 tensor_count  u64 metadata_kv_count
///     metadata_kv_count × { gguf_string key, u32 type, value }
///     tensor_count × { gguf_string name, u32 n_dims, n_dims × u64 ne, u32 ggml_type, u64 offset }
///     padding to `general.alignment` (default 32), then the data section
///
/// Every count is checked against the bytes left before anything is allocated for it (within the
/// first `maximumHeaderBytes` of the file), every size is computed with overflow checks, and
/// tensors must lie inside the data section, aligned and without overlapping, so a hostile header
/// can neither wrap around nor ask for unbounded memory.
public struct GGUFHeader: Sendable {
  public static let defaultAlignment = 32
  /// The most of a file's start parsed as its header (`FileLimits.ggufHeader`).
  public static let maximumHeaderBytes = FileLimits.ggufHeader
  /// ggml's `GGML_MAX_DIMS`.
  static let maximumDimensions = 4

  public var version: Int
  /// Metadata keys in file order (unique).
  public var keys: [String]
  public var metadata: [String: GGUFValue]
  /// In file order; names are unique.
  public var tensors: [GGUFTensorInfo]
  public var alignment: Int
  /// Where the data section starts in the file.
  public var dataStart: Int

  public init(
    bytes: UnsafeRawBufferPointer, file: String, headerLimit: Int = maximumHeaderBytes
  ) throws {
    var reader = GGUFByteReader(bytes: bytes, file: file, limit: headerLimit)
    version = try Self.readPreamble(&reader)
    let tensorCount = try reader.integer(UInt64.self, for: "the tensor count")
    let keyCount = try reader.integer(UInt64.self, for: "the metadata count")
    // A key-value pair takes at least 8 + 4 + 1 bytes, a tensor info at least 8 + 4 + 4 + 8.
    try Self.checkCount(keyCount, each: 13, of: "metadata entries", reader)
    (keys, metadata) = try Self.readMetadata(&reader, count: Int(keyCount))
    try Self.checkCount(tensorCount, each: 24, of: "tensors", reader)
    guard tensorCount <= UInt64(FileLimits.tensors) else {
      throw reader.fail(
        "lists \(tensorCount) tensors, more than the limit of \(FileLimits.tensors) tensors a "
          + "checkpoint file may list (real models list a few thousand at most)")
    }
    alignment = try Self.alignment(in: metadata, reader)
    tensors = []
    tensors.reserveCapacity(Int(tensorCount))
    var names = Set<String>()
    for index in 0..<Int(tensorCount) {
      let info = try Self.readTensorInfo(&reader, index: index, alignment: alignment)
      guard names.insert(info.name).inserted else {
        throw reader.fail("appears twice in the tensor list", subject: "tensor \"\(info.name)\"")
      }
      tensors.append(info)
    }
    let (padded, overflow) = reader.offset.addingReportingOverflow(alignment - 1)
    dataStart = overflow ? Int.max : padded / alignment * alignment
    try Self.validateLayout(tensors, dataStart: dataStart, fileSize: bytes.count, reader)
  }

  /// The value of `key`, or nil.
  public func value(_ key: String) -> GGUFValue? { metadata[key] }

  private static func readPreamble(_ reader: inout GGUFByteReader) throws -> Int {
    try reader.require(4, for: "the magic \"GGUF\"")
    let magic = Array(reader.bytes[0..<4])
    guard magic == Array("GGUF".utf8) else {
      throw reader.fail(
        "does not start with \"GGUF\" (it starts with bytes \(magic)); it is not a GGUF file")
    }
    _ = try reader.integer(UInt32.self, for: "the magic")
    let version = try reader.integer(UInt32.self, for: "the version")
    switch version {
    case 2, 3:
      return Int(version)
    case 1:
      throw reader.fail(
        "is GGUF version 1, which attnviz does not read (versions 2 and 3); convert the model "
          + "again with a current llama.cpp")
    case _ where version.byteSwapped == 2 || version.byteSwapped == 3:
      throw reader.fail("is a big-endian GGUF file; attnviz reads little-endian GGUF only")
    default:
      throw reader.fail("has GGUF version \(version); attnviz reads versions 2 and 3")
    }
  }

  private static func checkCount(
    _ count: UInt64, each minimum: Int, of what: String, _ reader: GGUFByteReader
  ) throws {
    guard count <= UInt64(reader.remaining / minimum) else {
      throw reader.truncation(
        "claims \(count) \(what), more than its \(reader.remaining) remaining bytes can hold; "
          + "the file is truncated or corrupted")
    }
  }

  private static func readMetadata(
    _ reader: inout GGUFByteReader, count: Int
  ) throws -> ([String], [String: GGUFValue]) {
    var keys: [String] = []
    var values: [String: GGUFValue] = [:]
    for index in 0..<count {
      let key = try reader.string(for: "metadata key \(index)")
      guard values[key] == nil else {
        throw reader.fail("appears twice in the metadata", subject: "key \"\(key)\"")
      }
      values[key] = try GGUFMetadataReader.value(&reader, key: key)
      keys.append(key)
    }
    return (keys, values)
  }

  /// `general.alignment`: a u32 power of two when present, else 32.
  private static func alignment(
    in metadata: [String: GGUFValue], _ reader: GGUFByteReader
  ) throws -> Int {
    guard let value = metadata["general.alignment"] else {
      return defaultAlignment
    }
    guard case .uint(let alignment, .uint32) = value, alignment > 0,
      alignment & (alignment - 1) == 0
    else {
      throw reader.fail(
        "must be a UINT32 power of two (it is \(value.typeName) \(value))",
        subject: "key \"general.alignment\"")
    }
    return Int(alignment)
  }

  private static func readTensorInfo(
    _ reader: inout GGUFByteReader, index: Int, alignment: Int
  ) throws -> GGUFTensorInfo {
    let name = try reader.string(for: "the name of tensor \(index)")
    let subject = "tensor \"\(name)\""
    let rank = try reader.integer(UInt32.self, for: "the dimension count of \(subject)")
    guard rank >= 1, rank <= UInt32(maximumDimensions) else {
      throw reader.fail("has \(rank) dimensions; ggml allows 1 to 4", subject: subject)
    }
    var dimensions: [Int] = []
    for _ in 0..<rank {
      let size = try reader.integer(UInt64.self, for: "a dimension of \(subject)")
      guard size <= UInt64(Int.max) else {
        throw reader.fail("has a dimension of \(size), too large to exist", subject: subject)
      }
      dimensions.append(Int(size))
    }
    let typeID = try reader.integer(UInt32.self, for: "the type of \(subject)")
    guard let type = GGMLType.withID(typeID) else {
      throw reader.fail(
        "has the unknown ggml type \(typeID); attnviz reads "
          + GGMLType.readable.map(\.name).joined(separator: ", "),
        subject: subject)
    }
    let offset = try reader.integer(UInt64.self, for: "the data offset of \(subject)")
    guard offset <= UInt64(Int.max), Int(offset) % alignment == 0 else {
      throw reader.fail(
        "has data offset \(offset), which is not a multiple of the alignment \(alignment)",
        subject: subject)
    }
    let (elements, bytes) = try sizes(dimensions, type: type, subject: subject, reader)
    return GGUFTensorInfo(
      name: name, dimensions: dimensions, type: type, offset: Int(offset), byteCount: bytes,
      elementCount: elements)
  }

  /// Elements and bytes of a tensor, overflow-checked; rows must hold whole blocks.
  private static func sizes(
    _ dimensions: [Int], type: GGMLType, subject: String, _ reader: GGUFByteReader
  ) throws -> (elements: Int, bytes: Int) {
    guard dimensions[0] % type.block == 0 else {
      throw reader.fail(
        "has rows of \(dimensions[0]) elements, not a multiple of the \(type.name) block of "
          + "\(type.block)", subject: subject)
    }
    var elements = 1
    let rowBytes = (dimensions[0] / type.block).multipliedReportingOverflow(by: type.typeSize)
    var bytes = rowBytes.partialValue
    var overflow = rowBytes.overflow
    for (index, size) in dimensions.enumerated() {
      let product = elements.multipliedReportingOverflow(by: size)
      elements = product.partialValue
      overflow = overflow || product.overflow
      if index > 0 {
        let byteProduct = bytes.multipliedReportingOverflow(by: size)
        bytes = byteProduct.partialValue
        overflow = overflow || byteProduct.overflow
      }
    }
    guard !overflow else {
      throw reader.fail(
        "has dimensions \(dimensions), too large to exist", subject: subject)
    }
    return (elements, bytes)
  }

  /// Tensors lie inside the data section and do not overlap.
  private static func validateLayout(
    _ tensors: [GGUFTensorInfo], dataStart: Int, fileSize: Int, _ reader: GGUFByteReader
  ) throws {
    guard !tensors.isEmpty else { return }
    guard dataStart <= fileSize else {
      throw reader.fail(
        "is truncated: its data section would start at byte \(dataStart) but the file has "
          + "\(fileSize) bytes (download the file again)")
    }
    let dataSize = fileSize - dataStart
    var end = 0
    var previous: String?
    for tensor in tensors.sorted(by: { ($0.offset, $0.byteCount) < ($1.offset, $1.byteCount) }) {
      let subject = "tensor \"\(tensor.name)\""
      if let previous, tensor.offset < end {
        throw reader.fail(
          "begins at data byte \(tensor.offset), inside tensor \"\(previous)\" (which ends at "
            + "\(end)); the file is corrupted", subject: subject)
      }
      guard tensor.byteCount <= dataSize, tensor.offset <= dataSize - tensor.byteCount else {
        throw reader.fail(
          "needs data bytes \(tensor.offset) to \(tensor.offset) + \(tensor.byteCount) but the "
            + "file holds only \(dataSize) data bytes; the file is truncated (download it again)",
          subject: subject)
      }
      end = tensor.offset + tensor.byteCount
      previous = tensor.name
    }
  }
}
