import Foundation

/// Direct logit attribution: how much each head's output, written into the residual stream at
/// the last position, adds to one token's logit, with the final norm's scale frozen at its value
/// there (TransformerLens' `decompose_resid` followed by `apply_ln_to_stack`).
///
/// The residual stream at the last position p is a sum of what wrote into it:
///
///     x_L[p] = embed[p] + Σ_l ( Σ_h head_l,h[p] + b_O,l + mlp_l[p] )
///
/// The final norm is linear once its scale s is fixed at x_L[p] (RMSNorm: s = 1/√(mean(x²)+ε);
/// LayerNorm: s = 1/√(var(x)+ε), each part centred first, the bias added once), so
///
///     logit(t) = u_t · norm(x_L[p]) = Σ_parts s · u_t · (g ⊙ part) (+ u_t · b)
///
/// with u_t the head's row of the token (W_head[t]) and g the norm's weight. Every part's term is
/// reported; they sum to the logit the model computes (up to Float32 rounding).
public struct LogitAttribution: Sendable, Equatable {
  /// The token credited (its id) and its logit as the model computes it.
  public var target: Int
  public var logit: Double
  /// [layer][head]: each head's direct effect on the logit.
  public var heads: [[Double]]
  /// The token (and position) embeddings at the last position.
  public var embeddings: Double
  /// Per layer: the output projection's bias (0 when the layer has none).
  public var attentionBiases: [Double]
  /// Per layer: the feed-forward block's output.
  public var feedForwards: [Double]
  /// u_t · b of a LayerNorm's bias (0 for RMSNorm).
  public var normBias: Double

  /// The terms added up: equal to `logit` up to rounding.
  public var sum: Double {
    heads.joined().reduce(0, +) + embeddings + attentionBiases.reduce(0, +)
      + feedForwards.reduce(0, +) + normBias
  }
}

extension TransformerModel {
  /// Each head's direct contribution to the logit of `target` (a token id; nil: the token the
  /// model predicts) at the last position of `ids`, and the other terms of the sum. Decoders
  /// only (an encoder has no next-token head; `forward` says so). One pass of its own; a run
  /// that traces the text anyway asks its pass for `ForwardRequest.attributing` and calls
  /// `logitAttribution(from:target:)` instead.
  public func logitAttribution(ids: [Int], target: Int? = nil) throws -> (
    attribution: LogitAttribution, logits: [Float]
  ) {
    var request = ForwardRequest()
    request.attribute(tokens: ids.count)
    return try logitAttribution(from: try forward(ids: ids, request: request), target: target)
  }

  /// The same from a pass that already ran with `ForwardRequest.attribute(tokens:)` (the
  /// trace's own pass): nothing is run again but the LM head's row for the last position.
  public func logitAttribution(from out: ForwardOutput, target: Int? = nil) throws -> (
    attribution: LogitAttribution, logits: [Float]
  ) {
    guard predictsTokens else {
      throw ModelError.badModel(
        path: location, reason: "an encoder has no next-token head to attribute a logit to")
    }
    guard let residuals = out.residuals, residuals.count == config.layers + 1,
      let writes = out.headWrites, writes.count == config.layers,
      let p = out.headWritesPosition, (p + 1) * config.hidden == residuals[0].count
    else {
      throw ModelError.badModel(
        path: location,
        reason: "the pass kept no residual stream or head writes at its last position to "
          + "attribute the logit to")
    }
    // The logits the pass itself computes for `.last`, from the same row through the same head.
    let logits = try self.logits(
      residual: Array(residuals[config.layers][(p * config.hidden)...]), rows: 1)
    let token = target ?? NextTokenDistribution(logits: logits).argmax
    guard (0..<config.vocabularySize).contains(token) else {
      throw ModelError.badModel(
        path: location, reason: "token id \(token) is outside the \(config.vocabularySize) rows")
    }
    let pass = makePass(stepsLayer: nil)
    let c = config.hidden
    let u = try pass.reader.rows(try pass.head.parameter(), [token]).map(Double.init)  // (C)
    let g = try pass.reader.read(.finalNormWeight).map(Double.init)
    let bias = pass.table.has(.finalNormBias) ? try pass.reader.read(.finalNormBias) : nil
    let row = { (x: [Float]) in x[(p * c)..<((p + 1) * c)].map(Double.init) }
    let final = row(residuals[config.layers])
    let layerNorm = pass.layout.norm == .layerNorm
    let mean = { (v: [Double]) in v.reduce(0, +) / Double(v.count) }
    let scale: Double
    if layerNorm {
      let m = mean(final)
      scale = 1 / (mean(final.map { ($0 - m) * ($0 - m) }) + config.normEpsilon).squareRoot()
    } else {
      scale = 1 / (mean(final.map { $0 * $0 }) + config.normEpsilon).squareRoot()
    }
    /// s · u · (g ⊙ part), the part centred first under LayerNorm.
    func term(_ part: [Double]) -> Double {
      let m = layerNorm ? mean(part) : 0
      var total = 0.0
      for k in 0..<c { total += u[k] * g[k] * (part[k] - m) }
      return scale * total
    }
    var heads: [[Double]] = []
    var biases: [Double] = []
    var feedForwards: [Double] = []
    for l in 0..<config.layers {
      let headWrites = writes[l].map { $0.map(Double.init) }
      heads.append(headWrites.map(term))
      let outputBias =
        pass.table.has(.layer(l, .outputBias))
        ? try pass.reader.read(.layer(l, .outputBias)).map(Double.init)
        : [Double](repeating: 0, count: c)
      biases.append(term(outputBias))
      // What the feed-forward wrote: the layer's whole change minus the attention block's.
      let before = row(residuals[l])
      let after = row(residuals[l + 1])
      var mlp = [Double](repeating: 0, count: c)
      for k in 0..<c {
        var attention = outputBias[k]
        for write in headWrites { attention += write[k] }
        mlp[k] = after[k] - before[k] - attention
      }
      feedForwards.append(term(mlp))
    }
    let attribution = LogitAttribution(
      target: token, logit: Double(logits[token]), heads: heads,
      embeddings: term(row(residuals[0])), attentionBiases: biases, feedForwards: feedForwards,
      normBias: bias.map { b in (0..<c).reduce(0.0) { $0 + u[$1] * Double(b[$1]) } } ?? 0)
    return (attribution, logits)
  }

  /// Whether the residual stream is a plain sum of what the blocks write (pre-norm decoders), so
  /// a head's direct effect on the logit is defined; post-norm models renormalise it each layer.
  public var hasAdditiveResidualStream: Bool {
    ArchitectureLayout(config.architecture).order == .preNorm
  }
}

/// Every head ablated alone: how the log-probability of one token changes.
public struct AblationSweepResult: Sendable, Equatable {
  /// The token followed (the unablated prediction unless one was given).
  public var target: Int
  /// log p(target) without ablation.
  public var logProbability: Double
  /// The layers swept (0-based), every layer unless fewer were asked for.
  public var layers: [Int]
  /// [k][head]: log p(target | that head of `layers[k]` ablated) − `logProbability`.
  public var deltas: [[Double]]
}

extension TransformerModel {
  /// Runs the model once per head with that head ablated. Nothing before the ablated layer
  /// changes, so each pass starts there from the unablated residual stream; the heads of one
  /// layer run as one batch (their rows through each weight together, the last layer only
  /// where the last position needs it), and every layer's weights are converted once for all
  /// the passes. Each delta is what a whole pass with that head ablated gives, to the bit.
  /// `progress` hears the heads done so far after each layer, and first (with 0) how long one
  /// full pass took, in seconds.
  public func ablationSweep(
    ids: [Int], target: Int? = nil, ablation: ForwardRequest.Ablation = .zero,
    layers: [Int]? = nil, progress: (_ done: Int, _ secondsPerPass: Double) -> Void = { _, _ in }
  ) throws -> AblationSweepResult {
    let cache = LayerWeightsCache()
    var request = ForwardRequest(logits: .last, residuals: .all)
    request.weights = cache
    let clock = ContinuousClock()
    let start = clock.now
    let base = try forward(ids: ids, request: request)
    let elapsed = clock.now - start
    guard let logits = base.logits, let residuals = base.residuals else {
      throw ModelError.badModel(path: location, reason: "the pass returned no logits")
    }
    let baseline = NextTokenDistribution(logits: logits)
    let token = target ?? baseline.argmax
    let logProbability = log(baseline.probabilities[token])
    progress(
      0, Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18)
    var deltas: [[Double]] = []
    let swept = layers ?? Array(0..<config.layers)
    for l in swept where !(0..<config.layers).contains(l) {
      throw ModelError.badModel(path: location, reason: "layer \(l) is outside the model")
    }
    let pass = makePass(stepsLayer: nil)
    let v = config.vocabularySize
    for l in swept {
      // The layer's heads as one batch: its attention once, then every product over all of
      // their rows (`ForwardPass.ablatedLogits`; each head's numbers are its own pass's).
      let logits = try pass.ablatedLogits(
        entering: residuals[l], layer: l,
        variants: (0..<config.heads).map { [HeadIndex(layer: l, head: $0)] }, mode: ablation,
        weights: cache)
      deltas.append(
        (0..<config.heads).map { h in
          let after = NextTokenDistribution(logits: logits[(h * v)..<((h + 1) * v)])
          return log(after.probabilities[token]) - logProbability
        })
      progress(deltas.count * config.heads, 0)
    }
    return AblationSweepResult(
      target: token, logProbability: logProbability, layers: swept, deltas: deltas)
  }
}
