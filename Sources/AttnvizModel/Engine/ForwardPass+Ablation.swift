/// The ablation sweep's passes that start at one layer, run together. Shapes: B variants, T
/// tokens, C hidden, H query heads, G key/value heads, D head size, V vocabulary, L layers.
extension ForwardPass {
  /// For each set of heads in `variants` (all in layer `l0`): the pass resumed at `l0` from
  /// `residual` (T, C), the unablated stream entering that layer, with those heads ablated, and
  /// the logits of its last position → (B, V). Each variant's logits are the bits its own
  /// `run` gives (`ForwardRequest` with `resume`, `ablatedHeads`, `logits: .last`), because
  /// every kernel call below is one `run` makes, on the same rows, in the same order:
  ///
  /// - layer l0's attention does not depend on the ablation: it runs once, and each variant
  ///   ablates its own copy of the heads' outputs;
  /// - from there the B variants' rows are stacked (B·T, C): each product reads a weight row
  ///   once for all of them, grouping each variant's rows as alone (`linear`'s `segment`);
  /// - the last layer computes its queries, attention, Wo and feed-forward only for the rows
  ///   that `linear` groups with the last position (it alone, or its group of four when T is a
  ///   multiple of 4); keys and values for every position.
  func ablatedLogits(
    entering residual: [Float], layer l0: Int, variants: [Set<HeadIndex>],
    mode: ForwardRequest.Ablation, weights cache: LayerWeightsCache
  ) throws -> [Float] {
    let (c, b) = (config.hidden, variants.count)
    let t = residual.count / c
    guard b > 0, t > 0 else { return [] }
    // The rows `linear` computes together with row T − 1 (`LinearJob.products`).
    let tail = t % 4 == 0 ? 4 : 1
    func rotation(_ theta: Double) -> RotaryEmbedding? {
      layout.positions == .rotary
        ? RotaryEmbedding(
          positions: t, headDim: config.headDim, theta: theta, scaling: config.ropeScaling) : nil
    }
    let rotary = rotation(config.ropeTheta)
    let localRotary = config.localRopeTheta.map(rotation) ?? rotary
    /// Queries at positions T − rows … T − 1 over all T keys.
    func kernel(sliding: Bool, rows: Int) -> AttentionKernel {
      AttentionKernel(
        t: rows, heads: config.heads, kvHeads: config.kvHeads, headDim: config.headDim,
        mask: AttentionMask(
          causal: config.architecture.isCausal, window: sliding ? config.slidingWindow : nil),
        past: t - rows, scale: config.attentionScale,
        softCap: config.attentionSoftCap.map(Float.init))
    }
    let (qWidth, kvWidth) = (config.heads * config.headDim, config.kvHeads * config.headDim)
    var x: [Float] = []  // (B·T, C) entering layer l > l0
    for l in l0..<config.layers {
      let w = try cache.layer(l, reader: reader)
      let sliding = config.isSlidingLayer(l)
      let rows = l == config.layers - 1 ? tail : t  // rows per variant leaving this layer
      var heads: [Float] = []  // (B·rows, H·D)
      var stream: [Float] = []  // (B·rows, C)
      var attentionWeights: [[Double]] = []
      if l == l0 {
        let projected = project(
          attentionInput(residual, w), w, rotary: sliding ? localRotary : rotary,
          keepUnrotated: false)
        let shared = kernel(sliding: sliding, rows: t)(
          q: projected.q, k: projected.k, v: projected.v, keepScores: false)
        attentionWeights = shared.weights
        let kept = lastRows(residual, of: t, keeping: rows, width: c)
        for ablated in variants {
          var output = shared.output
          ablate(&output, layer: l, heads: ablated, tokens: t, mode: mode)
          heads += lastRows(output, of: t, keeping: rows, width: qWidth)
          stream += kept
        }
      } else {
        let projected = project(
          attentionInput(x, w), w, rotary: sliding ? localRotary : rotary, keepUnrotated: false,
          segment: t, queryRows: rows)
        let attention = kernel(sliding: sliding, rows: rows)
        for v in 0..<b {
          let result = attention(
            q: Array(projected.q[(v * rows * qWidth)..<((v + 1) * rows * qWidth)]),
            k: Array(projected.k[(v * t * kvWidth)..<((v + 1) * t * kvWidth)]),
            v: Array(projected.v[(v * t * kvWidth)..<((v + 1) * t * kvWidth)]), keepScores: false)
          heads += result.output
          attentionWeights += result.weights
        }
        stream = lastRows(x, of: t, keeping: rows, width: c)
      }
      let out = try attentionOutput(
        heads, w, rows: b * rows, segment: rows, layer: l, weights: attentionWeights)
      _ = try addBlocks(&stream, out, w, rows: b * rows, segment: rows, layer: l)
      x = stream
    }
    // The last position of each variant, through the final norm and the head one row at a time
    // (as `run`'s `.last`).
    return try head.logits(lastRows(x, of: tail, keeping: 1, width: c), rows: b, segment: 1)
  }
}
