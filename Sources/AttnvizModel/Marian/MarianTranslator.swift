import AttnvizFiles
import AttnvizMath
import AttnvizTokens
import Foundation

/// A translation model: a Marian folder (Firefox Translations' layout: one `model*.bin`, one
/// SentencePiece vocabulary `*.spm` shared by source and target, and optionally
/// `model_info.json` (the language names) and the decoder configuration `config*.yml`
/// (`max-length-factor`); the int8 weights are dequantised to Float32 once, at load), or a
/// Hugging Face encoder–decoder folder (`MarianTranslator(huggingFaceFolder:)`: MarianMT, BART, T5).
/// Both run through one `EncoderDecoderPass`.
public struct MarianTranslator: Sendable {
  /// The folder's name ("firefox-en-pt").
  public let name: String
  public let folder: String
  public let config: MarianConfig
  let tokens: TranslatorTokens
  /// "English", "Portuguese" from model_info.json, when present.
  public let sourceLanguage: String?
  public let targetLanguage: String?
  /// The longest translation, as a multiple of the source's tokens (Marian's
  /// `max-length-factor`, 2.5 for the Firefox models; 3 when the folder does not say).
  public let lengthFactor: Double
  /// `</s>`: ends the source, and the translation when generated.
  public let endID: Int
  /// The Hugging Face `model_type` ("marian", "bart"); nil for a Marian binary model.
  public let modelType: String?
  let pass: EncoderDecoderPass

  /// The most source tokens attnviz translates (figures and the attention maps grow with the
  /// square of the length; Marian's own default limit is 1000 tokens).
  public static let sourceTokenLimit = 256

  /// True when `folder` holds a Marian binary model (a `model*.bin` whose first 8 bytes are
  /// version 1), without reading the rest: how `--model` and `attnviz models` tell translators
  /// from other folders.
  public static func isTranslatorFolder(_ folder: String) -> Bool {
    if huggingFaceModelType(folder) != nil { return true }
    guard let model = try? modelFile(in: folder),
      let start = try? BoundedFile.readStart(model, what: "the Marian model", count: 8)
    else { return false }
    return start == [1, 0, 0, 0, 0, 0, 0, 0]
  }

  /// The folder's Marian model file, or nil when there is not exactly one.
  public static func modelFilePath(in folder: String) -> String? { try? modelFile(in: folder) }

  /// What `attnviz models` lists: the configuration (read from the model file when it is at
  /// most 64 MiB, else nil) and "English → Portuguese" from model_info.json.
  public static func summary(folder: String) -> (config: MarianConfig?, direction: String?) {
    let languages = languages(folder)
    let direction = languages.source.flatMap { s in languages.target.map { "\(s) → \($0)" } }
    if huggingFaceModelType(folder) != nil {
      return ((try? huggingFaceConfig(folder)), direction)
    }
    guard let path = modelFilePath(in: folder),
      let bytes = try? BoundedFile.read(path, what: BoundedFile.name(path), limit: 64 << 20),
      let file = try? MarianFile(bytes: bytes, file: path),
      let yaml = try? file.text("special:model.yml")
    else { return (nil, direction) }
    return (try? MarianConfig(yaml: yaml, file: path), direction)
  }

  static func files(in folder: String, suffix: String, prefix: String = "") throws -> [String] {
    let names = try FileManager.default.contentsOfDirectory(atPath: folder)
    return names.filter { $0.hasSuffix(suffix) && $0.hasPrefix(prefix) }.sorted().map {
      folder + "/" + $0
    }
  }

  static func modelFile(in folder: String) throws -> String {
    let models = (try? files(in: folder, suffix: ".bin", prefix: "model")) ?? []
    guard models.count == 1, let model = models.first else {
      throw ModelError.badModel(
        path: folder,
        reason: models.isEmpty
          ? "has no Marian model file (model*.bin)"
          : "has \(models.count) model*.bin files; keep one")
    }
    return model
  }

  /// Reads a translator folder: a Hugging Face one when it has a config.json, else Marian's.
  public init(folder: String) throws {
    if FileManager.default.fileExists(atPath: folder + "/config.json") {
      try self.init(huggingFaceFolder: folder)
    } else {
      try self.init(marianFolder: folder)
    }
  }

  init(marianFolder folder: String) throws {
    self.folder = folder
    name = BoundedFile.name(folder)
    let file = try MarianFile(contentsOf: try Self.modelFile(in: folder))
    let config = try MarianConfig(
      yaml: try file.text("special:model.yml"), file: file.file)
    let vocabularies = (try? Self.files(in: folder, suffix: ".spm")) ?? []
    guard vocabularies.count == 1, let vocabulary = vocabularies.first else {
      throw ModelError.badModel(
        path: folder,
        reason: vocabularies.isEmpty
          ? "has no SentencePiece vocabulary (*.spm)"
          : "has \(vocabularies.count) .spm files; attnviz reads models with one shared vocabulary")
    }
    let tokenizer = try SentencePieceTokenizer(contentsOf: vocabulary)
    tokens = .sentencePiece(tokenizer)
    guard tokenizer.file.pieces.count == config.vocabulary, let end = tokenizer.controlID("</s>")
    else {
      throw ModelError.badModel(
        path: vocabulary,
        reason: "has \(tokenizer.file.pieces.count) pieces (or no </s>) but the model's "
          + "vocabulary has \(config.vocabulary)")
    }
    endID = end
    self.config = config
    pass = try Self.pass(file, config)
    let info = Self.languages(folder)
    (sourceLanguage, targetLanguage) = (info.source, info.target)
    lengthFactor = Self.lengthFactor(folder) ?? 3
    modelType = nil
  }

  /// All the parts, for the Hugging Face reader.
  init(
    name: String, folder: String, config: MarianConfig, tokens: TranslatorTokens, endID: Int,
    pass: EncoderDecoderPass, modelType: String
  ) {
    (self.name, self.folder, self.config, self.tokens) = (name, folder, config, tokens)
    (self.endID, self.pass, self.modelType) = (endID, pass, modelType)
    (sourceLanguage, targetLanguage) = (nil, nil)
    lengthFactor = 3
  }

  /// The weights, each checked against the shape the configuration gives.
  static func pass(_ file: MarianFile, _ config: MarianConfig) throws -> EncoderDecoderPass {
    let (c, i) = (config.dim, config.feedForward)
    func matrix(_ name: String, _ rows: Int, _ columns: Int) throws -> WeightMatrix {
      WeightMatrix(try file.values(name, shape: [rows, columns]))
    }
    func vector(_ name: String, _ count: Int) throws -> [Float] {
      try file.values(name, shape: [1, count])
    }
    func attention(_ prefix: String) throws -> EncoderDecoderPass.Attention {
      .init(
        query: try matrix(prefix + "_Wq", c, c), key: try matrix(prefix + "_Wk", c, c),
        value: try matrix(prefix + "_Wv", c, c), output: try matrix(prefix + "_Wo", c, c),
        queryBias: try vector(prefix + "_bq", c), keyBias: try vector(prefix + "_bk", c),
        valueBias: try vector(prefix + "_bv", c), outputBias: try vector(prefix + "_bo", c),
        normWeight: try vector(prefix + "_Wo_ln_scale", c),
        normBias: try vector(prefix + "_Wo_ln_bias", c))
    }
    func feedForward(_ prefix: String) throws -> EncoderDecoderPass.FeedForward {
      .init(
        up: try matrix(prefix + "_W1", c, i), upBias: try vector(prefix + "_b1", i),
        down: try matrix(prefix + "_W2", i, c), downBias: try vector(prefix + "_b2", c),
        normWeight: try vector(prefix + "_ffn_ln_scale", c),
        normBias: try vector(prefix + "_ffn_ln_bias", c))
    }
    let encoder = try (1...config.encoderLayers).map { l in
      EncoderDecoderPass.EncoderLayer(
        attention: try attention("encoder_l\(l)_self"),
        feedForward: try feedForward("encoder_l\(l)_ffn"))
    }
    let decoder = try (1...config.decoderLayers).map { l in
      EncoderDecoderPass.DecoderLayer(
        mixer: .recurrent(
          .init(
            candidate: try matrix("decoder_l\(l)_rnn_W", c, c),
            gate: try matrix("decoder_l\(l)_rnn_Wf", c, c),
            gateBias: try vector("decoder_l\(l)_rnn_bf", c),
            normWeight: try vector("decoder_l\(l)_rnn_ffn_ln_scale", c),
            normBias: try vector("decoder_l\(l)_rnn_ffn_ln_bias", c))),
        cross: try attention("decoder_l\(l)_context"),
        feedForward: try feedForward("decoder_l\(l)_ffn"))
    }
    return EncoderDecoderPass(
      hidden: c, heads: config.heads, feedForwardWidth: i, epsilon: 1e-6,
      embedding: try file.values("Wemb", shape: [config.vocabulary, c], storedRows: true),
      embeddingScale: Float(Double(c).squareRoot()),
      positions: .sinusoidalHalves(lastFrequency: true), embeddingNorms: nil,
      activation: .relu, startToken: nil, outputWeight: nil,
      outputBias: try vector("decoder_ff_logit_out_b", config.vocabulary),
      encoder: encoder, decoder: decoder)
  }

  static func languages(_ folder: String) -> (source: String?, target: String?) {
    guard
      let bytes = try? BoundedFile.read(
        folder + "/model_info.json", what: "model_info.json", limit: 1 << 16),
      let json = try? JSONValue(parsing: bytes)
    else { return (nil, nil) }
    return (json["src"]?.string, json["trg"]?.string)
  }

  static func lengthFactor(_ folder: String) -> Double? {
    for path in (try? files(in: folder, suffix: ".yml", prefix: "config")) ?? [] {
      guard let bytes = try? BoundedFile.read(path, what: BoundedFile.name(path), limit: 1 << 16)
      else { continue }
      for line in String(decoding: bytes, as: UTF8.self).split(separator: "\n")
      where line.hasPrefix("max-length-factor:") {
        if let value = Double(
          line.dropFirst("max-length-factor:".count).trimmingCharacters(in: .whitespaces)),
          value >= 1, value <= 10
        {
          return value
        }
      }
    }
    return nil
  }

  /// Norms before each sub-block (T5) rather than after the residual addition (Marian, BART).
  public var preNorm: Bool { pass.preNorm }

  /// "English → Portuguese" when the folder names its languages, else the folder's name.
  public var direction: String {
    guard let sourceLanguage, let targetLanguage else { return name }
    return "\(sourceLanguage) → \(targetLanguage)"
  }

  /// Translates `text` greedily (the Firefox models' beam size is 1), keeping every attention
  /// map. The source is the text's pieces plus `</s>`; a source over `sourceTokenLimit` tokens
  /// is refused, or cut with `truncate`. The translation stops at `</s>` or after
  /// `lengthFactor` × the source's tokens. With `recording`, the same pass keeps the
  /// intermediates `attnviz explain` shows (`Translation.steps`; nil when the translation ends
  /// before the recorded token).
  public func translate(
    _ text: String, truncate: Bool = false, recording: TranslationRecording? = nil
  ) throws -> Translation {
    let (prefix, suffix) = tokens.framing(endID: endID)
    var source = try tokens.pieces(text)
    var truncatedFrom: Int?
    let framed = prefix.count + suffix.count
    var limit = Self.sourceTokenLimit
    if let positions = pass.positionLimit { limit = min(limit, positions) }
    if source.count + framed > limit {
      guard truncate else {
        throw ModelError.tooManyTokens(count: source.count + framed, limit: limit)
      }
      truncatedFrom = source.count + framed
      source = Array(source.prefix(limit - framed))
    }
    source = prefix + source + suffix
    let ids = source.map { $0.id ?? endID }
    let (context, encoderAttention, encoderSteps) = pass.encode(
      ids, recording: recording?.encoderLayer)
    var recorded: (DecoderStepSteps, [Float])?
    var state = pass.startDecoding(context: context)
    var steps = Int((lengthFactor * Double(ids.count)).rounded(.down))
    if let positions = pass.positionLimit { steps = min(steps, positions) }
    var output: [Int] = []
    var cross: [[[Matrix]]] = []  // [step][layer][head] (1, S)
    var selfRows: [[[Matrix]]] = []  // [step][layer][head] (1, t + 1)
    var previous: Int?
    while output.count < steps {
      let keep = recording?.target == output.count
      let (logits, weights, selfWeights, stepSteps) = pass.step(
        previous: previous, position: output.count, state: &state,
        recording: keep ? recording?.decoderLayer : nil)
      if let stepSteps { recorded = (stepSteps, logits) }
      guard logits.allSatisfy(\.isFinite) else {
        throw ModelError.badModel(
          path: folder, reason: "the decoder produced non-finite numbers; the weights are corrupted"
        )
      }
      var best = 0
      for v in logits.indices where logits[v] > logits[best] { best = v }
      output.append(best)
      cross.append(weights)
      selfRows.append(selfWeights)
      previous = best
      if best == endID { break }
    }
    let s = ids.count
    let t = output.count
    let crossAttention = (0..<pass.decoder.count).map { l in
      (0..<pass.heads).map { h in
        Matrix(rows: t, columns: s, values: cross.flatMap { $0[l][h].values })
      }
    }
    // Self-attention rows grow by one key a step: laid out as (T, T), zero above the diagonal.
    var decoderSelfAttention: [[Matrix]]?
    if case .selfAttention = pass.decoder.first?.mixer {
      decoderSelfAttention = (0..<pass.decoder.count).map { l in
        (0..<pass.heads).map { h in
          var m = Matrix(rows: t, columns: t)
          for (step, row) in selfRows.enumerated() {
            for (j, w) in row[l][h].values.enumerated() { m[step, j] = w }
          }
          return m
        }
      }
    }
    let target = output.map { id in tokens.token(id, isEnd: id == endID) }
    var kept: TranslationSteps?
    if let encoderSteps, let (decoderSteps, logits) = recorded, let recording {
      kept = explainSteps(
        encoderLayer: recording.encoderLayer, encoder: encoderSteps, decoder: decoderSteps,
        logits: logits)
    }
    return Translation(
      source: source, target: target, text: tokens.decode(output),
      encoderSelfAttention: encoderAttention, crossAttention: crossAttention,
      decoderSelfAttention: decoderSelfAttention, generatedIDs: output,
      finished: output.last == endID, truncatedFrom: truncatedFrom, steps: kept)
  }

  /// The recorded layers with the output layer's five most probable tokens (softmax in Double)
  /// and the facts of the pass the captions state.
  func explainSteps(
    encoderLayer: Int, encoder: LayerSteps, decoder: DecoderStepSteps, logits: [Float]
  ) -> TranslationSteps {
    let top = nextTokenCandidates(logits, count: 5)
    var lastFrequency: Bool?
    if case .sinusoidalHalves(let last) = pass.positions { lastFrequency = last }
    var recurrent = false
    if case .recurrent = pass.decoder.first?.mixer { recurrent = true }
    return TranslationSteps(
      encoderLayer: encoderLayer, encoder: encoder, decoder: decoder,
      top: top.map { id, p in
        TranslationCandidate(
          id: id, text: tokens.token(id, isEnd: id == endID).text, probability: p)
      }, vocabularySize: pass.vocabulary, outputIsTied: pass.outputWeight == nil,
      embeddingScale: Double(pass.embeddingScale), startsFromZeroVector: pass.startToken == nil,
      recurrentDecoder: recurrent, preNorm: pass.preNorm,
      relativePositions: pass.relativePositions != nil, sinusoidLastFrequency: lastFrequency)
  }
}

/// The `count` most probable ids of `logits` by softmax in Double, highest first (ties: the
/// lower id first).
func nextTokenCandidates(_ logits: [Float], count: Int) -> [(id: Int, probability: Double)] {
  guard let top = logits.max() else { return [] }
  let shift = Double(top)
  let exps = logits.map { exp(Double($0) - shift) }
  let total = exps.reduce(0, +)
  let order = exps.indices.sorted { exps[$0] > exps[$1] || (exps[$0] == exps[$1] && $0 < $1) }
  return order.prefix(count).map { ($0, exps[$0] / total) }
}

/// A translation with every attention map the model computed on the way.
public struct Translation: Sendable {
  /// The source pieces and `</s>`.
  public var source: [Token]
  /// The generated pieces, ending with `</s>` when `finished`.
  public var target: [Token]
  /// The translated text (pieces joined, `</s>` dropped).
  public var text: String
  /// [layer][head], (S, S).
  public var encoderSelfAttention: [[Matrix]]
  /// [layer][head], (T, S): row t is what target token t read while it was generated.
  public var crossAttention: [[Matrix]]
  /// [layer][head], (T, T), zero above the diagonal: row t is what the decoder's self-attention
  /// read of the target so far (its start, then tokens 1…t) while generating token t; nil for an
  /// SSRU decoder, which has none.
  public var decoderSelfAttention: [[Matrix]]?
  /// The generated ids, `</s>` included when `finished`.
  public var generatedIDs: [Int]
  /// False when the length limit stopped the translation before `</s>`.
  public var finished: Bool
  /// The source's token count before `--truncate` cut it.
  public var truncatedFrom: Int?
  /// The intermediates `translate(_:truncate:recording:)` was asked to keep.
  public var steps: TranslationSteps? = nil
}
