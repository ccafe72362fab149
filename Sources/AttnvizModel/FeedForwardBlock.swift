import AttnvizMath

/// The built-in layer's block after its attention, as "Attention Is All You Need" (Vaswani et
/// al. 2017) draws it: post-norm, a ReLU feed-forward network four times as wide as the model,
/// and LayerNorm without a learned scale or shift (γ = 1, β = 0). Shapes: T tokens,
/// C = d_model, I = 4·C.
///
///     sum    = X + attention output           the residual connection
///     normed = LayerNorm(sum)                 each row to mean 0, variance 1
///     hidden = ReLU(normed · W1)              (T, I)
///     ffn    = hidden · W2                    (T, C)
///     output = LayerNorm(normed + ffn)        the block's output
///
/// W1 and W2 are drawn after Wq, Wk, Wv, Wo from the same SplitMix64 stream: W1's entries
/// standard normal times √(2 / C) (He initialisation, for ReLU), W2's times 1 / √I. No biases.
/// docs/embedded-layer.md describes it.
public struct FeedForwardBlock: Sendable, Equatable {
  /// (C, I)
  public var w1: Matrix
  /// (I, C)
  public var w2: Matrix

  public static let widthFactor = 4
  /// LayerNorm's ε, as PyTorch's default.
  public static let epsilon = 1e-5

  public init(w1: Matrix, w2: Matrix) {
    precondition(w1.columns == w2.rows && w1.rows == w2.columns, "W1 (C, I) and W2 (I, C)")
    self.w1 = w1
    self.w2 = w2
  }

  /// Draws W1 and W2 for d_model `dimension` from `rng`.
  public init(dimension: Int, rng: inout SplitMix64) {
    let inner = dimension * Self.widthFactor
    let sd1 = (2 / Double(dimension)).squareRoot()
    let w1 = Matrix(
      rows: dimension, columns: inner,
      values: (0..<(dimension * inner)).map { _ in rng.nextGaussian() * sd1 })
    let sd2 = 1 / Double(inner).squareRoot()
    let w2 = Matrix(
      rows: inner, columns: dimension,
      values: (0..<(inner * dimension)).map { _ in rng.nextGaussian() * sd2 })
    self.init(w1: w1, w2: w2)
  }

  /// The block's steps after attention: `x` the layer's input X, `attention` its output.
  public func steps(input x: Matrix, attention: Matrix) -> BlockSteps {
    let sum = x + attention
    let normed = Self.layerNorm(sum)
    var hidden = normed * w1
    for i in hidden.values.indices { hidden.values[i] = max(0, hidden.values[i]) }
    let ffn = hidden * w2
    return BlockSteps(
      residual: x, sum: sum, normed: normed, hidden: hidden, feedForward: ffn,
      output: Self.layerNorm(normed + ffn), norm: .layerNorm, postNorm: true,
      activation: "ReLU", gated: false)
  }

  /// Each row to mean 0 and variance 1 (population variance, plus ε), as LayerNorm with γ = 1,
  /// β = 0.
  public static func layerNorm(_ m: Matrix) -> Matrix {
    var out = m
    let c = Double(m.columns)
    for r in 0..<m.rows {
      let row = Array(m.row(r))
      let mean = row.reduce(0, +) / c
      let variance = row.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / c
      let scale = 1 / (variance + epsilon).squareRoot()
      for j in 0..<m.columns { out[r, j] = (row[j] - mean) * scale }
    }
    return out
  }
}
