import AttnvizFiles
import Foundation

extension TransformerModel {
  /// The GGUF architectures attnviz runs (`general.architecture`).
  public static let ggufArchitectures: [String: TransformerConfig.Architecture] = [
    "llama": .llama, "mistral": .mistral, "qwen2": .qwen2, "qwen3": .qwen3, "gemma": .gemma,
    "gemma2": .gemma2, "gemma3": .gemma3, "phi3": .phi3, "olmo2": .olmo2,
  ]

  /// What llama.cpp knows about an architecture without a metadata key for it
  /// (`load_arch_hparams` in src/models/gemma2.cpp, gemma3.cpp): Gemma 2 windows every other
  /// layer, Gemma 3 all but every sixth, rotating the windowed ones with base 10 000
  /// (`rope.freq_base_swa` overrides it); both scale scores by 1/√(key length), except the
  /// 27B models (46 and 62 layers), scaled by 1/√(C/H).
  struct GGUFLayerPattern {
    var globalLayerPeriod: Int
    var localRopeTheta: Double?
    var hiddenPerHeadScaleLayers: Int
  }

  static let ggufLayerPatterns: [String: GGUFLayerPattern] = [
    "gemma2": GGUFLayerPattern(
      globalLayerPeriod: 2, localRopeTheta: nil, hiddenPerHeadScaleLayers: 46),
    "gemma3": GGUFLayerPattern(
      globalLayerPeriod: 6, localRopeTheta: 10_000, hiddenPerHeadScaleLayers: 62),
  ]

  /// Loads a GGUF file (llama.cpp, Ollama, LM Studio): the configuration from its metadata,
  /// the tokenizer from `tokenizer.ggml.*`, the weights memory-mapped and converted to Float32
  /// layer by layer (`GGUFCheckpoint`). `name` is what titles and the JSON call the model.
  public init(gguf path: String, name: String? = nil, truncate: Bool = false) throws {
    let file = try GGUFFile(path: path)
    let config = try TransformerConfig(gguf: file)
    let tokenizer = try file.header.tokenizer(file: path)
    let checkpoint = GGUFCheckpoint(
      file: file, permuteQK: file.header.value("general.architecture")?.stringValue == "llama",
      heads: config.heads, kvHeads: config.kvHeads,
      blockNames: ArchitectureLayout(config.architecture).ggufBlockNames)
    let modelName = name ?? URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
    try self.init(
      config: config, tensors: checkpoint, tokenizer: tokenizer, name: modelName,
      location: path, truncate: truncate)
  }
}

extension TransformerConfig {
  /// The configuration a GGUF file's metadata gives, as transformers reads it
  /// (`GGUF_CONFIG_MAPPING`): `{arch}.block_count`, `.embedding_length`,
  /// `.attention.head_count(_kv)`, `.feed_forward_length`, `.attention.layer_norm_rms_epsilon`,
  /// `.rope.freq_base`, `.context_length`; biases, q/k norms and tied embeddings from which
  /// tensors are present.
  public init(gguf file: GGUFFile) throws {
    let header = file.header
    func fail(_ reason: String, _ key: String? = nil) -> GGUFError {
      GGUFError(file: file.path, subject: key.map { "key \"\($0)\"" }, reason: reason)
    }
    guard let name = header.value("general.architecture")?.stringValue else {
      throw fail("is missing; attnviz cannot tell which model this is", "general.architecture")
    }
    guard let architecture = TransformerModel.ggufArchitectures[name] else {
      throw fail(
        "is \"\(name)\"; attnviz runs GGUF files of the architectures "
          + TransformerModel.ggufArchitectures.keys.sorted().joined(separator: ", "),
        "general.architecture")
    }
    func int(_ key: String) throws -> Int {
      guard let value = header.value("\(name).\(key)")?.intValue, value > 0 else {
        throw fail("is missing or not a positive integer", "\(name).\(key)")
      }
      return value
    }
    // Present but of the wrong type (a string where a number belongs) is an error naming the
    // key, never silently the default.
    func optionalInt(_ key: String) throws -> Int? {
      guard let value = header.value("\(name).\(key)") else { return nil }
      guard let number = value.intValue else { throw fail("is not an integer", "\(name).\(key)") }
      return number
    }
    func double(_ key: String) throws -> Double? {
      guard let value = header.value("\(name).\(key)") else { return nil }
      guard let number = value.doubleValue else { throw fail("is not a number", "\(name).\(key)") }
      return number
    }
    let scaling = try Self.ropeScaling(file, architecture: name, fail: fail)
    let heads = try int("attention.head_count")
    let hidden = try int("embedding_length")
    // llama and mistral: rope.dimension_count is the head size (transformers' mapping); Qwen3
    // states key_length.
    let headDim =
      try optionalInt("attention.key_length")
      ?? (["llama", "mistral"].contains(name) ? try optionalInt("rope.dimension_count") : nil)
    let vocabulary =
      try optionalInt("vocab_size")
      ?? header.value("tokenizer.ggml.tokens")?.arrayValue?.count
      ?? file.tensor("token_embd.weight")?.shape.first ?? 0
    let headDimKey =
      try optionalInt("attention.key_length") != nil
      ? "attention.key_length"
      : (["llama", "mistral"].contains(name) ? "rope.dimension_count" : "")
    let layers = try int("block_count")
    self.init(
      architecture: architecture, layers: layers, hidden: hidden, heads: heads,
      kvHeads: try optionalInt("attention.head_count_kv") ?? heads, headDim: headDim,
      intermediate: try int("feed_forward_length"),
      normEpsilon: try double("attention.layer_norm_rms_epsilon") ?? 1e-6,
      ropeTheta: try double("rope.freq_base") ?? 10_000, maxPositions: try int("context_length"),
      vocabularySize: vocabulary, tiedEmbeddings: file.tensor("output.weight") == nil,
      qkvBias: file.tensor("blk.0.attn_q.bias") != nil,
      outputBias: file.tensor("blk.0.attn_output.bias") != nil,
      qkNorm: file.tensor("blk.0.attn_q_norm.weight") != nil,
      slidingWindow: try optionalInt("attention.sliding_window"))
    ropeScaling = scaling
    if let pattern = TransformerModel.ggufLayerPatterns[name] {
      globalLayerPeriod =
        try optionalInt("attention.sliding_window_pattern") ?? pattern.globalLayerPeriod
      localRopeTheta = try double("rope.freq_base_swa") ?? pattern.localRopeTheta
      queryPreAttentionScalar =
        layers == pattern.hiddenPerHeadScaleLayers
        ? Double(hidden / heads) : Double(self.headDim)
      for (key, cap) in [
        ("attn_logit_softcapping", \Self.attentionSoftCap),
        ("final_logit_softcapping", \Self.finalLogitSoftCap),
      ] {
        guard let value = try double(key) else { continue }
        // llama.cpp reads 0 as "no cap"; anything else must be a positive number.
        guard value.isFinite, value >= 0 else {
          throw fail(
            "is \(value); a soft-cap must be a positive number (0: none)", "\(name).\(key)")
        }
        self[keyPath: cap] = value == 0 ? nil : value
      }
    }
    if let factors = try TransformerConfig.ropeFactors(file, headDim: self.headDim) {
      ropeScaling = .factors(factors)
    }
    let keys: [Field: String] = [
      .layers: "block_count", .hidden: "embedding_length", .heads: "attention.head_count",
      .kvHeads: "attention.head_count_kv", .headDim: headDimKey,
      .intermediate: "feed_forward_length", .normEpsilon: "attention.layer_norm_rms_epsilon",
      .ropeTheta: "rope.freq_base", .maxPositions: "context_length", .vocabularySize: "vocab_size",
      .slidingWindow: "attention.sliding_window",
    ]
    origin = Origin(
      file: "the GGUF metadata",
      keys: keys.compactMapValues { key in
        key.isEmpty || header.value("\(name).\(key)") == nil ? nil : "\(name).\(key)"
      })
  }

  /// Llama 3.1/3.2's rescaled frequencies as llama.cpp stores them: `rope_freqs.weight`, D/2
  /// Float32 divisors (`LlamaModel.generate_extra_tensors` in the converter; llama.cpp's
  /// `ggml_rope_ext` divides each frequency by its factor). nil without the tensor.
  static func ropeFactors(_ file: GGUFFile, headDim: Int) throws -> [Double]? {
    guard let info = file.tensor("rope_freqs.weight") else { return nil }
    let values = try file.floats("rope_freqs.weight")
    guard info.shape == [headDim / 2], values.count == headDim / 2,
      values.allSatisfy({ $0.isFinite && $0 > 0 })
    else {
      throw GGUFError(
        file: file.path, subject: "tensor \"rope_freqs.weight\"",
        reason: "must hold \(headDim / 2) positive rotary frequency factors (one per pair of a "
          + "head of size \(headDim)), not \(info.shape) values")
    }
    return values.map(Double.init)
  }

  /// `rope.scaling.type` and `rope.scaling.factor`: none, or linear (llama.cpp's freq_scale =
  /// 1/factor). Other kinds (YaRN, …) are refused rather than compute a different attention.
  static func ropeScaling(
    _ file: GGUFFile, architecture: String, fail: (String, String?) -> GGUFError
  ) throws -> TransformerConfig.RopeScaling {
    let key = "\(architecture).rope.scaling.type"
    guard let type = file.header.value(key)?.stringValue, type != "none" else { return .none }
    guard type == "linear" else {
      throw fail(
        "is \"\(type)\"; attnviz reads GGUF files with no or linear rotary scaling only", key)
    }
    let factorKey = "\(architecture).rope.scaling.factor"
    guard let factor = file.header.value(factorKey)?.doubleValue, factor.isFinite, factor > 0
    else {
      throw fail("must be a positive number (linear rotary scaling needs it)", factorKey)
    }
    return .linear(factor: factor)
  }

}
