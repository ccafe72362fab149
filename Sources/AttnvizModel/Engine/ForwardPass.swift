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
///     sandwich (Gemma 2, 3): a = norm₁(x); x = x + norm₁′(attention(a));
///     x = x + norm₂′(feedForward(norm₂(x)))      (OLMo 2: without norm₁, norm₂)
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
  var reader: ParameterReader {
    ParameterReader(
      source: tensors, table: table, checkpoint: name,
      normOffset: tensors.storesNormFactors ? 0 : layout.normWeightOffset)
  }

  func run(ids: [Int]) throws -> [LayerTrace] {
    try run(ids: ids, request: ForwardRequest(), cache: nil).layers
  }

  /// The pass over `ids`, positions P… after the `cache`'s P positions (which it extends), with
  /// what `request` asks for beyond attention. Without a request and a cache it stops after the
  /// last layer's attention, reading only that layer's attention weights.
  func run(ids: [Int], request: ForwardRequest, cache: KeyValueCache?) throws -> ForwardOutput {
    let t = ids.count
    let past = cache?.count ?? 0
    let toEnd = request.runsToEnd || cache != nil
    let embedded = try embed(ids, start: past)
    var x = request.resume?.residual ?? embedded.x  // (T, C)
    func rotation(_ theta: Double, _ scaling: TransformerConfig.RopeScaling) -> RotaryEmbedding? {
      layout.positions == .rotary
        ? RotaryEmbedding(
          positions: past + t, headDim: config.headDim, theta: theta, scaling: scaling) : nil
    }
    let rotary = rotation(config.ropeTheta, config.ropeScaling)
    // Windowed layers with their own base (Gemma 3) keep plain frequencies.
    let localRotary = config.localRopeTheta.map { rotation($0, .none) } ?? rotary
    func kernel(window: Int?) -> AttentionKernel {
      AttentionKernel(
        t: t, heads: config.heads, kvHeads: config.kvHeads, headDim: config.headDim,
        mask: AttentionMask(causal: config.architecture.isCausal, window: window),
        past: past, scale: config.attentionScale, softCap: config.attentionSoftCap.map(Float.init))
    }
    let global = kernel(window: nil)
    let local = kernel(window: config.slidingWindow)
    var output = ForwardOutput(layers: [])
    if request.residuals == .all { output.residuals = [x] }
    if request.headWritesPosition != nil { output.headWrites = [] }
    for l in (request.resume?.layer ?? 0)..<config.layers {
      let last = l == config.layers - 1
      let keep = l == stepsLayer && past == 0
      // The last layer's feed-forward is read only when the pass runs to the end or explain
      // walks through that block.
      let w =
        try request.weights?.layer(l, reader: reader)
        ?? LayerWeights(layer: l, reader: reader, attentionOnly: last && !toEnd && !keep)
      let sliding = config.isSlidingLayer(l)
      let a =
        layout.order == .postNorm || w.attentionNorm.isEmpty
        ? x : norm(x, w.attentionNorm, w.attentionNormBias)
      var projected = project(
        a, w, rotary: sliding ? localRotary : rotary, start: past, keepUnrotated: keep)
      if let cache {
        (projected.k, projected.v) = cache.extend(layer: l, k: projected.k, v: projected.v)
      }
      let attention = sliding ? local : global
      var result = attention(q: projected.q, k: projected.k, v: projected.v, keepScores: keep)
      ablate(
        &result.output, layer: l, heads: request.ablatedHeads, tokens: t, mode: request.ablation)
      var out = linear(
        result.output, rows: t, weight: w.output, bias: w.outputBias, outputs: config.hidden)
      if let post = w.postAttentionNorm { out = norm(out, post, nil) }
      guard result.weights.allSatisfy({ $0.allSatisfy { $0.isFinite } }), allFinite(out) else {
        throw ModelError.badModel(
          path: name,
          reason: "layer \(l + 1) produced non-finite numbers (the activations overflowed "
            + "Float32); the weights or the configuration are wrong")
      }
      if let position = request.headWritesPosition {
        output.headWrites?.append(headWrites(result.output, w, position: position))
      }
      let recorder = StepsRecorder(config: config, tokens: t)
      var steps =
        keep
        ? recorder.steps(
          layer: l, embedded: embedded, residual: x, input: a, weights: w, projected: projected,
          attention: result, output: out) : nil
      let weights = result.weights.map { Matrix(rows: t, columns: past + t, values: $0) }
      // ‖f_h(x_j)‖ of every key (--view contribution); not per generated token, where the
      // cache's keys would be measured again at every step.
      let norms =
        cache == nil && request.transformedNorms
        ? transformedNorms(v: projected.v, output: w.output, tokens: t) : nil
      let window = sliding ? config.slidingWindow : nil
      if last && !toEnd && !keep {
        output.layers.append(
          LayerTrace(weights: weights, steps: nil, transformedNorms: norms, window: window))
        break  // nothing after the last attention is shown
      }
      let entering = x
      var kept: (sum: [Float], normed: [Float], hidden: [Float], ffn: [Float])
      switch layout.order {
      case .preNorm:
        addInPlace(&x, out)
        let normed = norm(x, w.mlpNorm, w.mlpNormBias)
        let (ffn, hidden) = feedForward(normed, w, tokens: t, keepHidden: keep)
        kept = (keep ? x : [], keep ? normed : [], hidden, keep ? ffn : [])
        addInPlace(&x, ffn)
      case .sandwich:
        addInPlace(&x, out)
        let normed = w.mlpNorm.isEmpty ? x : norm(x, w.mlpNorm, w.mlpNormBias)
        let (f, hidden) = feedForward(normed, w, tokens: t, keepHidden: keep)
        let ffn = w.postMLPNorm.map { norm(f, $0, nil) } ?? f
        kept = (keep ? x : [], keep ? normed : [], hidden, keep ? ffn : [])
        addInPlace(&x, ffn)
      case .postNorm:
        addInPlace(&x, out)
        let sum = keep ? x : []
        x = norm(x, w.attentionNorm, w.attentionNormBias)
        var (f, hidden) = feedForward(x, w, tokens: t, keepHidden: keep)
        kept = (sum, keep ? x : [], hidden, keep ? f : [])
        addInPlace(&f, x)
        x = norm(f, w.mlpNorm, w.mlpNormBias)
      }
      guard allFinite(x) else {
        throw ModelError.badModel(
          path: name,
          reason: "layer \(l + 1)'s feed-forward produced non-finite numbers (the activations "
            + "overflowed Float32); the weights or the configuration are wrong")
      }
      if keep {
        steps?.block = recorder.block(
          entering: entering, sum: kept.sum, normed: kept.normed, hidden: kept.hidden,
          feedForward: kept.ffn, output: x, order: layout.order, norm: layout.norm)
      }
      output.layers.append(
        LayerTrace(weights: weights, steps: steps, transformedNorms: norms, window: window))
      if request.residuals == .all { output.residuals?.append(x) }
    }
    if request.residuals == .last { output.residuals = [x] }
    cache?.advance(by: t)
    switch request.logits {
    case .none: break
    case .last: output.logits = try head.logits(Array(x[((t - 1) * config.hidden)...]), rows: 1)
    case .all: output.logits = try head.logits(x, rows: t)
    }
    return output
  }

  /// Replaces the outputs of the ablated heads of layer `l` in (T, H·D): zeros, or each head's
  /// output averaged over the T positions (`mean`).
  func ablate(
    _ output: inout [Float], layer l: Int, heads: Set<HeadIndex>, tokens t: Int,
    mode: ForwardRequest.Ablation = .zero
  ) {
    let d = config.headDim
    let width = config.heads * d
    for index in heads where index.layer == l && (0..<config.heads).contains(index.head) {
      var mean = [Float](repeating: 0, count: d)
      if mode == .mean {
        var sums = [Double](repeating: 0, count: d)
        for i in 0..<t {
          for c in 0..<d { sums[c] += Double(output[i * width + index.head * d + c]) }
        }
        mean = sums.map { Float($0 / Double(t)) }
      }
      for i in 0..<t {
        for c in 0..<d { output[i * width + index.head * d + c] = mean[c] }
      }
    }
  }

  /// What each head writes into the residual stream at one position: its D outputs through
  /// its D columns of Wo. H × (C)
  func headWrites(_ output: [Float], _ w: LayerWeights, position i: Int) -> [[Float]] {
    let (c, d, h) = (config.hidden, config.headDim, config.heads)
    let width = h * d
    return w.output.withUnsafeBufferPointer { wo in
      (0..<h).map { head in
        (0..<c).map { row in
          var sum: Float = 0
          for k in 0..<d {
            sum += output[i * width + head * d + k] * wo[row * width + head * d + k]
          }
          return sum
        }
      }
    }
  }

  /// The final norm and the LM head.
  var head: OutputHead { OutputHead(pass: self) }

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

  /// Q, K, V as the scores use them: projected, then q/k RMSNorm over each head (Qwen3, Gemma 3)
  /// or the whole projection (OLMo 2: the norm weight's length says which), then
  /// rotated (Llama family) as positions `start`…. q (T, H·D), k and v (T, G·D). With
  /// `keepUnrotated` (the layer
  /// explain walks through) also Q and K just before the rotation.
  func project(
    _ a: [Float], _ w: LayerWeights, rotary: RotaryEmbedding?, start: Int = 0, keepUnrotated: Bool
  ) -> Projected {
    let t = a.count / config.hidden
    let (qWidth, kvWidth) = (config.heads * config.headDim, config.kvHeads * config.headDim)
    var q = linear(a, rows: t, weight: w.query, bias: w.queryBias, outputs: qWidth)
    var k = linear(a, rows: t, weight: w.key, bias: w.keyBias, outputs: kvWidth)
    let v = linear(a, rows: t, weight: w.value, bias: w.valueBias, outputs: kvWidth)
    if let qn = w.queryNorm, let kn = w.keyNorm {
      q = rmsNorm(q, columns: qn.count, weight: qn, epsilon: config.normEpsilon)
      k = rmsNorm(k, columns: kn.count, weight: kn, epsilon: config.normEpsilon)
    }
    var unrotated: (q: [Float], k: [Float])?
    if let rotary {
      if keepUnrotated { unrotated = (q, k) }
      rotary.apply(&q, heads: config.heads, start: start)
      rotary.apply(&k, heads: config.kvHeads, start: start)
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

  /// down(act(up(x))) or, gated, down(act(gate(x)) ⊙ up(x)): (T, C) → (T, I) → (T, C). With
  /// `keepHidden`, also the (T, I) hidden layer after the activation (else it is empty).
  func feedForward(_ x: [Float], _ w: LayerWeights, tokens t: Int, keepHidden: Bool = false)
    -> (output: [Float], hidden: [Float])
  {
    let inner = config.intermediate
    var h = linear(x, rows: t, weight: w.up, bias: w.upBias, outputs: inner)
    if let gate = w.gate {
      var g = linear(x, rows: t, weight: gate, bias: w.gateBias, outputs: inner)
      activate(&g, config.activation)
      for i in h.indices { h[i] *= g[i] }
    } else {
      activate(&h, config.activation)
    }
    let output = linear(h, rows: t, weight: w.down, bias: w.downBias, outputs: config.hidden)
    return (output, keepHidden ? h : [])
  }
}

/// A (rows, columns) Float32 buffer as a Double `Matrix`.
func matrix(_ values: [Float], _ rows: Int, _ columns: Int) -> Matrix {
  Matrix(rows: rows, columns: columns, values: values.map(Double.init))
}
