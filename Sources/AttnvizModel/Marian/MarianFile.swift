import AttnvizFiles

/// A Marian binary model (`model.*.bin`, marian-dev's src/common/binary.cpp): a u64 version (1),
/// a u64 item count, one header per item (u64 name length, u64 type, u64 shape length, u64 data
/// length), the NUL-terminated names, the shapes (i32 per dimension), a u64 padding length and
/// that many bytes, then each item's data in order, exactly to the end of the file.
///
/// Item types: float32 (0x0404), int8 (0x0101, the `special:model.yml` text) and intgemm8
/// (0x4101): int8 values followed by one float32 quantisation multiplier (value = int8 /
/// multiplier). An intgemm8 matrix is the right-hand operand of a product stored transposed: the
/// item `encoder_l1_ffn_W1` of shape [256, 1536] (in, out) holds 1536 rows of 256 bytes, the
/// (out, in) layout the engine's `linear` reads; `Wemb` [vocab, dim], the right-hand operand of
/// the tied output layer, holds vocab rows of dim bytes, which are also the embedding rows.
///
/// Every length is checked against the file before it is used (overflow-safe), so a truncated or
/// corrupted file fails with the item it was reading.
public struct MarianFile: Sendable {
  public enum ItemType: UInt64, Sendable {
    case int8 = 0x0101
    case float32 = 0x0404
    case intgemm8 = 0x4101
  }

  public struct Item: Sendable {
    public var name: String
    public var type: ItemType
    public var shape: [Int]
    var data: Range<Int>
    public var elements: Int { shape.reduce(1, *) }
  }

  public let items: [Item]
  private let index: [String: Int]
  private let bytes: [UInt8]
  let file: String

  /// Real Marian models are 17 MB (tiny) to 800 MB (big); refuse more than 2 GiB from the size.
  public static let fileLimit = 2 << 30
  static let itemLimit = 100_000
  static let nameLimit = 4096
  static let rankLimit = 8

  public init(contentsOf path: String) throws {
    let bytes = try BoundedFile.read(path, what: BoundedFile.name(path), limit: Self.fileLimit)
    try self.init(bytes: bytes, file: path)
  }

  public init(bytes: [UInt8], file: String) throws(ModelError) {
    self.bytes = bytes
    self.file = file
    func fail(_ reason: String) -> ModelError {
      .badModel(path: file, reason: "is not a readable Marian model: \(reason)")
    }
    var offset = 0
    func u64(_ what: String) throws(ModelError) -> UInt64 {
      guard bytes.count - offset >= 8 else {
        throw fail("the file is truncated at byte \(offset), reading \(what)")
      }
      var value: UInt64 = 0
      for k in 0..<8 { value |= UInt64(bytes[offset + k]) << (8 * UInt64(k)) }
      offset += 8
      return value
    }
    let version = try u64("the version")
    guard version == 1 else {
      throw fail(
        "its version is \(version), not 1 (an encrypted or newer model, or not a Marian file)")
    }
    let count = try u64("the number of items")
    guard count > 0, count <= UInt64(Self.itemLimit), count * 32 <= UInt64(bytes.count) else {
      throw fail("it claims \(count) items, which the file cannot hold")
    }
    var headers: [(name: Int, type: UInt64, rank: Int, data: Int)] = []
    for i in 0..<Int(count) {
      let (name, type, rank, data) = (
        try u64("header \(i)"), try u64("header \(i)"), try u64("header \(i)"),
        try u64("header \(i)")
      )
      guard name >= 1, name <= UInt64(Self.nameLimit), rank <= UInt64(Self.rankLimit),
        data <= UInt64(bytes.count)
      else {
        throw fail(
          "header \(i) has a name of \(name) bytes, \(rank) dimensions or \(data) data bytes, "
            + "out of range")
      }
      headers.append((Int(name), type, Int(rank), Int(data)))
    }
    var names: [String] = []
    for (i, header) in headers.enumerated() {
      guard bytes.count - offset >= header.name else {
        throw fail("the file is truncated in the name of item \(i)")
      }
      let raw = bytes[offset..<offset + header.name]
      names.append(String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self))
      offset += header.name
    }
    var shapes: [[Int]] = []
    for (i, header) in headers.enumerated() {
      guard bytes.count - offset >= 4 * header.rank else {
        throw fail("the file is truncated in the shape of \(names[i])")
      }
      var shape: [Int] = []
      for d in 0..<header.rank {
        let o = offset + 4 * d
        let value = Int32(
          bitPattern: UInt32(bytes[o]) | UInt32(bytes[o + 1]) << 8 | UInt32(bytes[o + 2]) << 16
            | UInt32(bytes[o + 3]) << 24)
        guard value >= 0 else { throw fail("\(names[i]) has a negative dimension \(value)") }
        shape.append(Int(value))
      }
      offset += 4 * header.rank
      shapes.append(shape)
    }
    let padding = try u64("the padding length")
    guard padding <= UInt64(bytes.count - offset) else {
      throw fail("the file is truncated in the padding before the data")
    }
    offset += Int(padding)
    var items: [Item] = []
    var index: [String: Int] = [:]
    for (i, header) in headers.enumerated() {
      let name = names[i]
      guard let type = ItemType(rawValue: header.type) else {
        throw fail(
          "\(name) has type 0x\(String(header.type, radix: 16)); attnviz reads float32, int8 and "
            + "intgemm8 items (an architecture-specific packed model cannot be read)")
      }
      var elements = 1
      for dimension in shapes[i] {
        let (product, overflow) = elements.multipliedReportingOverflow(by: dimension)
        guard !overflow, product <= bytes.count else {
          throw fail("\(name) has shape \(shapes[i]), larger than the file")
        }
        elements = product
      }
      let needed =
        switch type {
        case .int8: elements
        case .float32: 4 * elements
        case .intgemm8: elements + 4
        }
      guard header.data >= needed else {
        throw fail(
          "\(name) has \(header.data) data bytes; its shape \(shapes[i]) needs \(needed)")
      }
      guard bytes.count - offset >= header.data else {
        throw fail(
          "the file is truncated in the data of \(name) (download the model again)")
      }
      guard index[name] == nil else { throw fail("the item \(name) appears twice") }
      index[name] = items.count
      items.append(
        Item(name: name, type: type, shape: shapes[i], data: offset..<offset + header.data))
      offset += header.data
    }
    guard offset == bytes.count else {
      throw fail("\(bytes.count - offset) bytes follow the last item")
    }
    self.items = items
    self.index = index
  }

  public func item(_ name: String) -> Item? { index[name].map { items[$0] } }

  /// The item's text (`special:model.yml`).
  public func text(_ name: String) throws(ModelError) -> String {
    let item = try require(name)
    return String(decoding: bytes[item.data].prefix { $0 != 0 }, as: UTF8.self)
  }

  func require(_ name: String) throws(ModelError) -> Item {
    guard let item = item(name) else {
      throw .badModel(path: file, reason: "has no item \"\(name)\" (not a model attnviz knows)")
    }
    return item
  }

  /// The values of a vector or a matrix in the engine's (out, in) layout, as Float32: intgemm8
  /// items as stored, divided by their multiplier; float32 matrices (stored (in, out)) transposed,
  /// unless `storedRows` says the item is already row-per-output (`Wemb`).
  public func values(_ name: String, shape expected: [Int], storedRows: Bool = false)
    throws(ModelError) -> [Float]
  {
    let item = try require(name)
    guard item.shape == expected else {
      throw .badModel(
        path: file, reason: "\(name) has shape \(item.shape); this configuration needs \(expected)")
    }
    let n = item.elements
    let base = item.data.lowerBound
    switch item.type {
    case .int8:
      throw .badModel(path: file, reason: "\(name) is int8 text, not a weight")
    case .intgemm8:
      var bits: UInt32 = 0
      for k in 0..<4 { bits |= UInt32(bytes[base + n + k]) << (8 * UInt32(k)) }
      let multiplier = Float(bitPattern: bits)
      guard multiplier.isFinite, multiplier > 0 else {
        throw .badModel(
          path: file, reason: "\(name) has quantisation multiplier \(multiplier), not positive")
      }
      return (0..<n).map { Float(Int8(bitPattern: bytes[base + $0])) / multiplier }
    case .float32:
      var values = (0..<n).map { i -> Float in
        let o = base + 4 * i
        return Float(
          bitPattern: UInt32(bytes[o]) | UInt32(bytes[o + 1]) << 8 | UInt32(bytes[o + 2]) << 16
            | UInt32(bytes[o + 3]) << 24)
      }
      if expected.count == 2, expected[0] > 1, !storedRows {
        let (rows, columns) = (expected[0], expected[1])
        values = (0..<n).map { i in values[(i % rows) * columns + i / rows] }
      }
      guard values.allSatisfy(\.isFinite) else {
        throw .badModel(path: file, reason: "\(name) holds numbers that are not finite")
      }
      return values
    }
  }
}
