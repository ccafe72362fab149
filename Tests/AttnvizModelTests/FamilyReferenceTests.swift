import Foundation
import Testing

@testable import AttnvizModel

/// The tiny models of scripts/reference/make_family_fixtures.py: each architecture saved by
/// transformers as a Hugging Face folder and converted to GGUF by llama.cpp's own converter,
/// against transformers' float32 eager attention and last-position logits. Both files must give
/// the same numbers: the folder's Gemma norms store w of (1 + w), the GGUF the factor itself.
@Suite struct FamilyReferenceTests {
  struct Reference: Decodable {
    struct Case: Decodable {
      var text: String
      var ids: [Int]
      var attentions: [[[[Int]]]]
      var logits: [Double]
    }
    struct TokenizerCase: Decodable {
      var text: String
      var ids: [Int]
    }
    var attentionScale: Double
    var cases: [Case]
    /// transformers' tokenizer built from the GGUF (absent for architectures it does not read).
    var ggufTokenizerCases: [TokenizerCase]
  }

  static let models = ["gemma", "gemma2", "gemma3", "gemma3-linear", "llama", "phi3", "olmo2"]

  static func folder(_ name: String) throws -> URL {
    try fixtureURL("family").appendingPathComponent(name)
  }

  static func reference(_ name: String) throws -> Reference {
    let decoder = JSONDecoder()
    decoder.keyDecodingStrategy = .convertFromSnakeCase
    return try decoder.decode(
      Reference.self,
      from: Data(contentsOf: try folder(name).appendingPathComponent("reference.json")))
  }

  enum Format: String, CaseIterable { case folder, gguf }

  /// GGUF tokenizers not checked here (none now).
  static let refusedGGUFTokenizers: Set<String> = []

  static func load(_ name: String, _ format: Format, ids: [Int] = []) throws -> TransformerModel {
    let url = try folder(name)
    let path = url.appendingPathComponent("\(name).gguf").path
    switch format {
    case .folder: return try TransformerModel(folder: url.path)
    case .gguf where refusedGGUFTokenizers.contains(name):
      let file = try GGUFFile(path: path)
      let config = try TransformerConfig(gguf: file)
      let checkpoint = GGUFCheckpoint(
        file: file, permuteQK: false, heads: config.heads, kvHeads: config.kvHeads,
        blockNames: ArchitectureLayout(config.architecture).ggufBlockNames)
      return try TransformerModel(
        config: config, tensors: checkpoint, tokenizer: ReferenceIDs(ids: ids), name: name)
    case .gguf: return try TransformerModel(gguf: path)
    }
  }

  /// Largest |ours − reference| / max(1, |reference|) over the last position's logits.
  static func logitDifference(_ ours: [Float], _ reference: [Double]) -> (Double, Int) {
    var worst = (0.0, -1)
    for (i, value) in reference.enumerated() {
      let difference = abs(Double(ours[i]) - value) / max(1, abs(value))
      if difference > worst.0 { worst = (difference, i) }
    }
    return worst
  }

  @Test(arguments: models, Format.allCases)
  func idsAttentionAndLogitsMatchTransformers(_ name: String, _ format: Format) throws {
    let reference = try Self.reference(name)
    for item in reference.cases {
      let model = try Self.load(name, format, ids: item.ids)
      #expect(model.config.architecture.rawValue.hasPrefix(name.prefix { $0 != "-" }))
      let trace = try model.trace(item.text)
      #expect(
        trace.tokens.map(\.id) == item.ids, "\(name) \(format): \(item.text.debugDescription)")
      let difference = AttentionDifference(
        trace: trace, reference: item.attentions, scale: reference.attentionScale)
      #expect(
        difference.shapeProblem == nil && difference.maximum < 1e-5,
        "\(name) \(format): \(difference)")
      let output = try model.forward(ids: item.ids, request: ForwardRequest(logits: .last))
      let logits = try #require(output.logits)
      #expect(logits.count == item.logits.count)
      let (gap, at) = Self.logitDifference(logits, item.logits)
      // transformers' own float32 and float64 logits differ by up to 3.2e-5 (relative, the
      // llama fixture), so 1e-4 here; attention above is held to 1e-5.
      #expect(gap < 1e-4, "\(name) \(format): logit \(at) differs by \(gap)")
    }
  }

  /// The two files describe the same model: every setting the engine reads agrees, so the
  /// GGUF metadata (with what llama.cpp knows without a key) says what config.json says.
  @Test(arguments: models)
  func folderAndGGUFDescribeTheSameModel(_ name: String) throws {
    var folder = try Self.load(name, .folder).config
    var gguf = try Self.load(name, .gguf, ids: [1]).config
    (folder.origin, gguf.origin) = (.init(), .init())
    // GGUF stores ε as a Float32.
    #expect(Float(folder.normEpsilon) == Float(gguf.normEpsilon))
    gguf.normEpsilon = folder.normEpsilon
    // Llama 3.2's rescaling: llama3 parameters in config.json, per-frequency factors in the GGUF
    // (rope_freqs.weight), the same frequencies.
    if case .llama3 = folder.ropeScaling {
      guard case .factors = gguf.ropeScaling else {
        Issue.record("\(name): the GGUF has no rope_freqs factors")
        return
      }
      let (a, b) = (
        RotaryEmbedding.frequencies(
          headDim: folder.headDim, theta: folder.ropeTheta, scaling: folder.ropeScaling),
        RotaryEmbedding.frequencies(
          headDim: gguf.headDim, theta: gguf.ropeTheta, scaling: gguf.ropeScaling)
      )
      #expect(zip(a, b).allSatisfy { abs($0 - $1) <= 1e-6 * $0 } && Set(a).count == a.count)
      gguf.ropeScaling = folder.ropeScaling
    }
    #expect(folder == gguf, "\(name):\n\(folder)\n\(gguf)")
  }

  @Test func gemma2ReadsItsSoftCapsAndAlternatingLayers() throws {
    let config = try Self.load("gemma2", .folder).config
    #expect(config.attentionSoftCap == 5 && config.finalLogitSoftCap == 3)
    #expect(config.slidingWindow == 4 && config.globalLayerPeriod == 2)
    #expect(config.isSlidingLayer(0) && !config.isSlidingLayer(1))
    // Capped logits stay inside [−3, 3] (c·tanh rounds to ±3 in Float32 for large logits).
    let ids = try Self.reference("gemma2").cases[0].ids
    let logits = try #require(
      try Self.load("gemma2", .gguf).forward(ids: ids, request: ForwardRequest(logits: .last))
        .logits)
    #expect(logits.allSatisfy { abs($0) <= 3 } && logits.contains { abs($0) > 2 })
  }

  /// The leading ▁: a Llama vocabulary prefixes the first stretch only when it does not start
  /// with a space (transformers' Metaspace "first"); Phi-3's every stretch, even after a special
  /// token and before a space (`" Hello"` → `▁▁Hello`), as llama.cpp does for every `llama`
  /// vocabulary and transformers' `phi3_tokenizer` does; Gemma's none.
  @Test(arguments: ["gemma2", "gemma3", "llama", "phi3"])
  func ggufTokenizerGivesTransformersIDs(_ name: String) throws {
    let cases = try Self.reference(name).ggufTokenizerCases
    #expect(cases.count == 7)
    let model = try Self.load(name, .gguf)
    for item in cases where !item.text.isEmpty {
      let ids = try model.tokenizer.tokenize(item.text).map(\.id)
      #expect(ids == item.ids, "\(name): \(item.text.debugDescription) gives \(ids)")
    }
  }

  @Test func phi3AndOLMo2ReadTheirOwnLayouts() throws {
    let phi3 = try Self.load("phi3", .gguf, ids: [1]).config
    #expect(phi3.slidingWindow == 5 && phi3.globalLayerPeriod == nil && !phi3.tiedEmbeddings)
    let olmo2 = try Self.load("olmo2", .folder)
    #expect(olmo2.config.qkNorm && ArchitectureLayout(.olmo2).order == .sandwich)
    // Q/K norms over the whole projection: H·D weights.
    #expect(olmo2.info.heads == 4)
  }

  @Test func gemma3ReadsTwoRotaryBasesFromRopeParameters() throws {
    let config = try Self.load("gemma3", .folder).config
    #expect(config.ropeTheta == 1_000_000 && config.localRopeTheta == 10_000)
    #expect(config.globalLayerPeriod == 6 && config.qkNorm)
    #expect((0..<6).map(config.isSlidingLayer) == [true, true, true, true, true, false])
  }

  /// Gemma 3 4B+: linear scaling (factor 8) of the global layers' frequencies only, read from
  /// config.json's rope_parameters and from the GGUF's rope.scaling.* alike; without it the
  /// global layers' attention would differ from transformers' (checked by the reference tests).
  @Test func gemma3LinearScalingIsForGlobalLayersOnly() throws {
    for format in Format.allCases {
      let config = try Self.load("gemma3-linear", format, ids: [1]).config
      #expect(config.ropeScaling == .linear(factor: 8), "\(format)")
      #expect(config.ropeScaling(layer: 5) == .linear(factor: 8), "\(format)")
      #expect(config.ropeScaling(layer: 0) == TransformerConfig.RopeScaling.none, "\(format)")
      #expect(config.ropeTheta(layer: 5) == 1_000_000 && config.ropeTheta(layer: 0) == 10_000)
    }
  }

  /// Gemma's folders store w of a (1 + w) norm: read as it is, attention would differ.
  @Test func gemmaNormsAddOneInFoldersOnly() throws {
    let layout = ArchitectureLayout(.gemma)
    #expect(layout.normWeightOffset == 1 && ArchitectureLayout(.llama).normWeightOffset == 0)
    let folder = try SafeTensorsCheckpoint(folder: try Self.folder("gemma").path)
    #expect(!folder.storesNormFactors)
    let file = try GGUFFile(
      path: try Self.folder("gemma").appendingPathComponent("gemma.gguf").path)
    let gguf = GGUFCheckpoint(file: file, permuteQK: false, heads: 4, kvHeads: 1)
    #expect(gguf.storesNormFactors)
    let stored = try folder.float32("model.layers.0.input_layernorm.weight")
    let factors = try gguf.float32("model.layers.0.input_layernorm.weight")
    #expect(zip(stored, factors).allSatisfy { $0 + 1 == $1 })
  }
}

/// config.json settings of the Gemma family that the fixtures do not cover: refusals name the
/// field and say why.
@Suite struct GemmaConfigTests {
  func config(_ json: String) throws -> TransformerConfig {
    try TransformerConfig(configJSON: Data(json.utf8), path: "m")
  }

  static let base = """
    "num_hidden_layers": 4, "hidden_size": 32, "num_attention_heads": 4, "head_dim": 8,
    "intermediate_size": 48, "max_position_embeddings": 64, "vocab_size": 100
    """

  @Test func defaultsFollowTransformers() throws {
    let gemma = try config(#"{"model_type": "gemma", "hidden_act": "gelu", \#(Self.base)}"#)
    #expect(gemma.activation == .geluTanh && gemma.tiedEmbeddings && gemma.slidingWindow == nil)
    let gemma2 = try config(
      #"{"model_type": "gemma2", "query_pre_attn_scalar": 144, "attn_logit_softcapping": 50.0, "#
        + #""final_logit_softcapping": null, \#(Self.base)}"#)
    #expect(gemma2.queryPreAttentionScalar == 144 && gemma2.attentionSoftCap == 50)
    #expect(gemma2.finalLogitSoftCap == nil && gemma2.globalLayerPeriod == 2)
    #expect(gemma2.attentionScale == 1 / Float(144).squareRoot())
    let gemma3 = try config(
      #"{"model_type": "gemma3_text", "rope_theta": 1000000, "rope_local_base_freq": 10000, "#
        + #""sliding_window_pattern": 2, \#(Self.base)}"#)
    #expect(gemma3.localRopeTheta == 10_000 && gemma3.globalLayerPeriod == 2)
  }

  @Test func hostileSettingsAreRefusedWithTheirField() {
    let cases: [(String, String)] = [
      (#""model_type": "gemma2", "attn_logit_softcapping": 0"#, "attn_logit_softcapping"),
      (#""model_type": "gemma2", "final_logit_softcapping": -1"#, "final_logit_softcapping"),
      (#""model_type": "gemma2", "sliding_window": 0"#, "sliding_window"),
      (#""model_type": "gemma3_text", "layer_types": ["full_attention"]"#, "layer_types"),
      (
        #""model_type": "gemma3_text", "layer_types": ["sliding_attention", "full_attention", "#
          + #""full_attention", "sliding_attention"]"#, "layer_types"
      ),
      (#""model_type": "gemma3_text", "use_bidirectional_attention": true"#, "bidirectional"),
      (
        #""model_type": "gemma3_text", "rope_parameters": {"full_attention": "#
          + #"{"rope_type": "yarn", "factor": 8}}"#, "yarn"
      ),
    ]
    for (fields, words) in cases {
      #expect(throws: ModelError.self, "\(fields)") {
        try config("{\(fields), \(Self.base)}")
      }
      do {
        _ = try config("{\(fields), \(Self.base)}")
      } catch {
        #expect("\(error)".contains(words), "\(fields): \(error)")
      }
    }
  }
}
