import AttnvizFiles
import Foundation

/// One tensor as the header describes it. Offsets are relative to the start of the data area
/// (the byte after the header), as in the format.
struct SafeTensorsEntry: Sendable {
  var name: String
  var dtype: String
  var elementSize: Int
  var shape: [Int]
  var begin: Int
  var end: Int
}

/// Parses and validates a safetensors header, following huggingface/safetensors
/// `SafeTensors::read_metadata` and `Metadata::validate`:
///
///     bytes 0..<8        N, little-endian u64; at most 100 MB and inside the file
///     bytes 8..<8+N      a JSON object: {"name": {"dtype", "shape", "data_offsets": [b, e]}, …}
///                        plus an optional "__metadata__" object
///     bytes 8+N..<end    the data; tensors sorted by offset tile it exactly from 0 to its end,
///                        and each covers shape.product × dtype size bytes
///
/// Every size is computed with overflow checks, so a hostile header cannot wrap around.
struct SafeTensorsHeader {
  /// The format's own limit (`MAX_HEADER_SIZE` in safetensors).
  static let maximumHeaderLength = FileLimits.safeTensorsHeader

  let file: String
  /// Sorted by offset.
  var entries: [SafeTensorsEntry] = []
  /// Where the data area starts in the file: 8 + N.
  var dataStart = 0

  init(file: String, bytes: UnsafeRawBufferPointer) throws {
    self.file = file
    let fileSize = bytes.count
    guard fileSize >= 8 else {
      throw fail(
        "is \(fileSize) bytes long; a safetensors file starts with an 8-byte header length")
    }
    var length: UInt64 = 0
    for i in (0..<8).reversed() { length = length << 8 | UInt64(bytes[i]) }
    guard length <= UInt64(Self.maximumHeaderLength) else {
      throw fail(
        "declares a \(length)-byte header, more than the format's limit of "
          + "\(Self.maximumHeaderLength); this is not a safetensors file or it is corrupted")
    }
    let headerLength = Int(length)
    guard headerLength <= fileSize - 8 else {
      throw fail(
        "declares a \(headerLength)-byte header but holds only \(fileSize - 8) bytes after the "
          + "length; the file is truncated or not a safetensors file")
    }
    dataStart = 8 + headerLength
    entries = try parseEntries([UInt8](bytes[8..<dataStart]))
    try validateLayout(dataSize: fileSize - dataStart)
  }

  func fail(_ reason: String, tensor: String? = nil) -> SafeTensorsError {
    SafeTensorsError(file: file, tensor: tensor, reason: reason)
  }

  private func parseEntries(_ json: [UInt8]) throws -> [SafeTensorsEntry] {
    // The one strict parser: two tensors of one name would leave one silently unread.
    let root: JSONValue
    do {
      root = try JSONValue(parsing: json)
    } catch .syntax {
      throw fail(
        "has a header that is not a JSON object (the file is corrupted or not safetensors)")
    } catch {
      throw fail("has a header that \(error)")
    }
    guard let members = root.object else {
      throw fail(
        "has a header that is not a JSON object (the file is corrupted or not safetensors)")
    }
    let tensorCount = members.count - (root["__metadata__"] == nil ? 0 : 1)
    guard tensorCount <= FileLimits.tensors else {
      throw fail(
        "lists \(tensorCount) tensors, more than the limit of \(FileLimits.tensors) tensors a "
          + "checkpoint file may list (real models list a few thousand at most)")
    }
    var entries: [SafeTensorsEntry] = []
    // In name order, so that a header with several faults always reports the same one.
    for member in members.sorted(by: { $0.key < $1.key }) {
      if member.key == "__metadata__" {
        guard let metadata = member.value.object, metadata.allSatisfy({ $0.value.string != nil })
        else { throw fail("\"__metadata__\" must be an object of strings") }
        continue
      }
      entries.append(try entry(named: member.key, from: member.value))
    }
    return entries.sorted { ($0.begin, $0.end, $0.name) < ($1.begin, $1.end, $1.name) }
  }

  private func entry(named name: String, from fields: JSONValue) throws -> SafeTensorsEntry {
    guard fields.object != nil else {
      throw fail("must be an object with dtype, shape and data_offsets", tensor: name)
    }
    guard let dtype = fields["dtype"]?.string else {
      throw fail("has no \"dtype\" string", tensor: name)
    }
    guard let size = safeTensorsElementSizes[dtype] else {
      let known = safeTensorsElementSizes.keys.sorted().joined(separator: ", ")
      throw fail(
        "has the unknown dtype \"\(dtype)\" (safetensors dtypes: \(known))", tensor: name)
    }
    guard let shape = integers(fields["shape"]), shape.allSatisfy({ $0 >= 0 }) else {
      throw fail("needs \"shape\" as a list of non-negative integers", tensor: name)
    }
    guard let offsets = integers(fields["data_offsets"]),
      offsets.count == 2, offsets[0] >= 0, offsets[0] <= offsets[1]
    else {
      throw fail("needs \"data_offsets\" as [begin, end] with 0 ≤ begin ≤ end", tensor: name)
    }
    return SafeTensorsEntry(
      name: name, dtype: dtype, elementSize: size, shape: shape, begin: offsets[0],
      end: offsets[1])
  }

  /// A list of whole numbers, or nil.
  private func integers(_ value: JSONValue?) -> [Int]? {
    guard let items = value?.array else { return nil }
    let numbers = items.compactMap(\.int)
    return numbers.count == items.count ? numbers : nil
  }

  /// Tensors must tile the data area: each starts where the previous ended, the sizes agree with
  /// shape and dtype, and the last ends at the end of the file.
  private func validateLayout(dataSize: Int) throws {
    var expectedBegin = 0
    var previous: String?
    for entry in entries {
      if entry.begin != expectedBegin {
        let after = previous.map { "the previous tensor \"\($0)\" ends" } ?? "the data starts"
        let problem = entry.begin < expectedBegin ? "overlaps it" : "leaves a gap"
        throw fail(
          "begins at data byte \(entry.begin) but \(after) at \(expectedBegin): it \(problem)",
          tensor: entry.name)
      }
      let bytes = try byteCount(of: entry)
      guard entry.end - entry.begin == bytes else {
        throw fail(
          "has shape \(entry.shape) of \(entry.dtype) (\(bytes) bytes) but data_offsets "
            + "[\(entry.begin), \(entry.end)] cover \(entry.end - entry.begin) bytes",
          tensor: entry.name)
      }
      guard entry.end <= dataSize else {
        throw fail(
          "ends at data byte \(entry.end) but the file holds only \(dataSize) data bytes; "
            + "the file is truncated (download it again)",
          tensor: entry.name)
      }
      expectedBegin = entry.end
      previous = entry.name
    }
    guard expectedBegin == dataSize else {
      throw fail(
        "has \(dataSize - expectedBegin) bytes after the last tensor that no tensor describes")
    }
  }

  private func byteCount(of entry: SafeTensorsEntry) throws -> Int {
    var count = entry.elementSize
    for dimension in entry.shape {
      let (product, overflow) = count.multipliedReportingOverflow(by: dimension)
      guard !overflow else {
        throw fail("has shape \(entry.shape), too large to exist", tensor: entry.name)
      }
      count = product
    }
    return count
  }
}
