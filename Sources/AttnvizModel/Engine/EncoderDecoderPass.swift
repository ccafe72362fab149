import AttnvizMath
import Foundation

/// The encoder–decoder of "Attention Is All You Need" on the engine's kernels (`linear`,
/// `layerNorm`, `activate`, `AttentionKernel`, `addInPlace`), as a description: Marian's
/// Firefox students, and Hugging Face's MarianMT and BART, differ only in the data below (which
/// positions, the embedding scale and norm, the decoder's first sub-block, the activation, the
/// output layer) and T5 in a few more (pre-norm RMS blocks, relative position buckets added to
/// unscaled scores, a gated feed-forward, final norms). S source tokens, C hidden, H heads, D head size, I feed-forward width,
/// V vocabulary, L_e / L_d layers.
///
///     encoder (post-norm, as BERT)                 decoder step t (one token)
///     x = E[src]·s + P(0..<S)   (→ norm)  (S, C)   y = E[prev]·s + P(t)   (→ norm)
///     x = norm(x + attention(x, x))                per layer, its first sub-block either
///     x = norm(x + ffn(x))                           SSRU: c = σ(y·Wfᵀ + bf)⊙c + (1 − σ(…))⊙(y·Wᵀ)
///                                                          y = norm(y + ReLU(c))
///                                                    or self-attention over the steps so far:
///                                                          y = norm(y + attention(y, y₀…y_t))
///                                                  y = norm(y + attention(y, x))   (cross)
///                                                  y = norm(y + ffn(y))
///                                                  logits = y·Wₒᵀ + b   (Wₒ = E when tied)  (V)
///
/// The SSRU (Kim et al. 2019, marian-dev src/rnn/cells.h) replaces the decoder's self-attention
/// with a recurrent state per layer, so a step needs only the previous states, not the earlier
/// tokens. Cross-attention keys and values are the encoder output projected once per layer; a
/// decoder self-attention keeps its keys and values of earlier steps (a cache).
struct EncoderDecoderPass {
  /// LayerNorm (Marian, BART) or RMSNorm without bias (T5).
  enum Norm {
    case layer
    case rms
  }

  /// T5's relative position bias: a table (buckets, H) per side, added to every layer's
  /// self-attention scores by the bucket of key − query (bidirectional in the encoder).
  struct RelativePositions {
    var encoder: [Float]
    var decoder: [Float]
    var buckets: Int
    var maxDistance: Int
  }

  struct Attention {
    var query: WeightMatrix
    var key: WeightMatrix
    var value: WeightMatrix
    var output: WeightMatrix
    var queryBias: [Float]?
    var keyBias: [Float]?
    var valueBias: [Float]?
    var outputBias: [Float]?
    var normWeight: [Float]
    var normBias: [Float]?
  }

  struct FeedForward {
    /// T5 v1.1's gate: act(gate·x) ⊙ (up·x); nil for act(up·x).
    var gate: WeightMatrix? = nil
    var up: WeightMatrix
    var upBias: [Float]?
    var down: WeightMatrix
    var downBias: [Float]?
    var normWeight: [Float]
    var normBias: [Float]?
  }

  /// SSRU: candidate W (C, C), forget gate Wf (C, C) and bf (C), then the residual's norm.
  struct Recurrent {
    var candidate: WeightMatrix
    var gate: WeightMatrix
    var gateBias: [Float]
    var normWeight: [Float]
    var normBias: [Float]
  }

  /// What comes first in a decoder layer.
  enum DecoderMixer {
    /// Marian's SSRU (the Firefox students).
    case recurrent(Recurrent)
    /// Self-attention over the target so far (MarianMT, BART).
    case selfAttention(Attention)
  }

  struct EncoderLayer {
    var attention: Attention
    var feedForward: FeedForward
  }

  struct DecoderLayer {
    var mixer: DecoderMixer
    var cross: Attention
    var feedForward: FeedForward
  }

  /// How a position enters the embedding.
  enum Positions {
    /// None added (T5: its positions are the relative bias).
    case none
    /// [sin | cos] halves; frequency i of the half is 10000^(−i/(half − 1)) in Marian's C++
    /// (`lastFrequency`), 10000^(−i/half) in transformers' MarianSinusoidalPositionalEmbedding.
    case sinusoidalHalves(lastFrequency: Bool)
    /// A learned table per side, (positions + offset, C), row p + offset (BART: offset 2).
    case learned(encoder: [Float], decoder: [Float], offset: Int)
  }

  let hidden: Int
  let heads: Int
  let feedForwardWidth: Int
  let epsilon: Double
  /// E: (V, C), shared by source and target.
  let embedding: [Float]
  /// The embedding scale s: √C (Marian), or 1.
  var embeddingScale: Float
  var positions: Positions
  /// BART's layernorm_embedding, (weight, bias) per side, after the positions are added.
  var embeddingNorms:
    (encoder: (weight: [Float], bias: [Float]), decoder: (weight: [Float], bias: [Float]))?
  var activation: TransformerConfig.Activation
  /// The decoder's first input: nil is a zero vector (Marian's C++), else this token
  /// (transformers' `decoder_start_token_id`).
  var startToken: Int?
  /// The output layer, (V, C); nil uses E (tied).
  var outputWeight: WeightMatrix?
  let outputBias: [Float]
  let encoder: [EncoderLayer]
  let decoder: [DecoderLayer]
  var norm = Norm.layer
  /// Pre-norm blocks, x + f(norm(x)) (T5), instead of post-norm norm(x + f(x)).
  var preNorm = false
  /// The norms after the last encoder and decoder layer (pre-norm models).
  var finalNorms: (encoder: [Float], decoder: [Float])?
  var relativePositions: RelativePositions?
  /// The score scale; nil for 1/√D (T5: 1).
  var attentionScale: Float?
  /// The output's scale before the output layer (T5 with tied embeddings: C^−½).
  var outputScale: Float = 1

  var vocabulary: Int { outputBias.count }
  var headDim: Int { hidden / heads }

  func normed(_ x: [Float], _ weight: [Float], _ bias: [Float]?) -> [Float] {
    switch norm {
    case .layer:
      layerNorm(
        x, columns: hidden, weight: weight,
        bias: bias ?? [Float](repeating: 0, count: hidden), epsilon: epsilon)
    case .rms: rmsNorm(x, columns: hidden, weight: weight, epsilon: epsilon)
    }
  }

  /// T5's bucket of a relative position (key − query), as transformers'
  /// `_relative_position_bucket` computes it (the logarithm in float32).
  static func bucket(_ relative: Int, bidirectional: Bool, buckets: Int, maxDistance: Int) -> Int {
    var buckets = buckets
    var result = 0
    var distance: Int
    if bidirectional {
      buckets /= 2
      if relative > 0 { result += buckets }
      distance = abs(relative)
    } else {
      distance = -min(relative, 0)
    }
    let maxExact = buckets / 2
    if distance < maxExact { return result + distance }
    let ratio = Float(distance) / Float(maxExact)
    let scaled =
      log(ratio) / Float(log(Double(maxDistance) / Double(maxExact))) * Float(buckets - maxExact)
    return result + min(maxExact + Int(scaled), buckets - 1)
  }

  /// The relative position bias of queries `queries` over keys 0..<keys, [head] (Tq, Tk).
  func positionBias(queries: Range<Int>, keys: Int, decoderSide: Bool) -> [[Float]]? {
    guard let r = relativePositions else { return nil }
    let table = decoderSide ? r.decoder : r.encoder
    var out = [[Float]](
      repeating: [Float](repeating: 0, count: queries.count * keys), count: heads)
    for (i, q) in queries.enumerated() {
      for k in 0..<keys {
        let b = Self.bucket(
          k - q, bidirectional: !decoderSide, buckets: r.buckets, maxDistance: r.maxDistance)
        for h in 0..<heads { out[h][i * keys + k] = table[b * heads + h] }
      }
    }
    return out
  }

  /// The position rows (T, C) from `start`, for the encoder or the decoder.
  func positionRows(start: Int, count: Int, decoderSide: Bool) -> [Float] {
    let c = hidden
    switch positions {
    case .none: return [Float](repeating: 0, count: count * c)
    case .sinusoidalHalves(let lastFrequency):
      if lastFrequency {
        return halvesSinusoidalEncoding(start: start, positions: count, dimensions: c).values.map {
          Float($0)
        }
      }
      let half = c / 2
      var out = [Float](repeating: 0, count: count * c)
      for row in 0..<count {
        for i in 0..<half {
          // transformers: position / 10000^(2i/C), as a float64 numpy table cast to float32.
          let angle = Double(start + row) / pow(10000, Double(2 * i) / Double(c))
          out[row * c + i] = Float(sin(angle))
          out[row * c + half + i] = Float(cos(angle))
        }
      }
      return out
    case .learned(let encoderTable, let decoderTable, let offset):
      let table = decoderSide ? decoderTable : encoderTable
      var out: [Float] = []
      out.reserveCapacity(count * c)
      for row in 0..<count {
        let r = start + row + offset
        out += table[(r * c)..<((r + 1) * c)]
      }
      return out
    }
  }

  /// False when no position is added to the embeddings (T5).
  var hasPositions: Bool {
    if case .none = positions { return false }
    return true
  }

  /// The most positions a side can embed (a learned table's rows), or nil for no limit.
  var positionLimit: Int? {
    if case .learned(let encoderTable, _, let offset) = positions {
      return encoderTable.count / hidden - offset
    }
    return nil
  }

  /// x = E[ids]·s + P(start…) (→ norm), (T, C); a negative id is the zero vector.
  func embed(_ ids: [Int], start: Int, decoderSide: Bool) -> [Float] {
    let c = hidden
    let positions = positionRows(start: start, count: ids.count, decoderSide: decoderSide)
    var x = [Float](repeating: 0, count: ids.count * c)
    for (i, id) in ids.enumerated() {
      for j in 0..<c {
        let e = id >= 0 ? embedding[id * c + j] * embeddingScale : 0
        x[i * c + j] = e + positions[i * c + j]
      }
    }
    if let norms = embeddingNorms {
      let norm = decoderSide ? norms.decoder : norms.encoder
      x = layerNorm(x, columns: c, weight: norm.weight, bias: norm.bias, epsilon: epsilon)
    }
    return x
  }

  /// The encoder output (S, C) and every layer's self-attention, [layer][head] (S, S).
  func encode(_ ids: [Int]) -> (context: [Float], attention: [[Matrix]]) {
    let (context, attention, _) = encode(ids, recording: nil)
    return (context, attention)
  }

  /// The same, keeping every intermediate of encoder layer `recording` (0-based) for explain.
  func encode(_ ids: [Int], recording: Int?) -> (
    context: [Float], attention: [[Matrix]], steps: LayerSteps?
  ) {
    let s = ids.count
    var x = embed(ids, start: 0, decoderSide: false)
    var attention: [[Matrix]] = []
    var recorded: LayerSteps?
    let bias = positionBias(queries: 0..<s, keys: s, decoderSide: false)
    for (l, layer) in encoder.enumerated() {
      let keep = l == recording
      let entering = x
      let a = layer.attention
      let input = preNorm ? normed(x, a.normWeight, a.normBias) : x
      let attended = attend(a, queries: input, keysFrom: input, keys: s, bias: bias, keep: keep)
      attention.append(attended.weights)
      addInPlace(&x, attended.output)
      let sum = x
      if !preNorm { x = normed(x, a.normWeight, a.normBias) }
      let ffn = feedForwardParts(layer.feedForward, x)
      if keep, let details = attended.details {
        recorded = layerSteps(
          ids: ids, layer: l, entering: entering, input: input, weights: a,
          attended: attended, details: details)
        recorded?.block = BlockSteps(
          residual: matrix(entering, s, hidden), sum: matrix(sum, s, hidden),
          normed: matrix(
            preNorm
              ? normed(sum, layer.feedForward.normWeight, layer.feedForward.normBias) : x, s,
            hidden),
          hidden: matrix(ffn.hidden, s, feedForwardWidth),
          feedForward: matrix(ffn.down, s, hidden), output: matrix(ffn.output, s, hidden),
          norm: norm == .layer ? .layerNorm : .rmsNorm, postNorm: !preNorm,
          activation: activation.paperName, gated: layer.feedForward.gate != nil)
      }
      x = ffn.output
    }
    if let finalNorms { x = normed(x, finalNorms.encoder, nil) }
    return (x, attention, recorded)
  }

  /// What `attend` computed: the output projection (Tq, C) and [head] (Tq, Tk); with `keep`,
  /// the intermediates explain shows.
  struct Attended {
    var output: [Float]
    var weights: [Matrix]
    var details: Details?

    struct Details {
      /// (Tq, C), (Tk, C), (Tk, C).
      var q: [Float]
      var k: [Float]
      var v: [Float]
      /// [head] (Tq, Tk): Q·Kᵀ, and scaled (plus any additive bias, T5's).
      var raw: [[Float]]
      var scaled: [[Float]]
      /// (Tq, C): the heads' weights·V side by side, before the output projection.
      var concatenated: [Float]
    }
  }

  /// Multi-head attention of queries (Tq, C) over keys and values projected from `source`
  /// (Tk, C), no mask.
  func attend(
    _ w: Attention, queries x: [Float], keysFrom source: [Float], keys tk: Int,
    projected: (k: [Float], v: [Float])? = nil, bias: [[Float]]? = nil, keep: Bool = false
  ) -> Attended {
    let tq = x.count / hidden
    let q = linear(x, rows: tq, weight: w.query, bias: w.queryBias, outputs: hidden)
    let kv = projected ?? project(w, source, rows: tk)
    var kernel = AttentionKernel(
      t: tq, heads: heads, kvHeads: heads, headDim: headDim,
      mask: AttentionMask(causal: false, window: nil))
    // Every query sees all Tk keys: the kernel's queries are the last Tq of Tk positions, which
    // without a causal mask only sets how many keys there are.
    kernel.past = tk - tq
    kernel.scale = attentionScale
    kernel.additive = bias
    precondition(tk >= tq, "attend: the kernel needs at least as many keys as queries")
    let result = kernel(q: q, k: kv.k, v: kv.v, keepScores: keep)
    let out = linear(result.output, rows: tq, weight: w.output, bias: w.outputBias, outputs: hidden)
    return Attended(
      output: out, weights: result.weights.map { Matrix(rows: tq, columns: tk, values: $0) },
      details: keep
        ? Attended.Details(
          q: q, k: kv.k, v: kv.v, raw: result.raw ?? [], scaled: result.scaled ?? [],
          concatenated: result.output) : nil)
  }

  /// Keys and values (T, C) of `source`.
  func project(_ w: Attention, _ source: [Float], rows: Int) -> (k: [Float], v: [Float]) {
    (
      linear(source, rows: rows, weight: w.key, bias: w.keyBias, outputs: hidden),
      linear(source, rows: rows, weight: w.value, bias: w.valueBias, outputs: hidden)
    )
  }

  /// norm(x + down(act(up(x)))), or pre-norm x + down(act(up(norm(x)))); with a gate,
  /// act(gate·x) ⊙ (up·x) in place of act(up·x).
  func feedForward(_ w: FeedForward, _ x: [Float]) -> [Float] {
    feedForwardParts(w, x).output
  }

  /// The feed-forward network with its hidden layer (T, I) and down projection (T, C) kept.
  func feedForwardParts(_ w: FeedForward, _ x: [Float]) -> (
    hidden: [Float], down: [Float], output: [Float]
  ) {
    let t = x.count / hidden
    let input = preNorm ? normed(x, w.normWeight, w.normBias) : x
    var h = linear(input, rows: t, weight: w.up, bias: w.upBias, outputs: feedForwardWidth)
    if let gate = w.gate {
      var g = linear(input, rows: t, weight: gate, bias: nil, outputs: feedForwardWidth)
      activate(&g, activation)
      for j in h.indices { h[j] *= g[j] }
    } else {
      activate(&h, activation)
    }
    let down = linear(h, rows: t, weight: w.down, bias: w.downBias, outputs: hidden)
    var out = down
    addInPlace(&out, x)
    return (h, down, preNorm ? out : normed(out, w.normWeight, w.normBias))
  }

  /// The decoder's state between steps: each layer's SSRU cell (C) or self-attention keys and
  /// values so far, and the cross-attention keys and values of the encoder output, projected
  /// once.
  struct DecoderState {
    var cells: [[Float]]
    var selfKeys: [(k: [Float], v: [Float])]
    var crossKeys: [(k: [Float], v: [Float])]
    let context: [Float]
    let sourceCount: Int
    var steps = 0
  }

  func startDecoding(context: [Float]) -> DecoderState {
    let s = context.count / hidden
    return DecoderState(
      cells: decoder.map { _ in [Float](repeating: 0, count: hidden) },
      selfKeys: decoder.map { _ in ([], []) },
      crossKeys: decoder.map { project($0.cross, context, rows: s) }, context: context,
      sourceCount: s)
  }

  /// One decoder step at position `position` after token `previous` (nil at the start: the
  /// start token or the zero vector): the logits (V), each layer's cross-attention,
  /// [layer][head] (1, S), and its self-attention over the steps so far, (1, t + 1) (empty
  /// for an SSRU).
  func step(previous: Int?, position: Int, state: inout DecoderState) -> (
    logits: [Float], cross: [[Matrix]], selfAttention: [[Matrix]]
  ) {
    let result = step(previous: previous, position: position, state: &state, recording: nil)
    return (result.logits, result.cross, result.selfAttention)
  }

  /// The same, keeping every intermediate of decoder layer `recording` (0-based) for explain.
  func step(previous: Int?, position: Int, state: inout DecoderState, recording: Int?) -> (
    logits: [Float], cross: [[Matrix]], selfAttention: [[Matrix]], steps: DecoderStepSteps?
  ) {
    let c = hidden
    var y = embed([previous ?? startToken ?? -1], start: position, decoderSide: true)
    var cross: [[Matrix]] = []
    var selfWeights: [[Matrix]] = []
    var recorded: DecoderStepSteps?
    for (l, layer) in decoder.enumerated() {
      let keep = l == recording
      let entering = y
      let mixer: DecoderStepSteps.Mixer
      switch layer.mixer {
      case .recurrent(let r):
        let before = state.cells[l]
        var gate = linear(y, rows: 1, weight: r.gate, bias: r.gateBias, outputs: c)
        let candidate = linear(y, rows: 1, weight: r.candidate, bias: nil, outputs: c)
        var out = [Float](repeating: 0, count: c)
        for j in 0..<c {
          gate[j] = 1 / (1 + exp(-gate[j]))
          state.cells[l][j] = gate[j] * state.cells[l][j] + (1 - gate[j]) * candidate[j]
          out[j] = max(0, state.cells[l][j])
        }
        let relu = out
        addInPlace(&out, y)
        y = normed(out, r.normWeight, r.normBias)
        selfWeights.append([])
        mixer = .recurrent(
          gate: matrix(gate, 1, c), candidate: matrix(candidate, 1, c),
          previousCell: matrix(before, 1, c), cell: matrix(state.cells[l], 1, c),
          output: matrix(relu, 1, c))
      case .selfAttention(let a):
        let input = preNorm ? normed(y, a.normWeight, a.normBias) : y
        let (k, v) = project(a, input, rows: 1)
        state.selfKeys[l].k += k
        state.selfKeys[l].v += v
        let keys = state.selfKeys[l].k.count / c
        let attended = attend(
          a, queries: input, keysFrom: [], keys: keys, projected: state.selfKeys[l],
          bias: positionBias(queries: position..<(position + 1), keys: keys, decoderSide: true),
          keep: keep)
        selfWeights.append(attended.weights)
        addInPlace(&y, attended.output)
        if !preNorm { y = normed(y, a.normWeight, a.normBias) }
        mixer = .selfAttention(
          scaled: (attended.details?.scaled ?? []).map { matrix($0, 1, keys) },
          weights: attended.weights, output: matrix(attended.output, 1, c))
      }
      let mixed = y
      let w = layer.cross
      let input = preNorm ? normed(y, w.normWeight, w.normBias) : y
      let attended = attend(
        w, queries: input, keysFrom: state.context, keys: state.sourceCount,
        projected: state.crossKeys[l], keep: keep)
      cross.append(attended.weights)
      addInPlace(&y, attended.output)
      if !preNorm { y = normed(y, w.normWeight, w.normBias) }
      let crossed = y
      y = feedForward(layer.feedForward, y)
      if keep, let details = attended.details {
        let s = state.sourceCount
        let d = headDim
        recorded = DecoderStepSteps(
          layer: l, position: position, previous: previous, input: matrix(entering, 1, c),
          mixer: mixer, mixed: matrix(mixed, 1, c),
          query: matrix(details.q, 1, c), keys: matrix(details.k, s, c),
          rawScores: details.raw.map { matrix($0, 1, s) },
          scaledScores: details.scaled.map { matrix($0, 1, s) }, weights: attended.weights,
          headOutputs: (0..<heads).map { h in
            matrix(Array(details.concatenated[(h * d)..<((h + 1) * d)]), 1, d)
          },
          crossOutput: matrix(attended.output, 1, c), crossed: matrix(crossed, 1, c),
          layerOutput: matrix(y, 1, c), final: Matrix(rows: 0, columns: c))
      }
    }
    state.steps += 1
    if let finalNorms { y = normed(y, finalNorms.decoder, nil) }
    if outputScale != 1 { for j in y.indices { y[j] *= outputScale } }
    recorded?.final = matrix(y, 1, c)
    let logits = linear(
      y, rows: 1, weight: outputWeight ?? WeightMatrix(embedding), bias: outputBias,
      outputs: vocabulary)
    return (logits, cross, selfWeights, recorded)
  }

  /// Encoder layer `l`'s self-attention as explain's `LayerSteps` (row-vector convention:
  /// Wq is (C, C), applied as X·Wq). Layer 0's embeddings are E[ids]·s and its positional
  /// encoding the rows added to them; a later layer's embeddings are the stream entering it.
  func layerSteps(
    ids: [Int], layer l: Int, entering: [Float], input: [Float], weights w: Attention,
    attended: Attended, details: Attended.Details
  ) -> LayerSteps {
    let (s, c, d) = (ids.count, hidden, headDim)
    func rowVector(_ weight: WeightMatrix) -> Matrix {
      matrix(transpose(weight.values, rows: c, columns: c), c, c)
    }
    var scaled: [Float] = []
    if l == 0 {
      scaled.reserveCapacity(s * c)
      for id in ids {
        for j in 0..<c { scaled.append(id >= 0 ? embedding[id * c + j] * embeddingScale : 0) }
      }
    }
    var added: Matrix?
    if l == 0, hasPositions {
      added = matrix(positionRows(start: 0, count: s, decoderSide: false), s, c)
    }
    return LayerSteps(
      embeddings: matrix(l == 0 ? scaled : entering, s, c), positionalEncoding: added,
      input: matrix(input, s, c), wq: rowVector(w.query), wk: rowVector(w.key),
      wv: rowVector(w.value), wo: rowVector(w.output), q: matrix(details.q, s, c),
      k: matrix(details.k, s, c), v: matrix(details.v, s, c),
      rawScores: details.raw.map { matrix($0, s, s) },
      scaledScores: details.scaled.map { matrix($0, s, s) }, weights: attended.weights,
      headOutputs: (0..<heads).map { h in
        var values: [Float] = []
        values.reserveCapacity(s * d)
        for r in 0..<s {
          values += details.concatenated[(r * c + h * d)..<(r * c + (h + 1) * d)]
        }
        return matrix(values, s, d)
      },
      concatenated: matrix(details.concatenated, s, c), output: matrix(attended.output, s, c))
  }
}
