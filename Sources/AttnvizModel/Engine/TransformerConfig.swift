import AttnvizMath

/// Everything the engine needs to know about a transformer besides its weights: which
/// architecture (and so which block order and tensor table), and its sizes. Read from a Hugging
/// Face `config.json` by `TransformerConfig(configJSON:path:)`, or built with the memberwise
/// initialiser by another checkpoint reader (GGUF metadata).
///
/// Letters as in the kernels: L layers, C hidden size, H query heads, G key/value heads (H is a
/// multiple of G), D head size (usually C / H; Qwen3 says it explicitly), I feed-forward width,
/// V vocabulary, P positions.
public struct TransformerConfig: Sendable, Equatable {
  /// The architectures the engine runs, named by their `config.json` `model_type`.
  public enum Architecture: String, Sendable, CaseIterable {
    case llama, mistral, qwen2, qwen3, bert, roberta, distilbert, gpt2
    /// Gemma (1): Llama's block with Gemma's (1 + w) norms, √C embeddings, GELU-tanh gating.
    case gemma
    /// Gemma 2: norms before and after each sub-block, alternating local (sliding-window) and
    /// global layers, soft-capped attention scores and logits.
    case gemma2
    /// Gemma 3's text model (`gemma3_text`): Gemma 2 without the score soft-cap, with q/k norms
    /// and a local rotary base on the windowed layers (five of every six).
    case gemma3 = "gemma3_text"
    /// Phi-3: Llama's block with Q, K, V fused in one projection and gate and up in another.
    case phi3
    /// OLMo 2: norms after the sub-blocks only, q/k RMSNorm over the whole projection.
    case olmo2

    /// Decoders (causal attention) vs encoders (every token sees every token).
    public var isCausal: Bool {
      switch self {
      case .llama, .mistral, .qwen2, .qwen3, .gpt2, .gemma, .gemma2, .gemma3, .phi3, .olmo2: true
      case .bert, .roberta, .distilbert: false
      }
    }

    /// Llama-family decoders: rotary positions, RMSNorm, a gated feed-forward, grouped-query
    /// attention (Gemma 2 and 3 add norms after the sub-blocks and sliding-window layers).
    public var isLlamaFamily: Bool {
      switch self {
      case .llama, .mistral, .qwen2, .qwen3, .gemma, .gemma2, .gemma3, .phi3, .olmo2: true
      case .bert, .roberta, .distilbert, .gpt2: false
      }
    }

    /// "bert, distilbert, gemma, gemma2, …" (the `config.json` model types) for error messages.
    public static var supportedList: String {
      allCases.map(\.rawValue).sorted().joined(separator: ", ")
    }
  }

  /// The feed-forward non-linearity (`hidden_act` / `activation_function` / `activation`).
  public enum Activation: String, Sendable, CaseIterable {
    /// Exact GELU, x/2 · (1 + erf(x/√2)) (BERT's "gelu").
    case gelu
    /// The tanh approximation (GPT-2's "gelu_new", also "gelu_pytorch_tanh").
    case geluTanh = "gelu_new"
    case relu
    /// x · sigmoid(x), gated as SwiGLU in Llama-family models ("silu", also "swish").
    case silu

    /// The name papers and lectures use ("GELU (tanh approximation)", "SiLU").
    public var paperName: String {
      switch self {
      case .gelu: "GELU"
      case .geluTanh: "GELU (tanh approximation)"
      case .relu: "ReLU"
      case .silu: "SiLU"
      }
    }
  }

  /// How rotary frequencies are rescaled for long contexts (`rope_scaling`): AttnvizMath's,
  /// beside the one frequency rule (`RotaryFrequencies`).
  public typealias RopeScaling = AttnvizMath.RopeScaling

  public var architecture: Architecture
  /// L
  public var layers: Int
  /// C
  public var hidden: Int
  /// H: query heads.
  public var heads: Int
  /// G: key/value heads (= H without grouped-query attention).
  public var kvHeads: Int
  /// D: the size of one head.
  public var headDim: Int
  /// I: the feed-forward width.
  public var intermediate: Int
  /// ε of every LayerNorm / RMSNorm.
  public var normEpsilon: Double
  public var activation: Activation
  /// RoPE base θ (Llama-family only).
  public var ropeTheta: Double
  public var ropeScaling: RopeScaling
  /// P: the most positions the model has (learned position tables have P rows).
  public var maxPositions: Int
  /// V
  public var vocabularySize: Int
  /// The LM head shares the token embeddings: without an `lm_head.weight` tensor, logits are
  /// computed with the token embedding table.
  public var tiedEmbeddings: Bool
  /// Biases on the query, key and value projections (Qwen2; Llama with `attention_bias`).
  public var qkvBias: Bool
  /// A bias on the attention output projection (Llama with `attention_bias`).
  public var outputBias: Bool
  /// Biases on the feed-forward projections (Llama with `mlp_bias`).
  public var mlpBias: Bool
  /// Per-head RMSNorm of queries and keys before RoPE (Qwen3).
  public var qkNorm: Bool
  /// The sliding window: on a windowed layer query i sees keys i−W+1 … i. nil: no window.
  public var slidingWindow: Int?
  /// Which layers the window applies to: nil, every layer (Mistral); n, all but every n-th
  /// (Gemma 3: 6, so layers 6, 12, 18 counting from 1 attend globally).
  public var globalLayerPeriod: Int?
  /// The RoPE base θ of the windowed layers when it differs from `ropeTheta` (Gemma 3: 10 000
  /// local, 1 000 000 global).
  public var localRopeTheta: Double?
  /// Gemma's `query_pre_attn_scalar` s: scores are scaled by 1/√s instead of 1/√D.
  public var queryPreAttentionScalar: Double?
  /// Gemma 2's `attn_logit_softcapping` c: scaled scores s become c·tanh(s/c) before the mask
  /// and the softmax. nil: no cap.
  public var attentionSoftCap: Double?
  /// Gemma 2's `final_logit_softcapping` c: logits z become c·tanh(z/c). nil: no cap.
  public var finalLogitSoftCap: Double?
  /// Token-type (segment) embeddings rows (BERT, RoBERTa); 0 when the model has none.
  public var typeVocabularySize: Int
  /// RoBERTa's padding index (`pad_token_id`): positions count from paddingIndex + 1 and skip
  /// padding tokens. nil for everyone else (positions 0, 1, 2, …).
  public var paddingIndex: Int?
  /// Where the sizes were read, so that a size the engine refuses is named as the file spells
  /// it (`"n_layer": 1000000 in config.json`). Empty for a configuration built in code.
  public var origin = Origin()

  public init(
    architecture: Architecture, layers: Int, hidden: Int, heads: Int, kvHeads: Int? = nil,
    headDim: Int? = nil, intermediate: Int, normEpsilon: Double, activation: Activation? = nil,
    ropeTheta: Double = 10_000, ropeScaling: RopeScaling = .none, maxPositions: Int,
    vocabularySize: Int, tiedEmbeddings: Bool = true, qkvBias: Bool = false,
    outputBias: Bool = false, mlpBias: Bool = false, qkNorm: Bool = false,
    slidingWindow: Int? = nil, typeVocabularySize: Int = 0, paddingIndex: Int? = nil
  ) {
    self.architecture = architecture
    self.layers = layers
    self.hidden = hidden
    self.heads = heads
    self.kvHeads = kvHeads ?? heads
    self.headDim = headDim ?? (heads > 0 ? hidden / heads : 0)
    self.intermediate = intermediate
    self.normEpsilon = normEpsilon
    self.activation = activation ?? Self.defaultActivation(architecture)
    self.ropeTheta = ropeTheta
    self.ropeScaling = ropeScaling
    self.maxPositions = maxPositions
    self.vocabularySize = vocabularySize
    self.tiedEmbeddings = tiedEmbeddings
    self.qkvBias = qkvBias
    self.outputBias = outputBias
    self.mlpBias = mlpBias
    self.qkNorm = qkNorm
    self.slidingWindow = slidingWindow
    self.typeVocabularySize = typeVocabularySize
    self.paddingIndex = paddingIndex
  }

  static func defaultActivation(_ architecture: Architecture) -> Activation {
    switch architecture {
    case .llama, .mistral, .qwen2, .qwen3, .phi3, .olmo2: .silu
    case .bert, .roberta, .distilbert: .gelu
    case .gpt2, .gemma, .gemma2, .gemma3: .geluTanh
    }
  }

  /// Whether layer `l` (from 0) attends through the sliding window.
  public func isSlidingLayer(_ l: Int) -> Bool {
    guard slidingWindow != nil else { return false }
    guard let period = globalLayerPeriod else { return true }
    return (l + 1) % period != 0
  }

  /// The RoPE base of layer `l` (from 0): `localRopeTheta` on windowed layers when set.
  public func ropeTheta(layer l: Int) -> Double {
    isSlidingLayer(l) ? localRopeTheta ?? ropeTheta : ropeTheta
  }

  /// The rotary scaling of layer `l` (from 0): `ropeScaling`, except on windowed layers with
  /// their own base (`localRopeTheta`, Gemma 3), which keep plain frequencies: Gemma 3 scales
  /// its global layers only (transformers' `rope_parameters.sliding_attention` is default, and
  /// transformers 4 applied `rope_scaling` to the global rotary embedding alone; llama.cpp's
  /// `rope_freq_scale_train_swa` is 1 for gemma3).
  public func ropeScaling(layer l: Int) -> RopeScaling {
    isSlidingLayer(l) && localRopeTheta != nil ? RopeScaling.none : ropeScaling
  }

  /// The factor raw scores q·k are multiplied by: 1/√D, or 1/√s with `queryPreAttentionScalar`.
  public var attentionScale: Float {
    1 / Float(queryPreAttentionScalar ?? Double(headDim)).squareRoot()
  }
}
