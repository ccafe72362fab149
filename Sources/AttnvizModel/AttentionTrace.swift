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

  public init(weights: [Matrix], steps: LayerSteps? = nil) {
    self.weights = weights
    self.steps = steps
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
