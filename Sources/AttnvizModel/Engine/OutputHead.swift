import Foundation

/// The end of a decoder: the final norm, then the LM head, logits = norm(x)·Eᵀ.
///
///     x (T, C) → norm_f → (T, C) → · W_headᵀ → logits (T, V)
///
/// W_head is `lm_head.weight` (GGUF `output.weight`) when the checkpoint has one, else the
/// token embeddings (tied, as GPT-2 and SmolLM2). A head stored as Float32 in a mapped file is
/// read in place, one in a GGUF file is converted a row at a time by the product
/// (`QuantizedRows`), and any other type `OutputHead.chunkRows` rows at a time, so the V × C
/// table (113 MB as Float32 for SmolLM2) is never held whole.
struct OutputHead {
  let pass: ForwardPass
  /// Rows of the head converted at once: 2,048 × C Float32 (4.5 MB for C = 576).
  static let chunkRows = 2048

  var config: TransformerConfig { pass.config }

  /// The head's parameter, or an error saying why the model has none. GPT-2's table has no
  /// `lm_head.weight` entry: its head is always the token embeddings.
  func parameter() throws -> Parameter {
    guard config.architecture.isCausal, pass.table.has(.finalNormWeight) else {
      throw ModelError.badModel(
        path: pass.name,
        reason: "is an encoder (\(config.architecture.rawValue)); it predicts no next token. "
          + "Decoders do: \(TransformerConfig.decoderList)")
    }
    if pass.table.has(.lmHead) { return .lmHead }
    let hasHeadEntry = pass.layout.table(config).contains { $0.parameter == .lmHead }
    guard config.tiedEmbeddings || !hasHeadEntry else {
      throw ModelError.badModel(
        path: pass.name,
        reason: "has no lm_head.weight (GGUF output.weight) and its configuration does not tie "
          + "the head to the token embeddings (tie_word_embeddings is false); the checkpoint "
          + "is incomplete")
    }
    return .tokenEmbedding
  }

  /// norm_f(x). (rows, C) → (rows, C)
  func finalNorm(_ x: [Float]) throws -> [Float] {
    let weight = try pass.reader.read(.finalNormWeight)
    let bias = pass.table.has(.finalNormBias) ? try pass.reader.read(.finalNormBias) : nil
    return pass.norm(x, weight, bias)
  }

  /// logits = norm_f(x)·W_headᵀ. x (rows, C) → (rows, V); `segment` as `linear`'s.
  func logits(_ x: [Float], rows: Int, segment: Int? = nil) throws -> [Float] {
    try unembed(try finalNorm(x), rows: rows, segment: segment)
  }

  /// The head alone: h·W_headᵀ for h (rows, C) already normalised, soft-capped as c·tanh(z/c)
  /// with Gemma 2's `final_logit_softcapping` c. (rows, V)
  func unembed(_ h: [Float], rows: Int, segment: Int? = nil) throws -> [Float] {
    var logits = try uncappedLogits(h, rows: rows, segment: segment)
    if let cap = config.finalLogitSoftCap.map(Float.init) {
      for i in logits.indices { logits[i] = tanh(logits[i] / cap) * cap }
    }
    return logits
  }

  func uncappedLogits(_ h: [Float], rows: Int, segment: Int? = nil) throws -> [Float] {
    let parameter = try parameter()
    let (v, c) = (config.vocabularySize, config.hidden)
    precondition(h.count == rows * c, "unembed: shapes differ")
    var logits = [Float](repeating: 0, count: rows * v)
    if let name = pass.table.names[parameter],
      let matrix = (pass.tensors as? SafeTensorsCheckpoint)?.mappedMatrix(name)
    {
      try matrix.withUnsafeBufferPointer { try pass.reader.checkFinite($0, name) }
      return linear(h, rows: rows, weight: matrix, bias: nil, outputs: v, segment: segment)
    }
    if let name = pass.table.names[parameter], let gguf = pass.tensors as? GGUFCheckpoint {
      // Left in the file's format and converted a row at a time by the product.
      let matrix = try gguf.matrix(name)
      try pass.reader.checkFinite(matrix, name)
      return linear(h, rows: rows, weight: matrix, bias: nil, outputs: v, segment: segment)
    }
    var start = 0
    while start < v {
      let end = min(v, start + Self.chunkRows)
      let chunk = try pass.reader.rows(parameter, Array(start..<end))  // (end − start, C)
      let part = linear(
        h, rows: rows, weight: WeightMatrix(chunk), bias: nil, outputs: end - start,
        segment: segment)
      for r in 0..<rows {
        for o in 0..<(end - start) { logits[r * v + start + o] = part[r * (end - start) + o] }
      }
      start = end
    }
    return logits
  }
}

extension SafeTensorsCheckpoint {
  /// The tensor as a view of the mapped file when it is stored as Float32, else nil.
  func mappedMatrix(_ name: String) -> WeightMatrix? {
    guard let file = files[name], let mapped = file.mappedFloats(name) else { return nil }
    return WeightMatrix(mapped: mapped, owner: file)
  }
}

extension TransformerConfig {
  /// "gemma, gemma2, gemma3_text, gpt2, llama, …" for messages about generating.
  public static var decoderList: String {
    Architecture.allCases.filter(\.isCausal).map(\.rawValue).sorted().joined(separator: ", ")
  }
}
