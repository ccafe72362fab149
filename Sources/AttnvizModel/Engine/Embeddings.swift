/// The first block's input, and what `explain` shows before it.
struct Embedded {
  /// Token embeddings (plus BERT's segment-A embedding). (T, C)
  var tokens: [Float]
  /// Learned position embeddings, or nil for rotary models (they rotate Q and K instead). (T, C)
  var positions: [Float]?
  /// x₀: the sum, normalised for the BERT family. (T, C)
  var x: [Float]
}

extension ForwardPass {
  /// Looks up the rows of the embedding tables:
  ///
  ///     Llama family   x₀ = E[ids]
  ///     Gemma          x₀ = E[ids] · √C  (√C rounded to Float32, as transformers' embed_scale)
  ///     GPT-2          x₀ = wte[ids] + wpe[0..<T]
  ///     BERT, RoBERTa  x₀ = LayerNorm(word[ids] + type[0] + position[p])
  ///     DistilBERT     x₀ = LayerNorm(word[ids] + position[0..<T])
  ///
  /// RoBERTa's positions p start after its padding index and skip padding tokens
  /// (`create_position_ids_from_input_ids`). With a key/value cache, the ids are positions
  /// `start`, `start` + 1, … (the cached tokens come first).
  func embed(_ ids: [Int], start: Int = 0) throws -> Embedded {
    let t = ids.count
    let c = config.hidden
    var tokens = try reader.rows(.tokenEmbedding, ids)
    if table.has(.typeEmbedding) {
      let segment = try reader.rows(.typeEmbedding, [0])
      for i in 0..<t {
        for j in 0..<c { tokens[i * c + j] += segment[j] }
      }
    }
    if layout.scalesEmbeddings {
      let scale = Float(Double(c).squareRoot())
      for i in tokens.indices { tokens[i] *= scale }
    }
    guard layout.positions == .learned else {
      return Embedded(tokens: tokens, positions: nil, x: tokens)
    }
    let positions = try reader.rows(.positionEmbedding, positionIndices(ids).map { $0 + start })
    var x = tokens
    addInPlace(&x, positions)
    if layout.embeddingNorm {
      x = layerNorm(
        x, columns: c, weight: try reader.read(.embeddingNormWeight),
        bias: try reader.read(.embeddingNormBias), epsilon: config.normEpsilon)
    }
    return Embedded(tokens: tokens, positions: positions, x: x)
  }

  func positionIndices(_ ids: [Int]) -> [Int] {
    guard let pad = config.paddingIndex else { return Array(ids.indices) }
    var seen = 0
    return ids.map { id in
      guard id != pad else { return pad }
      seen += 1
      return pad + seen
    }
  }
}
