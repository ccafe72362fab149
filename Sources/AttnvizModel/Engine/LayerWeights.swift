/// One layer's parameters as Float32, read from the checkpoint when the pass reaches the layer
/// and dropped after it. Linear weights are (out, in) whatever the checkpoint stored (GPT-2's
/// Conv1D weights are transposed, its fused c_attn split into Q, K and V). Shapes: C hidden,
/// H·D query width, G·D key/value width, I feed-forward width.
struct LayerWeights {
  var query: WeightMatrix  // (H·D, C)
  var key: WeightMatrix  // (G·D, C)
  var value: WeightMatrix  // (G·D, C)
  var queryBias: [Float]?
  var keyBias: [Float]?
  var valueBias: [Float]?
  var output: WeightMatrix  // (C, H·D)
  var outputBias: [Float]?
  var queryNorm: [Float]?  // (D)
  var keyNorm: [Float]?
  var attentionNorm: [Float]  // (C)
  var attentionNormBias: [Float]?
  var mlpNorm: [Float]
  var mlpNormBias: [Float]?
  /// Gemma's norms of the attention and feed-forward outputs (C), nil elsewhere.
  var postAttentionNorm: [Float]?
  var postMLPNorm: [Float]?
  var up: WeightMatrix  // (I, C)
  var upBias: [Float]?
  var gate: WeightMatrix?  // (I, C), gated feed-forward only
  var gateBias: [Float]?
  var down: WeightMatrix  // (C, I)
  var downBias: [Float]?

  /// Reads layer `l`; with `attentionOnly` (the last layer, whose feed-forward is never run),
  /// the feed-forward weights are left in the checkpoint and these arrays stay empty.
  init(layer l: Int, reader: ParameterReader, attentionOnly: Bool = false) throws {
    func required(_ p: LayerParameter) throws -> [Float] { try reader.read(.layer(l, p)) }
    func optional(_ p: LayerParameter) throws -> [Float]? {
      reader.table.has(.layer(l, p)) ? try reader.read(.layer(l, p)) : nil
    }
    func matrix(_ p: LayerParameter) throws -> WeightMatrix { try reader.matrix(.layer(l, p)) }
    if reader.table.has(.layer(l, .fusedQKVWeight)) {
      // (3C, C) after transposing: rows 0..<C are Wq, then Wk, then Wv.
      let fused = try required(.fusedQKVWeight)
      let fusedBias = try required(.fusedQKVBias)
      let third = fused.count / 3
      let c = fusedBias.count / 3
      query = WeightMatrix(Array(fused[0..<third]))
      key = WeightMatrix(Array(fused[third..<(2 * third)]))
      value = WeightMatrix(Array(fused[(2 * third)...]))
      queryBias = Array(fusedBias[0..<c])
      keyBias = Array(fusedBias[c..<(2 * c)])
      valueBias = Array(fusedBias[(2 * c)...])
    } else {
      query = try matrix(.queryWeight)
      key = try matrix(.keyWeight)
      value = try matrix(.valueWeight)
      queryBias = try optional(.queryBias)
      keyBias = try optional(.keyBias)
      valueBias = try optional(.valueBias)
    }
    output = try matrix(.outputWeight)
    outputBias = try optional(.outputBias)
    queryNorm = try optional(.queryNorm)
    keyNorm = try optional(.keyNorm)
    // OLMo 2 has no norm before its sub-blocks: empty.
    attentionNorm = try optional(.attentionNormWeight) ?? []
    attentionNormBias = try optional(.attentionNormBias)
    postAttentionNorm = try optional(.postAttentionNormWeight)
    guard !attentionOnly else {
      (mlpNorm, up, down) = ([], WeightMatrix([]), WeightMatrix([]))
      return
    }
    mlpNorm = try optional(.mlpNormWeight) ?? []
    mlpNormBias = try optional(.mlpNormBias)
    postMLPNorm = try optional(.postMLPNormWeight)
    up = try matrix(.upWeight)
    upBias = try optional(.upBias)
    gate = reader.table.has(.layer(l, .gateWeight)) ? try matrix(.gateWeight) : nil
    gateBias = try optional(.gateBias)
    down = try matrix(.downWeight)
    downBias = try optional(.downBias)
  }
}

/// Reads parameters through the tensor table: Float32 values, transposed to (out, in) where the
/// checkpoint stores (in, out), and every value checked finite (a NaN in the weights would
/// otherwise surface as an attention row of NaN, far from its cause).
struct ParameterReader {
  let source: any TensorSource
  let table: TensorTable
  let checkpoint: String
  /// Added to every RMSNorm weight read (Gemma's folders store w of a (1 + w) factor).
  var normOffset: Float = 0

  func read(_ parameter: Parameter) throws -> [Float] {
    guard let name = table.names[parameter], let entry = table.entries[parameter] else {
      preconditionFailure("the table check guarantees every required parameter: \(parameter)")
    }
    var values =
      try entry.rows.map { try source.float32Rows(name, rows: Array($0)) }
      ?? source.float32(name)
    if normOffset != 0, parameter.isNormWeight {
      for i in values.indices { values[i] += normOffset }
    }
    let count = entry.shape.reduce(1, *)
    guard values.count == count else {
      throw ModelError.badModel(
        path: checkpoint,
        reason: "tensor \"\(name)\" gave \(values.count) values for its shape \(entry.shape)")
    }
    try checkFinite(values, name)
    guard entry.transposed, entry.shape.count == 2 else { return values }
    return transpose(values, rows: entry.shape[0], columns: entry.shape[1])
  }

  /// A weight matrix, in place in the checkpoint when it can be (see `WeightMatrix`), checked
  /// finite; transposed into an array when the checkpoint stores it (in, out).
  func matrix(_ parameter: Parameter) throws -> WeightMatrix {
    guard let name = table.names[parameter], let entry = table.entries[parameter] else {
      preconditionFailure("the table check guarantees every required parameter: \(parameter)")
    }
    if entry.transposed || entry.rows != nil { return WeightMatrix(try read(parameter)) }
    let matrix = try source.matrix(name)
    guard matrix.count == entry.shape.reduce(1, *) else {
      throw ModelError.badModel(
        path: checkpoint,
        reason: "tensor \"\(name)\" gave \(matrix.count) values for its shape \(entry.shape)")
    }
    // F32 matrices come straight from the mapping, never converted: checked here, with the
    // element named as the conversion names it.
    try matrix.withUnsafeBufferPointer { try checkFinite($0, name) }
    return matrix
  }

  /// Rows of a 2-D table (an embedding lookup), checked finite.
  func rows(_ parameter: Parameter, _ rows: [Int]) throws -> [Float] {
    guard let name = table.names[parameter], let entry = table.entries[parameter] else {
      preconditionFailure("the table check guarantees every required parameter: \(parameter)")
    }
    let values = try source.float32Rows(name, rows: rows)
    guard values.count == rows.count * entry.shape[1] else {
      throw ModelError.badModel(
        path: checkpoint, reason: "tensor \"\(name)\" gave the wrong number of values")
    }
    let width = entry.shape[1]
    try values.withUnsafeBufferPointer { buffer in
      try checkFinite(buffer, name) { rows[$0 / width] * width + $0 % width }
    }
    return values
  }

  func checkFinite(_ values: [Float], _ name: String) throws {
    try values.withUnsafeBufferPointer { try checkFinite($0, name) }
  }

  /// Throws naming the tensor, the kind of value and its element (`element` maps an index into
  /// `values` to one into the tensor) when `values` holds a NaN or an infinity: the same words
  /// as `SafeTensorsFile`'s conversion (`tensor "x" holds NaN at element 40`).
  func checkFinite(
    _ values: UnsafeBufferPointer<Float>, _ name: String, element: (Int) -> Int = { $0 }
  ) throws {
    guard !allFinite(values), let index = values.firstIndex(where: { !$0.isFinite }) else {
      return
    }
    throw ModelError.badModel(
      path: checkpoint,
      reason: "tensor \"\(name)\" holds \(values[index].isNaN ? "NaN" : "an infinite value") at "
        + "element \(element(index)); the checkpoint is corrupted (download it again)")
  }
}

extension Parameter {
  /// The weight of a norm (pre-, post-, q/k or final), which Gemma offsets by 1.
  var isNormWeight: Bool {
    switch self {
    case .finalNormWeight, .embeddingNormWeight: true
    case .layer(_, let p):
      [
        .attentionNormWeight, .mlpNormWeight, .postAttentionNormWeight, .postMLPNormWeight,
        .queryNorm, .keyNorm,
      ].contains(p)
    default: false
    }
  }
}

/// No NaN or infinity: no value with an all-ones exponent. One pass over the bits, with the
/// ors gathered so the loop vectorises.
func allFinite(_ values: [Float]) -> Bool {
  values.withUnsafeBufferPointer(allFinite)
}

func allFinite(_ buffer: UnsafeBufferPointer<Float>) -> Bool {
  var found: UInt32 = 0
  for value in buffer {
    found |= value.bitPattern & 0x7F80_0000 == 0x7F80_0000 ? 1 : 0
  }
  return found == 0
}

/// (rows, columns) → (columns, rows).
func transpose(_ x: [Float], rows: Int, columns: Int) -> [Float] {
  var out = [Float](repeating: 0, count: x.count)
  for r in 0..<rows {
    for c in 0..<columns { out[c * rows + r] = x[r * columns + c] }
  }
  return out
}
