import AttnvizFiles
import AttnvizMath
import AttnvizTokens
import Foundation

/// How a translator's text becomes source tokens, and generated ids text.
enum TranslatorTokens: Sendable {
  /// One SentencePiece vocabulary whose piece numbers are the ids (Marian's C++ models).
  case sentencePiece(SentencePieceTokenizer)
  /// transformers' `MarianTokenizer`: `source.spm` pieces looked up in `vocab.json` (a piece it
  /// lacks is `<unk>`).
  case marianVocabulary(
    SentencePieceTokenizer, ids: [String: Int], pieces: [Int: String], unknown: Int)
  /// A `tokenizer.json` (BART's byte-level BPE, T5's Unigram), its template around the text.
  case huggingFace(HFTokenizer)

  /// The text's tokens, without what frames them.
  func pieces(_ text: String) throws -> [Token] {
    switch self {
    case .sentencePiece(let tokenizer): return try tokenizer.tokenize(text)
    case .marianVocabulary(let tokenizer, let ids, let pieces, let unknown):
      return try tokenizer.tokenize(text).map { token in
        let piece = token.id.flatMap { tokenizer.file.pieces.indices.contains($0) ? $0 : nil }
          .map { tokenizer.file.pieces[$0].piece }
        let id = piece.flatMap { ids[$0] } ?? unknown
        var mapped = token
        mapped.id = id
        if let label = pieces[id] {
          mapped.text = TokenDisplay.metaspace("\u{2581}").text(ofModelToken: label)
        }
        return mapped
      }
    case .huggingFace(let tokenizer):
      let tokens = try tokenizer.encode(text, addSpecialTokens: false)
      guard !tokens.isEmpty else { throw TokenizerError.emptyText }
      return tokens
    }
  }

  /// The tokens before and after the text: `</s>` after it (Marian), or the tokenizer's
  /// template (`<s> … </s>` for BART, `… </s>` for T5).
  func framing(endID: Int) -> (prefix: [Token], suffix: [Token]) {
    switch self {
    case .sentencePiece, .marianVocabulary:
      return ([], [token(endID, isEnd: true)])
    case .huggingFace(let tokenizer):
      func templateToken(_ t: HFTokenizer.TemplateToken) -> Token {
        Token(tokenizer.display.text(ofAdded: t.content), id: t.id, isSpecial: true)
      }
      return (
        tokenizer.postProcessor.prefix.map(templateToken),
        tokenizer.postProcessor.suffix.map(templateToken)
      )
    }
  }

  /// The token of a generated id, as tables show it.
  func token(_ id: Int, isEnd: Bool) -> Token {
    switch self {
    case .sentencePiece(let tokenizer):
      return Token(tokenizer.label(of: id), id: id, isSpecial: isEnd)
    case .marianVocabulary(_, _, let pieces, _):
      let label = pieces[id].map { TokenDisplay.metaspace("\u{2581}").text(ofModelToken: $0) }
      return Token(label ?? "<\(id)>", id: id, isSpecial: isEnd)
    case .huggingFace(let tokenizer):
      var token = tokenizer.token(id: id) ?? Token("<\(id)>", id: id)
      token.isSpecial = token.isSpecial || isEnd
      return token
    }
  }

  /// The text of generated ids, special tokens left out.
  func decode(_ ids: [Int]) -> String {
    switch self {
    case .sentencePiece(let tokenizer): return tokenizer.decode(ids)
    case .marianVocabulary(let tokenizer, _, let pieces, _):
      let special = Set(tokenizer.file.pieces.filter { $0.type == .control }.map(\.piece))
      var text = ids.compactMap { pieces[$0] }.filter { !special.contains($0) }.joined()
      text = text.replacingOccurrences(of: "\u{2581}", with: " ")
      return text.hasPrefix(" ") ? String(text.dropFirst()) : text
    case .huggingFace(let tokenizer):
      let bytes = ids.filter { id in !tokenizer.addedTokens.contains { $0.id == id && $0.special } }
        .flatMap { tokenizer.bytes(id: $0) }
      let text = String(decoding: bytes, as: UTF8.self)
      if case .metaspace = tokenizer.display, text.hasPrefix(" ") {
        return String(text.dropFirst())
      }
      return text
    }
  }
}

extension MarianTranslator {
  /// The `model_type` of a Hugging Face encoder–decoder folder attnviz translates with, or nil.
  public static func huggingFaceModelType(_ folder: String) -> String? {
    guard let config = try? readConfigObject(folder + "/config.json"),
      let type = config["model_type"]?.string, huggingFaceTypes.contains(type)
    else { return nil }
    return type
  }

  static let huggingFaceTypes: Set<String> = ["marian", "bart", "t5"]

  /// The sizes in a Hugging Face folder's config.json (for `attnviz models`).
  static func huggingFaceConfig(_ folder: String) throws -> MarianConfig {
    let json = try readConfigObject(folder + "/config.json")
    if json["model_type"]?.string == "t5" {
      let layers = json["num_layers"]?.int ?? 0
      return MarianConfig(
        dim: json["d_model"]?.int ?? 0, encoderLayers: layers,
        decoderLayers: json["num_decoder_layers"]?.int ?? layers,
        heads: json["num_heads"]?.int ?? 0, feedForward: json["d_ff"]?.int ?? 0,
        vocabulary: json["vocab_size"]?.int ?? 0)
    }
    func value(_ key: String) throws -> Int {
      guard let v = json[key]?.int else {
        throw ModelError.badModel(path: folder + "/config.json", reason: "has no \(key)")
      }
      return v
    }
    return MarianConfig(
      dim: try value("d_model"), encoderLayers: try value("encoder_layers"),
      decoderLayers: try value("decoder_layers"), heads: try value("encoder_attention_heads"),
      feedForward: try value("encoder_ffn_dim"), vocabulary: try value("vocab_size"))
  }

  /// Reads a Hugging Face encoder–decoder folder: config.json, model.safetensors (or its index)
  /// and the tokenizer (`source.spm` + `vocab.json` for MarianMT, `tokenizer.json` for BART and
  /// T5).
  /// Every tensor is checked against the configuration's shapes.
  public init(huggingFaceFolder folder: String) throws {
    let configPath = folder + "/config.json"
    let json = try readConfigObject(configPath)
    func fail(_ reason: String) -> ModelError { .badModel(path: configPath, reason: reason) }
    guard let type = json["model_type"]?.string else { throw fail("has no \"model_type\"") }
    guard Self.huggingFaceTypes.contains(type) else {
      throw fail(
        "has model_type \"\(type)\"; attnviz translates with "
          + Self.huggingFaceTypes.sorted().joined(separator: " and ") + " encoder–decoders")
    }
    func integer(_ key: String, _ range: ClosedRange<Int>) throws -> Int {
      guard let value = json[key]?.int, range.contains(value) else {
        throw fail(
          "has \(key) \(json[key]?.messageText ?? "missing"), not a number in \(range)")
      }
      return value
    }
    func flag(_ key: String, _ fallback: Bool) throws -> Bool {
      guard let value = json[key] else { return fallback }
      guard let b = value.bool else {
        throw fail("has \(key) \(value.messageText), not true or false")
      }
      return b
    }
    if type == "t5" {
      let c = try integer("d_model", 2...16384)
      let heads = try integer("num_heads", 1...ModelLimits.heads)
      let headDim = try integer("d_kv", 1...4096)
      guard heads * headDim == c else {
        throw fail(
          "has num_heads × d_kv = \(heads * headDim), not d_model \(c); attnviz runs T5 models "
            + "whose attention width is d_model")
      }
      let layers = try integer("num_layers", 1...ModelLimits.layers)
      let config = MarianConfig(
        dim: c, encoderLayers: layers,
        decoderLayers: json["num_decoder_layers"] == nil
          ? layers : try integer("num_decoder_layers", 1...ModelLimits.layers),
        heads: heads, feedForward: try integer("d_ff", 1...1 << 17),
        vocabulary: try integer("vocab_size", 1...1 << 20))
      let projection = json["feed_forward_proj"]?.string ?? "relu"
      let gated: Bool
      let activation: TransformerConfig.Activation
      switch projection {
      case "relu": (gated, activation) = (false, .relu)
      case "gated-gelu": (gated, activation) = (true, .geluTanh)
      case "gated-relu": (gated, activation) = (true, .relu)
      default:
        throw fail(
          "has feed_forward_proj \"\(projection)\"; attnviz runs relu, gated-gelu and gated-relu")
      }
      let tied = try flag("tie_word_embeddings", true)
      var pass = try Self.t5Pass(
        try SafeTensorsCheckpoint(folder: folder), config: config, gated: gated, tied: tied,
        buckets: try integer("relative_attention_num_buckets", 2...1024),
        maxDistance: try integer("relative_attention_max_distance", 1...1 << 20),
        epsilon: json["layer_norm_epsilon"]?.number ?? 1e-6,
        start: try integer("decoder_start_token_id", 0...(config.vocabulary - 1)))
      pass.activation = activation
      // transformers 5 scales the decoder output by C^−½ when `scale_decoder_outputs`, which
      // older files lack and which then follows `tie_word_embeddings`.
      if try flag("scale_decoder_outputs", tied) {
        pass.outputScale = Float(1 / Double(c).squareRoot())
      }
      self.init(
        name: BoundedFile.name(folder), folder: folder, config: config,
        tokens: try Self.huggingFaceTokens(folder, type: type, vocabulary: config.vocabulary),
        endID: try integer("eos_token_id", 0...(config.vocabulary - 1)), pass: pass,
        modelType: type)
      return
    }
    let c = try integer("d_model", 2...16384)
    let heads = try integer("encoder_attention_heads", 1...ModelLimits.heads)
    guard try integer("decoder_attention_heads", 1...ModelLimits.heads) == heads,
      try integer("decoder_ffn_dim", 1...1 << 17) == (try integer("encoder_ffn_dim", 1...1 << 17)),
      c % heads == 0, c % 2 == 0
    else {
      throw fail(
        "has different encoder and decoder heads or widths, or d_model \(c) that the heads do "
          + "not divide; attnviz runs models whose two sides have one shape")
    }
    let config = MarianConfig(
      dim: c, encoderLayers: try integer("encoder_layers", 1...ModelLimits.layers),
      decoderLayers: try integer("decoder_layers", 1...ModelLimits.layers), heads: heads,
      feedForward: try integer("encoder_ffn_dim", 1...1 << 17),
      vocabulary: try integer("vocab_size", 1...1 << 20))
    for key in ["normalize_before", "add_final_layer_norm", "normalize_embedding"]
    where try flag(key, false) && !(key == "normalize_embedding" && type == "bart") {
      throw fail("has \(key) true (mBART's pre-norm layout); attnviz runs post-norm ones")
    }
    guard try flag("share_encoder_decoder_embeddings", true) else {
      throw fail("has separate source and target embeddings; attnviz runs shared ones")
    }
    let activationName = json["activation_function"]?.string ?? "gelu"
    let activation: TransformerConfig.Activation
    switch activationName {
    case "gelu": activation = .gelu
    case "relu": activation = .relu
    case "swish", "silu": activation = .silu
    case "gelu_new", "gelu_pytorch_tanh": activation = .geluTanh
    default: throw fail("has activation_function \"\(activationName)\", which attnviz lacks")
    }
    let endID = try integer("eos_token_id", 0...(config.vocabulary - 1))
    let start = try integer("decoder_start_token_id", 0...(config.vocabulary - 1))
    let tokens = try Self.huggingFaceTokens(folder, type: type, vocabulary: config.vocabulary)
    let checkpoint = try SafeTensorsCheckpoint(folder: folder)
    let pass = try Self.huggingFacePass(
      checkpoint, config: config, type: type, activation: activation,
      scaleEmbedding: try flag("scale_embedding", type == "marian"),
      positions: try integer("max_position_embeddings", 1...1 << 20), start: start,
      tied: try flag("tie_word_embeddings", true))
    self.init(
      name: BoundedFile.name(folder), folder: folder, config: config, tokens: tokens,
      endID: endID, pass: pass, modelType: type)
  }

  static func huggingFaceTokens(_ folder: String, type: String, vocabulary: Int) throws
    -> TranslatorTokens
  {
    guard type == "marian" else {
      let tokenizer = try HFTokenizer(contentsOf: folder + "/tokenizer.json")
      guard tokenizer.largestID < vocabulary else {
        throw ModelError.badModel(
          path: folder + "/tokenizer.json",
          reason: "has id \(tokenizer.largestID), beyond the model's \(vocabulary) embeddings")
      }
      return .huggingFace(tokenizer)
    }
    let spm = try SentencePieceTokenizer(contentsOf: folder + "/source.spm")
    let path = folder + "/vocab.json"
    let bytes = try BoundedFile.read(path, what: "vocab.json", limit: FileLimits.vocabularyFile)
    let root: JSONValue
    do {
      root = try JSONValue(parsing: bytes)
    } catch {
      // The parser's message says where ("line 3 should have …"); this says which file.
      throw ModelError.badModel(path: path, reason: "\(error)")
    }
    guard let members = root.object else {
      throw ModelError.badModel(path: path, reason: "must be a JSON object from pieces to ids")
    }
    var ids: [String: Int] = [:]
    var pieces: [Int: String] = [:]
    for member in members {
      guard let id = member.value.int, (0..<vocabulary).contains(id) else {
        throw ModelError.badModel(
          path: path, reason: "gives \"\(member.key)\" an id outside 0..<\(vocabulary)")
      }
      ids[member.key] = id
      pieces[id] = member.key
    }
    guard let unknown = ids["<unk>"] else {
      throw ModelError.badModel(path: path, reason: "has no \"<unk>\" entry")
    }
    return .marianVocabulary(spm, ids: ids, pieces: pieces, unknown: unknown)
  }

  /// The description of a T5 checkpoint: pre-norm RMS blocks without biases, unscaled scores
  /// plus the first layer's relative position bias (shared by every layer of its side), final
  /// norms, a gated or plain feed-forward.
  static func t5Pass(
    _ source: SafeTensorsCheckpoint, config: MarianConfig, gated: Bool, tied: Bool,
    buckets: Int, maxDistance: Int, epsilon: Double, start: Int
  ) throws -> EncoderDecoderPass {
    let (c, i, v, h) = (config.dim, config.feedForward, config.vocabulary, config.heads)
    func tensor(_ name: String, _ shape: [Int]) throws -> [Float] {
      guard let found = source.shape(name) else {
        throw ModelError.badModel(path: "model.safetensors", reason: "has no tensor \(name)")
      }
      guard found == shape else {
        throw ModelError.badModel(
          path: "model.safetensors", reason: "has \(name) of shape \(found), expected \(shape)")
      }
      return try source.float32(name)
    }
    func matrix(_ name: String, _ rows: Int, _ columns: Int) throws -> WeightMatrix {
      WeightMatrix(try tensor(name, [rows, columns]))
    }
    func attention(_ prefix: String, _ kind: String) throws -> EncoderDecoderPass.Attention {
      let a = "\(prefix).\(kind)"
      return .init(
        query: try matrix(a + ".q.weight", c, c), key: try matrix(a + ".k.weight", c, c),
        value: try matrix(a + ".v.weight", c, c), output: try matrix(a + ".o.weight", c, c),
        queryBias: nil, keyBias: nil, valueBias: nil, outputBias: nil,
        normWeight: try tensor(prefix + ".layer_norm.weight", [c]), normBias: nil)
    }
    func feedForward(_ prefix: String) throws -> EncoderDecoderPass.FeedForward {
      let d = prefix + ".DenseReluDense"
      return .init(
        gate: gated ? try matrix(d + ".wi_0.weight", i, c) : nil,
        up: try matrix(d + (gated ? ".wi_1.weight" : ".wi.weight"), i, c), upBias: nil,
        down: try matrix(d + ".wo.weight", c, i), downBias: nil,
        normWeight: try tensor(prefix + ".layer_norm.weight", [c]), normBias: nil)
    }
    let encoder = try (0..<config.encoderLayers).map { l in
      let p = "encoder.block.\(l).layer"
      return EncoderDecoderPass.EncoderLayer(
        attention: try attention(p + ".0", "SelfAttention"), feedForward: try feedForward(p + ".1"))
    }
    let decoder = try (0..<config.decoderLayers).map { l in
      let p = "decoder.block.\(l).layer"
      return EncoderDecoderPass.DecoderLayer(
        mixer: .selfAttention(try attention(p + ".0", "SelfAttention")),
        cross: try attention(p + ".1", "EncDecAttention"), feedForward: try feedForward(p + ".2"))
    }
    let bias = ".layer.0.SelfAttention.relative_attention_bias.weight"
    var pass = EncoderDecoderPass(
      hidden: c, heads: h, feedForwardWidth: i, epsilon: epsilon,
      embedding: try tensor("shared.weight", [v, c]), embeddingScale: 1, positions: .none,
      embeddingNorms: nil, activation: .relu, startToken: start,
      outputWeight: tied ? nil : WeightMatrix(try tensor("lm_head.weight", [v, c])),
      outputBias: [Float](repeating: 0, count: v), encoder: encoder, decoder: decoder)
    pass.norm = .rms
    pass.preNorm = true
    pass.attentionScale = 1
    pass.finalNorms = (
      try tensor("encoder.final_layer_norm.weight", [c]),
      try tensor("decoder.final_layer_norm.weight", [c])
    )
    pass.relativePositions = .init(
      encoder: try tensor("encoder.block.0" + bias, [buckets, h]),
      decoder: try tensor("decoder.block.0" + bias, [buckets, h]), buckets: buckets,
      maxDistance: maxDistance)
    return pass
  }

  /// The description of a MarianMT or BART checkpoint (tensor names with or without `model.`).
  static func huggingFacePass(
    _ source: SafeTensorsCheckpoint, config: MarianConfig, type: String,
    activation: TransformerConfig.Activation, scaleEmbedding: Bool, positions: Int, start: Int,
    tied: Bool
  ) throws -> EncoderDecoderPass {
    let (c, i, v) = (config.dim, config.feedForward, config.vocabulary)
    let names = Set(source.names)
    func name(_ base: String) -> String {
      names.contains("model." + base) ? "model." + base : base
    }
    func tensor(_ base: String, _ shape: [Int]) throws -> [Float] {
      let full = name(base)
      guard let found = source.shape(full) else {
        throw ModelError.badModel(path: "model.safetensors", reason: "has no tensor \(full)")
      }
      guard found == shape else {
        throw ModelError.badModel(
          path: "model.safetensors", reason: "has \(full) of shape \(found), expected \(shape)")
      }
      return try source.float32(full)
    }
    func matrix(_ base: String, _ rows: Int, _ columns: Int) throws -> WeightMatrix {
      WeightMatrix(try tensor(base, [rows, columns]))
    }
    func attention(_ prefix: String, norm: String) throws -> EncoderDecoderPass.Attention {
      .init(
        query: try matrix(prefix + ".q_proj.weight", c, c),
        key: try matrix(prefix + ".k_proj.weight", c, c),
        value: try matrix(prefix + ".v_proj.weight", c, c),
        output: try matrix(prefix + ".out_proj.weight", c, c),
        queryBias: try tensor(prefix + ".q_proj.bias", [c]),
        keyBias: try tensor(prefix + ".k_proj.bias", [c]),
        valueBias: try tensor(prefix + ".v_proj.bias", [c]),
        outputBias: try tensor(prefix + ".out_proj.bias", [c]),
        normWeight: try tensor(norm + ".weight", [c]), normBias: try tensor(norm + ".bias", [c]))
    }
    func feedForward(_ prefix: String) throws -> EncoderDecoderPass.FeedForward {
      .init(
        up: try matrix(prefix + ".fc1.weight", i, c), upBias: try tensor(prefix + ".fc1.bias", [i]),
        down: try matrix(prefix + ".fc2.weight", c, i),
        downBias: try tensor(prefix + ".fc2.bias", [c]),
        normWeight: try tensor(prefix + ".final_layer_norm.weight", [c]),
        normBias: try tensor(prefix + ".final_layer_norm.bias", [c]))
    }
    let encoder = try (0..<config.encoderLayers).map { l in
      let p = "encoder.layers.\(l)"
      return EncoderDecoderPass.EncoderLayer(
        attention: try attention(p + ".self_attn", norm: p + ".self_attn_layer_norm"),
        feedForward: try feedForward(p))
    }
    let decoder = try (0..<config.decoderLayers).map { l in
      let p = "decoder.layers.\(l)"
      return EncoderDecoderPass.DecoderLayer(
        mixer: .selfAttention(try attention(p + ".self_attn", norm: p + ".self_attn_layer_norm")),
        cross: try attention(p + ".encoder_attn", norm: p + ".encoder_attn_layer_norm"),
        feedForward: try feedForward(p))
    }
    var positionKind = EncoderDecoderPass.Positions.sinusoidalHalves(lastFrequency: false)
    var embeddingNorms:
      (encoder: (weight: [Float], bias: [Float]), decoder: (weight: [Float], bias: [Float]))?
    if type == "bart" {
      let rows = positions + 2
      positionKind = .learned(
        encoder: try tensor("encoder.embed_positions.weight", [rows, c]),
        decoder: try tensor("decoder.embed_positions.weight", [rows, c]), offset: 2)
      embeddingNorms = (
        (
          try tensor("encoder.layernorm_embedding.weight", [c]),
          try tensor("encoder.layernorm_embedding.bias", [c])
        ),
        (
          try tensor("decoder.layernorm_embedding.weight", [c]),
          try tensor("decoder.layernorm_embedding.bias", [c])
        )
      )
    }
    let outputBias =
      names.contains("final_logits_bias")
      ? try tensor("final_logits_bias", [1, v]) : [Float](repeating: 0, count: v)
    var outputWeight: WeightMatrix?
    if !tied || names.contains("lm_head.weight") {
      outputWeight = WeightMatrix(try tensor("lm_head.weight", [v, c]))
    }
    return EncoderDecoderPass(
      hidden: c, heads: config.heads, feedForwardWidth: i, epsilon: 1e-5,
      embedding: try tensor("shared.weight", [v, c]),
      embeddingScale: scaleEmbedding ? Float(Double(c).squareRoot()) : 1,
      positions: positionKind, embeddingNorms: embeddingNorms, activation: activation,
      startToken: start, outputWeight: outputWeight, outputBias: outputBias, encoder: encoder,
      decoder: decoder)
  }
}
