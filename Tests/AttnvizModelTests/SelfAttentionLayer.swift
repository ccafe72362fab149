import AttnvizMath
import AttnvizModel

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// The hand-checkable reference for the single-layer models: one multi-head self-attention
/// layer written straight from the formulas, in Double, with its own softmax and mask, as
/// llm.c keeps its test against PyTorch. attnviz runs these layers through the engine's
/// kernel (`AttentionLayerWeights.run`); SingleLayerReferenceTests checks that every number it
/// gives equals this layer's to the bit. The conventions (other tools check against them):
///
///     X = embeddings + PE                      (T, C), row vectors
///     Q = X·Wq + bq,  K = X·Wk + bk,  V = X·Wv + bv
///     head h uses columns h·D ..< (h+1)·D      D = C / H
///     weights_h = softmax(Q_h·K_hᵀ / √D)       row by row, max subtracted;
///                                              causal: query i sees keys 0…i only
///     output = concat_h(weights_h · V_h) · Wo + bo
public struct SelfAttentionLayer: Sendable, Equatable {
  public var wq: Matrix
  public var wk: Matrix
  public var wv: Matrix
  public var wo: Matrix
  public var bq: [Double]?
  public var bk: [Double]?
  public var bv: [Double]?
  public var bo: [Double]?
  public var heads: Int
  public var causal: Bool

  public init(
    wq: Matrix, wk: Matrix, wv: Matrix, wo: Matrix, bq: [Double]? = nil, bk: [Double]? = nil,
    bv: [Double]? = nil, bo: [Double]? = nil, heads: Int, causal: Bool
  ) {
    precondition(heads > 0 && wq.columns % heads == 0, "heads must divide d_model")
    self.wq = wq
    self.wk = wk
    self.wv = wv
    self.wo = wo
    self.bq = bq
    self.bk = bk
    self.bv = bv
    self.bo = bo
    self.heads = heads
    self.causal = causal
  }

  public var modelDimension: Int { wq.rows }
  public var headDimension: Int { wq.columns / heads }

  /// Runs the layer on `embeddings` (T, C) with `positionalEncoding` added when given, keeping
  /// every intermediate.
  public func forward(embeddings: Matrix, positionalEncoding: Matrix?) -> LayerSteps {
    let x = positionalEncoding.map { embeddings + $0 } ?? embeddings
    return forward(input: x, embeddings: embeddings, positionalEncoding: positionalEncoding)
  }

  /// Runs the layer on an already prepared input X (T, C); `embeddings` and
  /// `positionalEncoding` are only recorded.
  public func forward(input x: Matrix, embeddings: Matrix, positionalEncoding: Matrix?)
    -> LayerSteps
  {
    let q = addBias(x * wq, bq)  // (T, C)
    let k = addBias(x * wk, bk)
    let v = addBias(x * wv, bv)
    let d = headDimension
    let scale = 1 / Double(d).squareRoot()
    var rawScores: [Matrix] = []
    var scaledScores: [Matrix] = []
    var weights: [Matrix] = []
    var headOutputs: [Matrix] = []
    for h in 0..<heads {
      let columns = (h * d)..<((h + 1) * d)
      let qh = q.columns(columns)  // (T, D)
      let kh = k.columns(columns)
      let vh = v.columns(columns)
      let raw = qh * kh.transposed  // (T, T)
      let scaled = raw * scale
      let w = softmaxRows(scaled, isMasked: causal ? { isFutureKey(query: $0, key: $1) } : nil)
      rawScores.append(raw)
      scaledScores.append(scaled)
      weights.append(w)
      headOutputs.append(w * vh)  // (T, D)
    }
    let concatenated = Matrix.concatenateColumns(headOutputs)  // (T, C)
    let output = addBias(concatenated * wo, bo)
    return LayerSteps(
      embeddings: embeddings, positionalEncoding: positionalEncoding, input: x, wq: wq, wk: wk,
      wv: wv, wo: wo, q: q, k: k, v: v, rawScores: rawScores, scaledScores: scaledScores,
      weights: weights, headOutputs: headOutputs, concatenated: concatenated, output: output)
  }
}

extension SelfAttentionLayer {
  /// Only the attention weights, per head, of the input X (T, C): for long texts, where the
  /// intermediates (two more T×T matrices per head) would not fit the memory budget. The same
  /// arithmetic as `forward`, with the scores scaled in place, so the weights are identical.
  public func attentionWeights(input x: Matrix) -> [Matrix] {
    let q = addBias(x * wq, bq)  // (T, C)
    let k = addBias(x * wk, bk)
    let d = headDimension
    let scale = 1 / Double(d).squareRoot()
    return (0..<heads).map { h in
      let columns = (h * d)..<((h + 1) * d)
      var scores = q.columns(columns) * k.columns(columns).transposed  // (T, T)
      for i in scores.values.indices { scores.values[i] *= scale }
      return softmaxRows(scores, isMasked: causal ? { isFutureKey(query: $0, key: $1) } : nil)
    }
  }
}

/// Adds a bias row vector to every row.
func addBias(_ m: Matrix, _ bias: [Double]?) -> Matrix {
  guard let bias else { return m }
  precondition(bias.count == m.columns, "bias length \(bias.count) for \(m.columns) columns")
  var out = m
  for r in 0..<m.rows {
    for c in 0..<m.columns { out[r, c] += bias[c] }
  }
  return out
}
