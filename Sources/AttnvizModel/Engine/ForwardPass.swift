import AttnvizMath

/// One run of the engine over token ids: embeddings, then each block in its architecture's
/// order, up to the last layer's attention. Shapes: T tokens, C hidden, H query heads, G
/// key/value heads, D head size, I feed-forward width.
///
///     pre-norm (GPT-2, Llama family)        post-norm (BERT, RoBERTa, DistilBERT)
///     a = norm₁(x)                          a = x
///     x = x + attention(a)                  x = norm₁(x + attention(a))
///     x = x + feedForward(norm₂(x))         x = norm₂(x + feedForward(x))
///
///     sandwich (Gemma 3): a = norm₁(x); x = x + norm₁′(attention(a));
///     x = x + norm₂′(feedForward(norm₂(x)))
///
/// Sliding-window layers (Mistral: all; Gemma 3: five of six) mask keys more than W − 1 before
/// the query and may rotate with their own base θ.
struct ForwardPass {
  let config: TransformerConfig
  let tensors: any TensorSource
  let table: TensorTable
  let name: String
  let stepsLayer: Int?

  var layout: ArchitectureLayout { ArchitectureLayout(config.architecture) }
  var reader: ParameterReader { ParameterReader(source: tensors, table: table, checkpoint: name) }

  func run(ids: [Int]) throws -> [LayerTrace] {
    let t = ids.count
    let embedded = try embed(ids)
    var x = embedded.x  // (T, C)
    func rotation(_ theta: Double) -> RotaryEmbedding? {
      layout.positions == .rotary
        ? RotaryEmbedding(
          positions: t, headDim: config.headDim, theta: theta, scaling: config.ropeScaling) : nil
    }
    let rotary = rotation(config.ropeTheta)
    let localRotary = config.localRopeTheta.map(rotation) ?? rotary
    func kernel(window: Int?) -> AttentionKernel {
      AttentionKernel(
        t: t, heads: config.heads, kvHeads: config.kvHeads, headDim: config.headDim,
        mask: AttentionMask(causal: config.architecture.isCausal, window: window),
        scale: config.attentionScale)
    }
    let global = kernel(window: nil)
    let local = kernel(window: config.slidingWindow)
    var traces: [LayerTrace] = []
    for l in 0..<config.layers {
      let w = try LayerWeights(
        layer: l, reader: reader, attentionOnly: l == config.layers - 1)
      let keep = l == stepsLayer
      let sliding = config.isSlidingLayer(l)
      let a = layout.order == .postNorm ? x : norm(x, w.attentionNorm, w.attentionNormBias)
      let projected = project(
        a, w, rotary: sliding ? localRotary : rotary, keepUnrotated: keep)
      let attention = sliding ? local : global
      let result = attention(q: projected.q, k: projected.k, v: projected.v, keepScores: keep)
      var out = linear(
        result.output, rows: t, weight: w.output, bias: w.outputBias, outputs: config.hidden)
      if let post = w.postAttentionNorm { out = norm(out, post, nil) }
      guard result.weights.allSatisfy({ $0.allSatisfy { $0.isFinite } }), allFinite(out) else {
        throw ModelError.badModel(
          path: name,
          reason: "layer \(l + 1) produced non-finite numbers (the activations overflowed "
            + "Float32); the weights or the configuration are wrong")
      }
      let steps =
        keep
        ? StepsRecorder(config: config, tokens: t).steps(
          layer: l, embedded: embedded, residual: x, input: a, weights: w, projected: projected,
          attention: result, output: out) : nil
      traces.append(
        LayerTrace(
          weights: result.weights.map { Matrix(rows: t, columns: t, values: $0) }, steps: steps,
          window: sliding ? config.slidingWindow : nil))
      if l == config.layers - 1 { break }  // nothing after the last attention is shown
      switch layout.order {
      case .preNorm:
        addInPlace(&x, out)
        addInPlace(&x, feedForward(norm(x, w.mlpNorm, w.mlpNormBias), w, tokens: t))
      case .sandwich:
        addInPlace(&x, out)
        let f = feedForward(norm(x, w.mlpNorm, w.mlpNormBias), w, tokens: t)
        addInPlace(&x, w.postMLPNorm.map { norm(f, $0, nil) } ?? f)
      case .postNorm:
        addInPlace(&x, out)
        x = norm(x, w.attentionNorm, w.attentionNormBias)
        var f = feedForward(x, w, tokens: t)
        addInPlace(&f, x)
        x = norm(f, w.mlpNorm, w.mlpNormBias)
      }
    }
    return traces
  }

  /// The block's norm: LayerNorm (with its bias) or RMSNorm, over C.
  func norm(_ x: [Float], _ weight: [Float], _ bias: [Float]?) -> [Float] {
    switch layout.norm {
    case .layerNorm:
      layerNorm(
        x, columns: config.hidden, weight: weight,
        bias: bias ?? [Float](repeating: 0, count: weight.count), epsilon: config.normEpsilon)
    case .rmsNorm:
      rmsNorm(x, columns: config.hidden, weight: weight, epsilon: config.normEpsilon)
    }
  }

  /// Q, K, V as the scores use them: projected, then per-head q/k RMSNorm (Qwen3), then
  /// rotated (Llama family). q (T, H·D), k and v (T, G·D). With `keepUnrotated` (the layer
  /// explain walks through) also Q and K just before the rotation.
  func project(_ a: [Float], _ w: LayerWeights, rotary: RotaryEmbedding?, keepUnrotated: Bool)
    -> Projected
  {
    let t = a.count / config.hidden
    let (qWidth, kvWidth) = (config.heads * config.headDim, config.kvHeads * config.headDim)
    var q = linear(a, rows: t, weight: w.query, bias: w.queryBias, outputs: qWidth)
    var k = linear(a, rows: t, weight: w.key, bias: w.keyBias, outputs: kvWidth)
    let v = linear(a, rows: t, weight: w.value, bias: w.valueBias, outputs: kvWidth)
    if let qn = w.queryNorm, let kn = w.keyNorm {
      q = rmsNorm(q, columns: config.headDim, weight: qn, epsilon: config.normEpsilon)
      k = rmsNorm(k, columns: config.headDim, weight: kn, epsilon: config.normEpsilon)
    }
    var unrotated: (q: [Float], k: [Float])?
    if let rotary {
      if keepUnrotated { unrotated = (q, k) }
      rotary.apply(&q, heads: config.heads)
      rotary.apply(&k, heads: config.kvHeads)
    }
    return Projected(q: q, k: k, v: v, unrotated: unrotated)
  }

  /// The projections of one layer. (T, H·D) for q, (T, G·D) for k and v.
  struct Projected {
    var q: [Float]
    var k: [Float]
    var v: [Float]
    /// Q and K before the rotation, kept only for the layer whose steps are recorded.
    var unrotated: (q: [Float], k: [Float])?
  }

  /// down(act(up(x))) or, gated, down(act(gate(x)) ⊙ up(x)): (T, C) → (T, I) → (T, C).
  func feedForward(_ x: [Float], _ w: LayerWeights, tokens t: Int) -> [Float] {
    let inner = config.intermediate
    var h = linear(x, rows: t, weight: w.up, bias: w.upBias, outputs: inner)
    if let gate = w.gate {
      var g = linear(x, rows: t, weight: gate, bias: w.gateBias, outputs: inner)
      activate(&g, config.activation)
      for i in h.indices { h[i] *= g[i] }
    } else {
      activate(&h, config.activation)
    }
    return linear(h, rows: t, weight: w.down, bias: w.downBias, outputs: config.hidden)
  }
}

/// A (rows, columns) Float32 buffer as a Double `Matrix`.
func matrix(_ values: [Float], _ rows: Int, _ columns: Int) -> Matrix {
  Matrix(rows: rows, columns: columns, values: values.map(Double.init))
}
