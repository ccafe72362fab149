import AttnvizFiles

extension GGUFCheckpoint {
  /// A 2-D tensor as a `WeightMatrix` left in the file's block format (`QuantizedRows`): the
  /// engine's products convert it a row at a time, so a pass never holds a layer's weights as
  /// Float32 and a decoding step reads each stored byte once. Q and K of the `llama`
  /// architecture come back in transformers' row order (`unpermute`) through a row table, with
  /// the same rows and the same floats as `float32(name)`.
  public func matrix(_ name: String) throws -> WeightMatrix {
    let source = try gguf(name)
    guard let info = file.tensor(source), info.dimensions.count == 2, info.type.isReadable,
      let base = file.address(of: info)
    else { return WeightMatrix(try float32(name)) }
    let (rows, columns) = (info.rowCount, info.rowLength)
    var order: [Int]?
    if let heads = permutedHeads[source] {
      order = try Self.storedRows(rows: rows, heads: heads, file: file.path, name: source)
    }
    let quantized = QuantizedRows(
      type: info.type, base: base, rows: rows, columns: columns,
      rowBytes: columns / info.type.block * info.type.typeSize, order: order, name: source,
      checked: file.checkedTensors)
    return WeightMatrix(quantized: quantized, owner: file)
  }

  /// For each row in transformers' order, the row llama.cpp stored (see `unpermute`): row
  /// (h, j, i) of head h is stored as (h, i, j).
  static func storedRows(rows: Int, heads: Int, file: String, name: String) throws -> [Int] {
    guard heads > 0, rows % (2 * heads) == 0, rows > 0 else {
      throw GGUFError(
        file: file, subject: "tensor \"\(name)\"",
        reason: "has \(rows) rows, which do not split into \(heads) heads of pairs")
    }
    let half = rows / heads / 2
    var order = [Int](repeating: 0, count: rows)
    for h in 0..<heads {
      for i in 0..<half {
        for j in 0..<2 { order[(h * 2 + j) * half + i] = (h * half + i) * 2 + j }
      }
    }
    return order
  }
}
