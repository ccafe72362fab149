import AttnvizFiles
import Foundation

extension TransformerConfig {
  /// Reads a Hugging Face `config.json`: `model_type` picks the architecture, and each
  /// architecture's own key names give the sizes. Settings that would change the computation in
  /// ways the engine does not follow are refused with the field named, never ignored. `path` is
  /// only used in messages.
  public init(configJSON data: Data, path: String) throws {
    let fields = try ConfigFields(data: data, path: path)
    guard let type = fields.root["model_type"]?.string else {
      throw fields.fail(
        "model_type", "is missing; supported: \(Architecture.supportedList)")
    }
    guard let architecture = Architecture(rawValue: type) else {
      throw fields.fail(
        "model_type", "is \"\(type)\"; attnviz reads \(Architecture.supportedList)")
    }
    switch architecture {
    case .llama, .mistral, .qwen2, .qwen3: self = try Self.llamaFamily(architecture, fields)
    case .bert, .roberta: self = try Self.bert(architecture, fields)
    case .distilbert: self = try Self.distilbert(fields)
    case .gpt2: self = try Self.gpt2(fields)
    case .gemma, .gemma2, .gemma3: self = try Self.gemma(architecture, fields)
    case .phi3, .olmo2: self = try Self.llamaFamily(architecture, fields)
    }
  }

  /// Gemma, Gemma 2 and Gemma 3 text models (`configuration_gemma*.py`): head_dim stated,
  /// `hidden_activation` (Gemma 1's legacy "gelu" means the tanh approximation), Gemma 2/3's
  /// `query_pre_attn_scalar`, soft-caps and local/global layers (`layer_types`, else every
  /// second (Gemma 2) or sixth (Gemma 3, `sliding_window_pattern`) layer global), Gemma 3's two
  /// rotary bases (`rope_parameters.full_attention` / `.sliding_attention`, or transformers 4's
  /// `rope_theta` and `rope_local_base_freq`).
  static func gemma(_ architecture: Architecture, _ f: ConfigFields) throws -> Self {
    if try f.flag("use_bidirectional_attention") == true {
      throw f.fail("use_bidirectional_attention", "is true; attnviz runs Gemma as a decoder only")
    }
    let heads = try f.integer("num_attention_heads")
    var activation =
      try f.activation("hidden_activation") ?? f.activation("hidden_act") ?? .geluTanh
    if architecture == .gemma, activation == .gelu { activation = .geluTanh }
    let sandwich = architecture != .gemma
    var theta = 10_000.0
    var localTheta: Double?
    var scaling = RopeScaling.none
    if architecture == .gemma3,
      let parameters = f.root["rope_parameters"], parameters.object != nil,
      parameters["full_attention"] != nil || parameters["sliding_attention"] != nil
    {
      for (kind, key) in [("full_attention", true), ("sliding_attention", false)] {
        guard let value = parameters[kind] else { continue }
        guard value.object != nil else {
          throw f.fail("rope_parameters.\(kind)", "must be an object")
        }
        let kindScaling = try f.ropeScaling(value, field: "rope_parameters.\(kind)")
        let base = try f.positiveNumber("rope_theta", in: value)
        if key {
          theta = base ?? 1_000_000
          scaling = kindScaling
        } else {
          localTheta = base ?? 10_000
          guard kindScaling == .none else {
            throw f.fail(
              "rope_parameters.\(kind)",
              "is scaled; attnviz scales the rotary frequencies of Gemma 3's global layers only")
          }
        }
      }
      localTheta = localTheta ?? 10_000
    } else {
      theta = try f.ropeTheta(default: architecture == .gemma3 ? 1_000_000 : 10_000)
      scaling = try f.ropeScaling()
      if architecture == .gemma3 {
        localTheta = try f.positiveNumber("rope_local_base_freq") ?? 10_000
      }
    }
    let layers = try f.integer("num_hidden_layers")
    var window: Int? = nil
    var period: Int? = nil
    if sandwich {
      window = try f.optionalInteger("sliding_window") ?? 4096
      period = try f.globalLayerPeriod(
        layers: layers,
        fallback: architecture == .gemma2
          ? 2 : try f.optionalInteger("sliding_window_pattern") ?? 6)
    }
    var config = TransformerConfig(
      architecture: architecture, layers: layers, hidden: try f.integer("hidden_size"),
      heads: heads, kvHeads: try f.optionalInteger("num_key_value_heads") ?? heads,
      headDim: try f.optionalInteger("head_dim") ?? 256,
      intermediate: try f.integer("intermediate_size"),
      normEpsilon: try f.positiveNumber("rms_norm_eps") ?? 1e-6, activation: activation,
      ropeTheta: theta, ropeScaling: scaling,
      maxPositions: try f.integer("max_position_embeddings"),
      vocabularySize: try f.integer("vocab_size"),
      tiedEmbeddings: try f.flag("tie_word_embeddings") ?? true,
      qkvBias: try f.flag("attention_bias") ?? false,
      outputBias: try f.flag("attention_bias") ?? false, qkNorm: architecture == .gemma3,
      slidingWindow: window)
    config.globalLayerPeriod = period
    config.localRopeTheta = localTheta
    if sandwich {
      config.queryPreAttentionScalar = try f.positiveNumber("query_pre_attn_scalar") ?? 256
      config.attentionSoftCap = try f.softCap("attn_logit_softcapping")
      config.finalLogitSoftCap = try f.softCap("final_logit_softcapping")
    }
    config.origin = f.origin([
      .layers: "num_hidden_layers", .hidden: "hidden_size", .heads: "num_attention_heads",
      .kvHeads: "num_key_value_heads", .headDim: "head_dim", .intermediate: "intermediate_size",
      .maxPositions: "max_position_embeddings", .vocabularySize: "vocab_size",
      .normEpsilon: "rms_norm_eps", .ropeTheta: "rope_theta", .slidingWindow: "sliding_window",
    ])
    return config
  }

  static func llamaFamily(_ architecture: Architecture, _ f: ConfigFields) throws -> Self {
    let heads = try f.integer("num_attention_heads")
    let hidden = try f.integer("hidden_size")
    let bias = try f.flag("attention_bias") ?? false
    if architecture == .qwen2 || architecture == .qwen3 {
      if try f.flag("use_sliding_window") == true {
        throw f.fail(
          "use_sliding_window", "is true; attnviz runs Qwen models with full attention only")
      }
    }
    if let kinds = f.root["layer_types"]?.strings,
      kinds.contains(where: { $0 != "full_attention" })
    {
      throw f.fail("layer_types", "has sliding-attention layers; attnviz runs full attention only")
    }
    if architecture == .phi3 {
      // Phi-3's rope_parameters may carry partial_rotary_factor (Phi-4-mini: 0.75) and
      // longrope factors (the 128k models): neither is computed here.
      let parameters = f.root["rope_parameters"] ?? f.root["rope_scaling"]
      if let partial = parameters?["partial_rotary_factor"] ?? f.root["partial_rotary_factor"],
        partial.number != 1
      {
        throw f.fail(
          "partial_rotary_factor",
          "is \(partial.messageText); attnviz rotates whole heads (1.0) only")
      }
    }
    let window =
      [.mistral, .phi3].contains(architecture) ? try f.optionalInteger("sliding_window") : nil
    var config = TransformerConfig(
      architecture: architecture, layers: try f.integer("num_hidden_layers"), hidden: hidden,
      heads: heads, kvHeads: try f.optionalInteger("num_key_value_heads") ?? heads,
      headDim: try f.optionalInteger("head_dim") ?? hidden / heads,
      intermediate: try f.integer("intermediate_size"),
      normEpsilon: try f.positiveNumber("rms_norm_eps") ?? 1e-6,
      activation: try f.activation("hidden_act") ?? .silu,
      ropeTheta: try f.ropeTheta(), ropeScaling: try f.ropeScaling(),
      maxPositions: try f.integer("max_position_embeddings"),
      vocabularySize: try f.integer("vocab_size"),
      tiedEmbeddings: try f.flag("tie_word_embeddings") ?? false,
      qkvBias: architecture == .qwen2 || bias, outputBias: bias,
      mlpBias: try f.flag("mlp_bias") ?? false,
      qkNorm: architecture == .qwen3 || architecture == .olmo2,
      slidingWindow: window)
    config.origin = f.origin([
      .layers: "num_hidden_layers", .hidden: "hidden_size", .heads: "num_attention_heads",
      .kvHeads: "num_key_value_heads", .headDim: "head_dim", .intermediate: "intermediate_size",
      .maxPositions: "max_position_embeddings", .vocabularySize: "vocab_size",
      .normEpsilon: "rms_norm_eps", .ropeTheta: "rope_theta",
      .ropeScaling: f.root.given("rope_parameters") != nil ? "rope_parameters" : "rope_scaling",
      .slidingWindow: "sliding_window",
    ])
    return config
  }

  static func bert(_ architecture: Architecture, _ f: ConfigFields) throws -> Self {
    if let kind = f.root["position_embedding_type"]?.string, kind != "absolute" {
      throw f.fail("position_embedding_type", "is \"\(kind)\"; only \"absolute\" is supported")
    }
    let hidden = try f.integer("hidden_size")
    let heads = try f.integer("num_attention_heads")
    guard hidden % heads == 0 else {
      throw f.fail("num_attention_heads", "(\(heads)) must divide hidden_size (\(hidden))")
    }
    var config = TransformerConfig(
      architecture: architecture, layers: try f.integer("num_hidden_layers"), hidden: hidden,
      heads: heads, intermediate: try f.integer("intermediate_size"),
      normEpsilon: try f.positiveNumber("layer_norm_eps") ?? 1e-12,
      activation: try f.activation("hidden_act") ?? .gelu,
      maxPositions: try f.integer("max_position_embeddings"),
      vocabularySize: try f.integer("vocab_size"),
      typeVocabularySize: try f.optionalInteger("type_vocab_size") ?? 2,
      paddingIndex: architecture == .roberta
        ? try f.optionalInteger("pad_token_id", minimum: 0) ?? 1 : nil)
    config.origin = f.origin([
      .layers: "num_hidden_layers", .hidden: "hidden_size", .heads: "num_attention_heads",
      .intermediate: "intermediate_size", .normEpsilon: "layer_norm_eps",
      .maxPositions: "max_position_embeddings", .vocabularySize: "vocab_size",
      .typeVocabularySize: "type_vocab_size", .paddingIndex: "pad_token_id",
    ])
    return config
  }

  static func distilbert(_ f: ConfigFields) throws -> Self {
    let hidden = try f.integer("dim")
    let heads = try f.integer("n_heads")
    guard hidden % heads == 0 else {
      throw f.fail("n_heads", "(\(heads)) must divide dim (\(hidden))")
    }
    // DistilBERT's LayerNorms use ε = 1e-12, fixed in modeling_distilbert.py.
    var config = TransformerConfig(
      architecture: .distilbert, layers: try f.integer("n_layers"), hidden: hidden,
      heads: heads, intermediate: try f.integer("hidden_dim"), normEpsilon: 1e-12,
      activation: try f.activation("activation") ?? .gelu,
      maxPositions: try f.integer("max_position_embeddings"),
      vocabularySize: try f.integer("vocab_size"))
    config.origin = f.origin([
      .layers: "n_layers", .hidden: "dim", .heads: "n_heads", .intermediate: "hidden_dim",
      .maxPositions: "max_position_embeddings", .vocabularySize: "vocab_size",
    ])
    return config
  }

  static func gpt2(_ f: ConfigFields) throws -> Self {
    let hidden = try f.integer("n_embd")
    let heads = try f.integer("n_head")
    guard hidden % heads == 0 else {
      throw f.fail("n_head", "(\(heads)) must divide n_embd (\(hidden))")
    }
    // Variants of the attention that the engine (QKᵀ/√D) does not compute.
    if try f.flag("scale_attn_weights") == false {
      throw f.fail("scale_attn_weights", "is false; attnviz computes GPT-2's QKᵀ/√D only")
    }
    if try f.flag("scale_attn_by_inverse_layer_idx") == true {
      throw f.fail("scale_attn_by_inverse_layer_idx", "is true; attnviz computes QKᵀ/√D only")
    }
    if try f.flag("add_cross_attention") == true {
      throw f.fail("add_cross_attention", "is true; attnviz reads decoder-only GPT-2 models")
    }
    var config = TransformerConfig(
      architecture: .gpt2, layers: try f.integer("n_layer"), hidden: hidden, heads: heads,
      intermediate: try f.optionalInteger("n_inner") ?? 4 * hidden,
      normEpsilon: try f.positiveNumber("layer_norm_epsilon") ?? 1e-5,
      activation: try f.activation("activation_function") ?? .geluTanh,
      maxPositions: try f.optionalInteger("n_positions") ?? f.integer("n_ctx"),
      vocabularySize: try f.integer("vocab_size"))
    config.origin = f.origin([
      .layers: "n_layer", .hidden: "n_embd", .heads: "n_head", .intermediate: "n_inner",
      .normEpsilon: "layer_norm_epsilon",
      .maxPositions: f.root["n_positions"]?.number != nil ? "n_positions" : "n_ctx",
      .vocabularySize: "vocab_size",
    ])
    return config
  }
}

/// Typed fields of a parsed config.json, each error naming the field.
struct ConfigFields {
  let root: JSONValue
  let path: String

  init(data: Data, path: String) throws {
    self.path = path
    // The structure check first (depth, repeated keys, a top-level object): see ConfigJSON.
    root = try parseConfigObject([UInt8](data), path: path + "/config.json")
  }

  func fail(_ field: String, _ reason: String) -> ModelError {
    .badModel(path: path, reason: "config.json field \"\(field)\" \(reason)")
  }

  /// The origin of a configuration read from this file: the key of each setting, for those
  /// present in it (a defaulted or derived setting is not blamed on a key).
  func origin(_ keys: [TransformerConfig.Field: String]) -> TransformerConfig.Origin {
    TransformerConfig.Origin(
      file: "config.json",
      keys: keys.filter { root.given($0.value) != nil })
  }

  func integer(_ field: String) throws -> Int {
    guard let value = try optionalInteger(field) else { throw fail(field, "is missing") }
    return value
  }

  /// nil when absent or null.
  func optionalInteger(_ field: String, minimum: Int = 1) throws -> Int? {
    guard let value = root.given(field) else { return nil }
    guard let number = value.number, let int = Int(exactly: number),
      (minimum...TransformerConfig.largestSize).contains(int)
    else {
      throw fail(
        field,
        "must be a whole number from \(minimum) to \(TransformerConfig.largestSize), "
          + "not \(value.messageText)")
    }
    return int
  }

  func positiveNumber(_ field: String, in object: JSONValue? = nil) throws -> Double? {
    guard let value = (object ?? root).given(field) else { return nil }
    guard let number = value.number, number > 0 else {
      throw fail(field, "must be a positive number, not \(value.messageText)")
    }
    return number
  }

  func flag(_ field: String) throws -> Bool? {
    guard let value = root.given(field) else { return nil }
    guard let flag = value.bool else { throw fail(field, "must be true or false") }
    return flag
  }

  func activation(_ field: String) throws -> TransformerConfig.Activation? {
    guard let value = root.given(field) else { return nil }
    let names: [String: TransformerConfig.Activation] = [
      "gelu": .gelu, "gelu_new": .geluTanh, "gelu_pytorch_tanh": .geluTanh, "relu": .relu,
      "silu": .silu, "swish": .silu,
    ]
    guard let name = value.string, let activation = names[name] else {
      throw fail(
        field,
        "is \"\(value.messageText)\"; supported: \(names.keys.sorted().joined(separator: ", "))")
    }
    return activation
  }

  /// A soft-cap: absent or null for none, else a positive number (0 or NaN is refused, not
  /// read as "no cap").
  func softCap(_ field: String) throws -> Double? {
    guard let value = root.given(field) else { return nil }
    guard let number = value.number, number > 0 else {
      throw fail(field, "must be a positive number or null (no cap), not \(value.messageText)")
    }
    return number
  }

  /// Which layers attend through the window, as `TransformerConfig.globalLayerPeriod`:
  /// `layer_types` when given (it must be the pattern "every n-th layer global", the one the
  /// engine follows), else the architecture's period `fallback`.
  func globalLayerPeriod(layers: Int, fallback: Int) throws -> Int {
    guard let value = root.given("layer_types") else { return fallback }
    guard let kinds = value.strings, kinds.count == layers,
      kinds.allSatisfy({ $0 == "sliding_attention" || $0 == "full_attention" })
    else {
      throw fail(
        "layer_types",
        "must list \"sliding_attention\" or \"full_attention\" for each of the \(layers) layers")
    }
    let period = (kinds.firstIndex(of: "full_attention") ?? layers) + 1
    let expected = (0..<layers).map {
      ($0 + 1) % period == 0 ? "full_attention" : "sliding_attention"
    }
    guard kinds == expected else {
      throw fail(
        "layer_types",
        "is not \"every n-th layer global\" (\(kinds.joined(separator: ", "))); attnviz runs "
          + "that pattern only")
    }
    return period
  }

  /// transformers 4 writes `rope_theta` at the top level; 5 writes it inside `rope_parameters`.
  func ropeTheta(default fallback: Double = 10_000) throws -> Double {
    if let value = root.given("rope_parameters"), value.object == nil {
      throw fail("rope_parameters", "must be an object")
    }
    if let parameters = root.given("rope_parameters"),
      let theta = try positiveNumber("rope_theta", in: parameters)
    {
      return theta
    }
    return try positiveNumber("rope_theta") ?? fallback
  }

  /// `rope_scaling` (transformers 4) or `rope_parameters` (5): none/default, linear or llama3.
  func ropeScaling() throws -> TransformerConfig.RopeScaling {
    let field = root.given("rope_parameters") != nil ? "rope_parameters" : "rope_scaling"
    guard let scaling = root.given(field) else { return .none }
    return try ropeScaling(scaling, field: field)
  }

  /// One rope object (`field` names it in errors).
  func ropeScaling(_ scaling: JSONValue, field: String) throws -> TransformerConfig.RopeScaling {
    guard scaling.object != nil else { throw fail(field, "must be an object") }
    let kind = (scaling["rope_type"] ?? scaling["type"])?.string ?? "default"
    func number(_ key: String) throws -> Double {
      guard let value = try positiveNumber(key, in: scaling) else {
        throw fail("\(field).\(key)", "is missing (\(kind) rope scaling needs it)")
      }
      return value
    }
    switch kind {
    case "default": return .none
    case "linear": return .linear(factor: try number("factor"))
    case "llama3":
      let original = try number("original_max_position_embeddings")
      guard let originalInt = Int(exactly: original) else {
        throw fail("\(field).original_max_position_embeddings", "must be a whole number")
      }
      return .llama3(
        factor: try number("factor"), lowFrequencyFactor: try number("low_freq_factor"),
        highFrequencyFactor: try number("high_freq_factor"), originalMaxPositions: originalInt)
    default:
      throw fail(
        field,
        "has rope_type \"\(kind)\"; attnviz supports \"default\", \"linear\" and \"llama3\" only")
    }
  }
}
