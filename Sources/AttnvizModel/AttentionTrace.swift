import AttnvizMath
import AttnvizTokens

/// Every intermediate matrix of one self-attention layer, as the lecture walks through them.
/// Shapes: T tokens, C = d_model, H heads, D = d_k = C / H.
public struct LayerSteps: Sendable, Equatable {
  /// Token embeddings before position is added. (T, C)
  public var embeddings: Matrix
  /// The positional encoding added to them, or nil when the layer has none. (T, C)
  public var positionalEncoding: Matrix?
  /// X: the layer's input, embeddings + PE (or after LayerNorm, for pretrained models). (T, C)
  public var input: Matrix
  /// The shared projections, each (C, C), used at every position.
  public var wq: Matrix
  public var wk: Matrix
  public var wv: Matrix
  public var wo: Matrix
  /// Q = X·Wq, K = X·Wk, V = X·Wv (plus biases where the model has them). (T, C)
  public var q: Matrix
  public var k: Matrix
  public var v: Matrix
  /// Rotary models: Q and K before the rotation, and the angles it turns them by; nil for the
  /// others (their Q and K above are the projections themselves).
  public var rotation: RotationSteps?
  /// Per head: Q_h·K_hᵀ. H × (T, T)
  public var rawScores: [Matrix]
  /// Per head: Q_h·K_hᵀ / √D, before the mask. H × (T, T)
  public var scaledScores: [Matrix]
  /// Per head: softmax rows of the (masked) scaled scores. H × (T, T)
  public var weights: [Matrix]
  /// Per head: weights_h · V_h. H × (T, D)
  public var headOutputs: [Matrix]
  /// concat_h(headOutputs). (T, C)
  public var concatenated: Matrix
  /// concat · Wo (+ bias). (T, C)
  public var output: Matrix
  /// The rest of the block after attention (residual, norm, feed-forward), or nil for a layer
  /// that is attention only (a weights file).
  public var block: BlockSteps? = nil

  public init(
    embeddings: Matrix, positionalEncoding: Matrix?, input: Matrix, wq: Matrix, wk: Matrix,
    wv: Matrix, wo: Matrix, q: Matrix, k: Matrix, v: Matrix, rawScores: [Matrix],
    scaledScores: [Matrix], weights: [Matrix], headOutputs: [Matrix], concatenated: Matrix,
    output: Matrix, rotation: RotationSteps? = nil
  ) {
    self.embeddings = embeddings
    self.positionalEncoding = positionalEncoding
    self.input = input
    self.wq = wq
    self.wk = wk
    self.wv = wv
    self.wo = wo
    self.q = q
    self.k = k
    self.v = v
    self.rawScores = rawScores
    self.scaledScores = scaledScores
    self.weights = weights
    self.headOutputs = headOutputs
    self.concatenated = concatenated
    self.output = output
    self.rotation = rotation
  }
}

/// The rest of a Transformer block after its attention, with the block's own norm and
/// feed-forward network. Shapes: T tokens, C = d_model, I the feed-forward width.
///
///     pre-norm (GPT-2, Llama family)         post-norm (BERT, the built-in layer)
///     sum = x + attention                    sum = x + attention
///     normed = norm₂(sum)                    normed = norm₁(sum)
///     ffn = FFN(normed)                      ffn = FFN(normed)
///     output = sum + ffn                     output = norm₂(normed + ffn)
public struct BlockSteps: Sendable, Equatable {
  public enum Norm: Sendable, Equatable {
    /// Subtract each row's mean, divide by its standard deviation, then scale and shift.
    case layerNorm
    /// Divide each row by its root mean square, then scale (no mean, no shift).
    case rmsNorm
  }

  /// x: the residual stream entering the block (the attention's input before any norm). (T, C)
  public var residual: Matrix
  /// x + attention output. (T, C)
  public var sum: Matrix
  /// The feed-forward network's input: the norm of `sum`. (T, C)
  public var normed: Matrix
  /// The feed-forward network's hidden layer after its activation (and gate). (T, I)
  public var hidden: Matrix
  /// FFN(normed). (T, C)
  public var feedForward: Matrix
  /// The block's output, the next block's x. (T, C)
  public var output: Matrix
  public var norm: Norm
  /// Norms after the residual additions (BERT, the original Transformer) rather than before
  /// each sublayer (GPT-2, Llama).
  public var postNorm: Bool
  /// The activation's name as papers write it: "ReLU", "GELU", "SiLU".
  public var activation: String
  /// Gated (SwiGLU, GeGLU): hidden = act(x·W_gate) ⊙ (x·W_up).
  public var gated: Bool

  public init(
    residual: Matrix, sum: Matrix, normed: Matrix, hidden: Matrix, feedForward: Matrix,
    output: Matrix, norm: Norm, postNorm: Bool, activation: String, gated: Bool
  ) {
    self.residual = residual
    self.sum = sum
    self.normed = normed
    self.hidden = hidden
    self.feedForward = feedForward
    self.output = output
    self.norm = norm
    self.postNorm = postNorm
    self.activation = activation
    self.gated = gated
  }
}

/// What rotary position embedding (RoPE) does in one layer: Q and K as the projections (and
/// Qwen3's q/k norm) leave them, before the rotation, and the angle per position of each
/// dimension pair. Pair i of a head of size D is the head's dimensions i and i + D/2
/// (Hugging Face's rotate-half order); at position m it turns by m · frequencies[i].
public struct RotationSteps: Sendable, Equatable {
  /// Q before rotation. (T, H·D)
  public var q: Matrix
  /// K before rotation, per query head as `LayerSteps.k`. (T, H·D)
  public var k: Matrix
  /// θ, the configuration's `rope_theta`: frequencies[i] = θ^(−2i/D) before any rescaling.
  public var theta: Double
  /// The angle pair i turns per position, in radians, as the model uses it. (D/2)
  public var frequencies: [Double]
  /// How the frequencies were rescaled for long contexts ("llama3, factor 8"), nil when not.
  public var scaling: String?
  /// Q and K were RMS-normalised per head before the rotation (Qwen3's q/k norm).
  public var normalised: Bool

  public init(
    q: Matrix, k: Matrix, theta: Double, frequencies: [Double], scaling: String? = nil,
    normalised: Bool = false
  ) {
    self.q = q
    self.k = k
    self.theta = theta
    self.frequencies = frequencies
    self.scaling = scaling
    self.normalised = normalised
  }
}

/// One layer's attention: per head a T×T matrix, row = query, column = key, rows summing to 1.
/// `steps` holds the intermediates of the layer the caller asked for (`stepsLayer`: explain
/// asks, show does not); the built-in layer and weights files keep them up to
/// `maximumTokensWithSteps` tokens.
public struct LayerTrace: Sendable, Equatable {
  public var weights: [Matrix]
  public var steps: LayerSteps?
  /// Per head, per key token j: ‖f_h(x_j)‖, the length of what token j's value vector adds to
  /// the residual stream through head h (value projection, then the head's columns of the output
  /// projection; Kobayashi et al. 2020). H × T. nil when the model did not record them; the
  /// single-layer models give them through their `steps` (see `headTransformedNorms`).
  public var transformedNorms: [[Double]]?

  /// The sliding window this layer attends through (query i sees keys i−W+1 … i), or nil when
  /// it sees every earlier key (Gemma 3's global layers, most models' every layer).
  public var window: Int?

  public init(
    weights: [Matrix], steps: LayerSteps? = nil, transformedNorms: [[Double]]? = nil,
    window: Int? = nil
  ) {
    self.weights = weights
    self.steps = steps
    self.transformedNorms = transformedNorms
    self.window = window
  }

  /// ‖f_h(x_j)‖ (H × T): recorded by the engine, or computed from the kept intermediates of a
  /// single-layer model (V and Wo in attnviz's row-vector convention, head h reading columns
  /// h·D ..< (h+1)·D of V and rows h·D ..< (h+1)·D of Wo). nil when neither is there.
  public var headTransformedNorms: [[Double]]? {
    if let transformedNorms { return transformedNorms }
    guard let steps else { return nil }
    let heads = weights.count
    let (t, c) = (steps.v.rows, steps.wo.columns)
    guard heads > 0, steps.v.columns % heads == 0, steps.wo.rows == steps.v.columns else {
      return nil
    }
    let d = steps.v.columns / heads
    return (0..<heads).map { h in
      (0..<t).map { j in
        var squares = 0.0
        for out in 0..<c {
          var f = 0.0
          for k in 0..<d { f += steps.v[j, h * d + k] * steps.wo[h * d + k, out] }
          squares += f * f
        }
        return squares.squareRoot()
      }
    }
  }
}

/// The result of running a model on a text: the tokens and, per layer, the attention of every
/// head. `layers[l].weights[h][query, key]` is the JSON's `attention[l][h][query][key]`.
public struct AttentionTrace: Sendable, Equatable {
  public var text: String
  public var tokens: [Token]
  public var model: ModelInfo
  public var layers: [LayerTrace]
  /// Set when the input was cut to the model's limit (`--truncate`): the original token count.
  public var truncatedFrom: Int?

  public init(
    text: String, tokens: [Token], model: ModelInfo, layers: [LayerTrace], truncatedFrom: Int? = nil
  ) {
    self.text = text
    self.tokens = tokens
    self.model = model
    self.layers = layers
    self.truncatedFrom = truncatedFrom
  }
}

/// A text cut into the tokens a model runs on: tokenized once per run, then counted (the
/// memory estimate), checked and traced.
public struct TokenizedText: Sendable, Equatable {
  public var text: String
  /// After any truncation.
  public var tokens: [Token]
  /// Set when the text was cut to the model's limit (`--truncate`): the original token count.
  public var truncatedFrom: Int?

  public init(text: String, tokens: [Token], truncatedFrom: Int? = nil) {
    self.text = text
    self.tokens = tokens
    self.truncatedFrom = truncatedFrom
  }
}

/// Anything that turns text into an `AttentionTrace`: the embedded layer, a weights file, the
/// transformer engine.
public protocol AttentionModel: Sendable {
  var info: ModelInfo { get }
  /// The tokens the model runs on: cut to its limit when it truncates, else an error when the
  /// text is too long. Cheap next to the trace, so the memory a run needs can be estimated
  /// from `tokens.count` before the model allocates it.
  func tokenize(_ text: String) throws -> TokenizedText
  /// The attention of every layer, with the intermediates of layer `stepsLayer` (0-based; nil
  /// for none: `show` needs only the weights, `explain` the steps of one layer).
  func trace(_ input: TokenizedText, stepsLayer: Int?) throws -> AttentionTrace
}

extension AttentionModel {
  /// The attention of every layer, with the intermediates of the first layer.
  public func trace(_ text: String) throws -> AttentionTrace {
    try trace(tokenize(text), stepsLayer: 0)
  }

  public func trace(_ text: String, stepsLayer: Int?) throws -> AttentionTrace {
    try trace(tokenize(text), stepsLayer: stepsLayer)
  }
}
