import AttnvizMath

/// Turns one layer's Float32 buffers into the `LayerSteps` the explain walk-through reads, in
/// attnviz's row-vector convention (Wq is (C, H·D), applied as X·Wq).
///
/// - Layer 1: `embeddings` are the token embeddings (plus BERT's segment embedding),
///   `positionalEncoding` the learned position embeddings (nil for rotary models), `input` the
///   matrix Q, K and V are computed from (after the first norm for pre-norm models and BERT's
///   embedding norm). Later layers: `embeddings` is the residual stream entering the layer.
/// - Grouped-query models: Wk, Wv, K and V are given per query head (key/value head g repeated
///   for its H/G query heads, as transformers' `repeat_kv`), so head h reads columns h·D…
///   of every matrix.
/// - Rotary models: Q and K are after the rotation (and Qwen3's q/k norm), the vectors whose
///   products are the scores; so Q = X·Wq holds only before rotation, and `rotation` holds Q
///   and K from before it with the angles of each dimension pair.
struct StepsRecorder {
  let config: TransformerConfig
  let tokens: Int

  func steps(
    layer: Int, embedded: Embedded, residual: [Float], input: [Float], weights w: LayerWeights,
    projected: ForwardPass.Projected, attention: AttentionKernel.Result<Float>, output: [Float]
  ) -> LayerSteps {
    let (t, c, h, d) = (tokens, config.hidden, config.heads, config.headDim)
    let first = layer == 0
    let headOutputs = (0..<h).map { head -> Matrix in
      let range = (head * d)..<((head + 1) * d)
      return matrix(columns(attention.output, rows: t, width: h * d, range: range), t, d)
    }
    return LayerSteps(
      embeddings: matrix(first ? embedded.tokens : residual, t, c),
      positionalEncoding: first ? embedded.positions.map { matrix($0, t, c) } : nil,
      input: matrix(input, t, c),
      wq: rowVector(w.query.values, outputs: h * d, inputs: c),
      wk: rowVector(repeatHeads(w.key.values, rows: true), outputs: h * d, inputs: c),
      wv: rowVector(repeatHeads(w.value.values, rows: true), outputs: h * d, inputs: c),
      wo: rowVector(w.output.values, outputs: c, inputs: h * d),
      q: matrix(projected.q, t, h * d),
      k: matrix(repeatHeads(projected.k, rows: false), t, h * d),
      v: matrix(repeatHeads(projected.v, rows: false), t, h * d),
      rawScores: (attention.raw ?? []).map { matrix($0, t, t) },
      scaledScores: (attention.scaled ?? []).map { matrix($0, t, t) },
      weights: attention.weights.map { Matrix(rows: t, columns: t, values: $0) },
      headOutputs: headOutputs,
      concatenated: matrix(attention.output, t, h * d),
      output: matrix(output, t, c),
      rotation: projected.unrotated.map { unrotated in
        RotationSteps(
          q: matrix(unrotated.q, t, h * d),
          k: matrix(repeatHeads(unrotated.k, rows: false), t, h * d),
          theta: config.ropeTheta(layer: layer),
          frequencies: RotaryEmbedding.frequencies(
            headDim: d, theta: config.ropeTheta(layer: layer),
            scaling: config.ropeScaling(layer: layer)
          ).map(Double.init),
          scaling: scalingDescription(layer: layer), normalised: w.queryNorm != nil)
      })
  }

  /// The rest of the block, from the buffers the pass kept. `entering` is x before the
  /// attention, `output` the block's output. (T, C), `hidden` (T, I).
  func block(
    entering: [Float], sum: [Float], normed: [Float], hidden: [Float], feedForward: [Float],
    output: [Float], order: ArchitectureLayout.BlockOrder, norm: ArchitectureLayout.NormKind
  ) -> BlockSteps {
    let (t, c) = (tokens, config.hidden)
    return BlockSteps(
      residual: matrix(entering, t, c), sum: matrix(sum, t, c), normed: matrix(normed, t, c),
      hidden: matrix(hidden, t, hidden.count / max(t, 1)),
      feedForward: matrix(feedForward, t, c), output: matrix(output, t, c),
      norm: norm == .layerNorm ? .layerNorm : .rmsNorm, postNorm: order == .postNorm,
      activation: config.activation.paperName,
      gated: ArchitectureLayout(config.architecture)
        .feedForward == .gated)
  }

  /// "llama3, factor 8" for rescaled rotary frequencies of layer `layer`, nil for plain RoPE.
  func scalingDescription(layer: Int) -> String? {
    func shown(_ factor: Double) -> String {
      factor == factor.rounded() && abs(factor) < 1e9 ? String(Int(factor)) : "\(factor)"
    }
    switch config.ropeScaling(layer: layer) {
    case .none: return nil
    case .factors: return "llama3, per-frequency factors of the GGUF file"
    case .linear(let factor): return "linear, factor \(shown(factor))"
    case .llama3(let factor, _, _, _): return "llama3, factor \(shown(factor))"
    }
  }

  /// A (out, in) weight as the (in, out) matrix X is multiplied by.
  func rowVector(_ weight: [Float], outputs: Int, inputs: Int) -> Matrix {
    matrix(transpose(weight, rows: outputs, columns: inputs), inputs, outputs)
  }

  /// Key/value heads repeated for the query heads that share them: a (G·D, C) weight's row
  /// blocks (`rows`), or a (T, G·D) activation's column blocks.
  func repeatHeads(_ x: [Float], rows: Bool) -> [Float] {
    let (h, g, d) = (config.heads, config.kvHeads, config.headDim)
    guard g != h else { return x }
    let group = h / g
    if rows {
      let block = x.count / g  // one key/value head's D rows of C
      var out: [Float] = []
      out.reserveCapacity(h * block)
      for head in 0..<h {
        let start = (head / group) * block
        out += x[start..<(start + block)]
      }
      return out
    }
    let t = x.count / (g * d)
    var out: [Float] = []
    out.reserveCapacity(t * h * d)
    for i in 0..<t {
      for head in 0..<h {
        let start = (i * g + head / group) * d
        out += x[start..<(start + d)]
      }
    }
    return out
  }

  /// Columns `range` of a (rows, width) buffer.
  func columns(_ x: [Float], rows: Int, width: Int, range: Range<Int>) -> [Float] {
    var out: [Float] = []
    out.reserveCapacity(rows * range.count)
    for r in 0..<rows {
      let start = r * width
      out += x[(start + range.lowerBound)..<(start + range.upperBound)]
    }
    return out
  }
}
