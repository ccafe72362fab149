import AttnvizMath
import Foundation

/// The encoder–decoder of "Attention Is All You Need" as Marian builds it, on the engine's
/// kernels (`linear`, `layerNorm`, `activate`, `AttentionKernel`, `addInPlace`). S source
/// tokens, C hidden, H heads, D head size, I feed-forward width, V vocabulary, L_e / L_d layers.
///
///     encoder (post-norm, as BERT)                 decoder step t (one token)
///     x = E[src]·√C + PE(0..<S)          (S, C)    y = E[prev]·√C + PE(t)   (E[prev] = 0 at t = 0)
///     x = norm(x + attention(x, x))                per layer: c = σ(y·Wfᵀ + bf)⊙c + (1 − σ(…))⊙(y·Wᵀ)
///     x = norm(x + ffn(x))                                    y = norm(y + ReLU(c))        (SSRU)
///                                                             y = norm(y + attention(y, x))
///                                                             y = norm(y + ffn(y))
///                                                  logits = y·Eᵀ + b                        (V)
///
/// The SSRU (Kim et al. 2019, marian-dev src/rnn/cells.h) replaces the decoder's self-attention
/// with a recurrent state per layer, so a step needs only the previous states, not the earlier
/// tokens. Cross-attention keys and values are the encoder output projected once per layer.
struct EncoderDecoderPass {
  struct Attention {
    var query: WeightMatrix
    var key: WeightMatrix
    var value: WeightMatrix
    var output: WeightMatrix
    var queryBias: [Float]
    var keyBias: [Float]
    var valueBias: [Float]
    var outputBias: [Float]
    var normWeight: [Float]
    var normBias: [Float]
  }

  struct FeedForward {
    var up: WeightMatrix
    var upBias: [Float]
    var down: WeightMatrix
    var downBias: [Float]
    var normWeight: [Float]
    var normBias: [Float]
  }

  /// SSRU: candidate W (C, C), forget gate Wf (C, C) and bf (C), then the residual's norm.
  struct Recurrent {
    var candidate: WeightMatrix
    var gate: WeightMatrix
    var gateBias: [Float]
    var normWeight: [Float]
    var normBias: [Float]
  }

  struct EncoderLayer {
    var attention: Attention
    var feedForward: FeedForward
  }

  struct DecoderLayer {
    var recurrent: Recurrent
    var cross: Attention
    var feedForward: FeedForward
  }

  let hidden: Int
  let heads: Int
  let feedForwardWidth: Int
  let epsilon: Double
  /// E: (V, C), also the output layer.
  let embedding: [Float]
  let outputBias: [Float]
  let encoder: [EncoderLayer]
  let decoder: [DecoderLayer]

  var vocabulary: Int { outputBias.count }
  var headDim: Int { hidden / heads }

  /// x = E[ids]·√C + PE(start…), (T, C); a negative id is the zero vector (the decoder's start).
  func embed(_ ids: [Int], start: Int) -> [Float] {
    let c = hidden
    let scale = Float(Double(c).squareRoot())
    let positions = halvesSinusoidalEncoding(start: start, positions: ids.count, dimensions: c)
    var x = [Float](repeating: 0, count: ids.count * c)
    for (i, id) in ids.enumerated() {
      for j in 0..<c {
        let e = id >= 0 ? embedding[id * c + j] * scale : 0
        x[i * c + j] = e + Float(positions[i, j])
      }
    }
    return x
  }

  /// The encoder output (S, C) and every layer's self-attention, [layer][head] (S, S).
  func encode(_ ids: [Int]) -> (context: [Float], attention: [[Matrix]]) {
    let s = ids.count
    var x = embed(ids, start: 0)
    var attention: [[Matrix]] = []
    for layer in encoder {
      let (out, weights) = attend(layer.attention, queries: x, keysFrom: x, keys: s)
      attention.append(weights)
      addInPlace(&x, out)
      x = layerNorm(
        x, columns: hidden, weight: layer.attention.normWeight, bias: layer.attention.normBias,
        epsilon: epsilon)
      x = feedForward(layer.feedForward, x)
    }
    return (x, attention)
  }

  /// Multi-head attention of queries (Tq, C) over keys and values projected from `source`
  /// (Tk, C), no mask: the output projection (Tq, C) and [head] (Tq, Tk).
  func attend(
    _ w: Attention, queries x: [Float], keysFrom source: [Float], keys tk: Int,
    projected: (k: [Float], v: [Float])? = nil
  ) -> ([Float], [Matrix]) {
    let tq = x.count / hidden
    let q = linear(x, rows: tq, weight: w.query, bias: w.queryBias, outputs: hidden)
    let kv =
      projected
      ?? (
        linear(source, rows: tk, weight: w.key, bias: w.keyBias, outputs: hidden),
        linear(source, rows: tk, weight: w.value, bias: w.valueBias, outputs: hidden)
      )
    var kernel = AttentionKernel(
      t: tq, heads: heads, kvHeads: heads, headDim: headDim,
      mask: AttentionMask(causal: false, window: nil))
    // Every query sees all Tk keys: the kernel's queries are the last Tq of Tk positions, which
    // without a causal mask only sets how many keys there are.
    kernel.past = tk - tq
    precondition(tk >= tq, "attend: the kernel needs at least as many keys as queries")
    let result = kernel(q: q, k: kv.k, v: kv.v, keepScores: false)
    let out = linear(result.output, rows: tq, weight: w.output, bias: w.outputBias, outputs: hidden)
    return (out, result.weights.map { Matrix(rows: tq, columns: tk, values: $0) })
  }

  /// norm(x + down(ReLU(up(x)))).
  func feedForward(_ w: FeedForward, _ x: [Float]) -> [Float] {
    let t = x.count / hidden
    var h = linear(x, rows: t, weight: w.up, bias: w.upBias, outputs: feedForwardWidth)
    activate(&h, .relu)
    var out = linear(h, rows: t, weight: w.down, bias: w.downBias, outputs: hidden)
    addInPlace(&out, x)
    return layerNorm(out, columns: hidden, weight: w.normWeight, bias: w.normBias, epsilon: epsilon)
  }

  /// The decoder's state between steps: each layer's SSRU cell (C) and the cross-attention keys
  /// and values of the encoder output, projected once.
  struct DecoderState {
    var cells: [[Float]]
    var crossKeys: [(k: [Float], v: [Float])]
    let context: [Float]
    let sourceCount: Int
  }

  func startDecoding(context: [Float]) -> DecoderState {
    let s = context.count / hidden
    return DecoderState(
      cells: decoder.map { _ in [Float](repeating: 0, count: hidden) },
      crossKeys: decoder.map { layer in
        (
          linear(
            context, rows: s, weight: layer.cross.key, bias: layer.cross.keyBias, outputs: hidden),
          linear(
            context, rows: s, weight: layer.cross.value, bias: layer.cross.valueBias,
            outputs: hidden)
        )
      }, context: context, sourceCount: s)
  }

  /// One decoder step at position `position` after token `previous` (nil at the start): the
  /// logits (V) and each layer's cross-attention, [layer][head] (1, S).
  func step(previous: Int?, position: Int, state: inout DecoderState) -> (
    logits: [Float], cross: [[Matrix]]
  ) {
    var y = embed([previous ?? -1], start: position)
    var cross: [[Matrix]] = []
    for (l, layer) in decoder.enumerated() {
      let r = layer.recurrent
      var gate = linear(y, rows: 1, weight: r.gate, bias: r.gateBias, outputs: hidden)
      let candidate = linear(y, rows: 1, weight: r.candidate, bias: nil, outputs: hidden)
      var out = [Float](repeating: 0, count: hidden)
      for j in 0..<hidden {
        gate[j] = 1 / (1 + exp(-gate[j]))
        state.cells[l][j] = gate[j] * state.cells[l][j] + (1 - gate[j]) * candidate[j]
        out[j] = max(0, state.cells[l][j])
      }
      addInPlace(&out, y)
      y = layerNorm(out, columns: hidden, weight: r.normWeight, bias: r.normBias, epsilon: epsilon)
      let (attended, weights) = attend(
        layer.cross, queries: y, keysFrom: state.context, keys: state.sourceCount,
        projected: state.crossKeys[l])
      cross.append(weights)
      addInPlace(&y, attended)
      y = layerNorm(
        y, columns: hidden, weight: layer.cross.normWeight, bias: layer.cross.normBias,
        epsilon: epsilon)
      y = feedForward(layer.feedForward, y)
    }
    let logits = linear(
      y, rows: 1, weight: WeightMatrix(embedding), bias: outputBias, outputs: vocabulary)
    return (logits, cross)
  }
}
