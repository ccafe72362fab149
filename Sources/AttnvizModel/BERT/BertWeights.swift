import AttnvizMath

/// The parameters of one BERT encoder layer. Weights stay as a Hugging Face `Linear` stores them,
/// (out, in), applied as x·Wᵀ + b (see `linear`). Shapes: C = hidden size, I = intermediate size.
struct BertLayerWeights: Sendable {
  var attention: BertAttention  // query, key, value, output (C, C) with their biases
  var attentionNorm: LayerNorm  // after attention + residual
  var intermediate: Matrix  // (I, C)
  var intermediateBias: [Double]
  var output: Matrix  // (C, I)
  var outputBias: [Double]
  var outputNorm: LayerNorm  // after feed-forward + residual
}

struct LayerNorm: Sendable {
  var scale: [Double]
  var shift: [Double]
  var epsilon: Double
}

/// Where each parameter lives in a checkpoint: one explicit table from Hugging Face tensor names
/// to the parameters they fill, each with the shape the configuration implies. Names may carry a
/// `bert.` prefix (checkpoints saved from `BertForMaskedLM` and friends). Tensors outside the
/// table are ignored: the pooler, the `cls.` task heads and the `position_ids` buffer are not
/// needed to compute attention.
struct BertCheckpoint {
  let file: SafeTensorsFile
  let config: BertConfiguration
  let prefix: String

  static let wordEmbeddings = "embeddings.word_embeddings.weight"
  static let positionEmbeddings = "embeddings.position_embeddings.weight"
  static let tokenTypeEmbeddings = "embeddings.token_type_embeddings.weight"
  static let embeddingNorm = "embeddings.LayerNorm"

  /// Every tensor the forward pass reads, with its shape.
  static func requiredTensors(_ c: BertConfiguration) -> [(name: String, shape: [Int])] {
    let (hidden, inner) = (c.hiddenSize, c.intermediateSize)
    var table: [(String, [Int])] = [
      (wordEmbeddings, [c.vocabularySize, hidden]),
      (positionEmbeddings, [c.maxPositions, hidden]),
      (tokenTypeEmbeddings, [c.typeVocabularySize, hidden]),
      ("\(embeddingNorm).weight", [hidden]), ("\(embeddingNorm).bias", [hidden]),
    ]
    for l in 0..<c.layers {
      let layer = "encoder.layer.\(l)."
      for linear in [
        "attention.self.query", "attention.self.key", "attention.self.value",
        "attention.output.dense",
      ] {
        table += [
          (layer + linear + ".weight", [hidden, hidden]), (layer + linear + ".bias", [hidden]),
        ]
      }
      table += [
        (layer + "intermediate.dense.weight", [inner, hidden]),
        (layer + "intermediate.dense.bias", [inner]),
        (layer + "output.dense.weight", [hidden, inner]),
        (layer + "output.dense.bias", [hidden]),
      ]
      for norm in ["attention.output.LayerNorm", "output.LayerNorm"] {
        table += [(layer + norm + ".weight", [hidden]), (layer + norm + ".bias", [hidden])]
      }
    }
    return table
  }

  /// Tensors a BERT checkpoint may hold that attention does not need.
  static func isKnownExtra(_ name: String) -> Bool {
    name.hasPrefix("pooler.") || name.hasPrefix("cls.") || name == "embeddings.position_ids"
  }

  /// Opens the checkpoint and checks that every required tensor is there with its shape, so that
  /// a wrong file fails here with one message listing what is missing, not halfway through.
  init(file: SafeTensorsFile, config: BertConfiguration) throws {
    self.file = file
    self.config = config
    let names = Set(file.tensorNames)
    prefix = names.contains("bert." + Self.wordEmbeddings) ? "bert." : ""
    // Refuse an impossible layer count before listing every expected name (a config.json saying
    // 10⁹ layers must not build a table of 10¹⁰ names); each layer has 16 tensors.
    guard config.layers <= names.count else {
      throw SafeTensorsError(
        file: file.path,
        reason: "holds \(names.count) tensors, too few for the \(config.layers) layers "
          + "config.json declares; do the two files belong to the same model?")
    }
    let required = Self.requiredTensors(config)
    let missing = required.filter { !names.contains(prefix + $0.name) }.map { prefix + $0.name }
    if !missing.isEmpty {
      let known = Set(required.map { prefix + $0.name })
      let unexpected = file.tensorNames.filter {
        !known.contains($0) && !Self.isKnownExtra(String($0.dropFirst(prefix.count)))
      }
      throw SafeTensorsError(
        file: file.path, tensor: missing[0],
        reason: "is missing, as are \(missing.count - 1) more BERT tensors"
          + (unexpected.isEmpty
            ? "" : "; the file has tensors BERT does not use, e.g. \(unexpected.prefix(3))")
          + ". Is this a BERT checkpoint with the config.json beside it?")
    }
    for (name, shape) in required {
      let stored = prefix + name
      guard file.shape(of: stored) == shape else {
        throw SafeTensorsError(
          file: file.path, tensor: stored,
          reason: "has shape \(file.shape(of: stored) ?? []) but config.json implies \(shape)")
      }
      // The embedding tables are read at trace time: check their type now, not then.
      let dtype = file.dtypeName(of: stored) ?? "?"
      guard SafeTensorsDType(rawValue: dtype) != nil else {
        throw SafeTensorsError(
          file: file.path, tensor: stored,
          reason: "has dtype \(dtype); attnviz reads only F32, F16 and BF16 tensors")
      }
    }
  }

  func vector(_ name: String, _ length: Int) throws -> [Double] {
    try file.vector(prefix + name, expectedLength: length)
  }

  /// A `Linear` weight, (out, in) as stored.
  func linear(_ name: String, out: Int, in inputs: Int) throws -> Matrix {
    try file.matrix(prefix + name, expectedShape: [out, inputs])
  }

  func norm(_ name: String) throws -> LayerNorm {
    LayerNorm(
      scale: try vector(name + ".weight", config.hiddenSize),
      shift: try vector(name + ".bias", config.hiddenSize), epsilon: config.layerNormEpsilon)
  }

  func layer(_ l: Int) throws -> BertLayerWeights {
    let (c, i) = (config.hiddenSize, config.intermediateSize)
    let p = "encoder.layer.\(l)."
    let attention = BertAttention(
      query: try linear(p + "attention.self.query.weight", out: c, in: c),
      key: try linear(p + "attention.self.key.weight", out: c, in: c),
      value: try linear(p + "attention.self.value.weight", out: c, in: c),
      output: try linear(p + "attention.output.dense.weight", out: c, in: c),
      queryBias: try vector(p + "attention.self.query.bias", c),
      keyBias: try vector(p + "attention.self.key.bias", c),
      valueBias: try vector(p + "attention.self.value.bias", c),
      outputBias: try vector(p + "attention.output.dense.bias", c),
      heads: config.heads)
    return BertLayerWeights(
      attention: attention, attentionNorm: try norm(p + "attention.output.LayerNorm"),
      intermediate: try linear(p + "intermediate.dense.weight", out: i, in: c),
      intermediateBias: try vector(p + "intermediate.dense.bias", i),
      output: try linear(p + "output.dense.weight", out: c, in: i),
      outputBias: try vector(p + "output.dense.bias", c),
      outputNorm: try norm(p + "output.LayerNorm"))
  }

  /// Rows of an embedding table, read from the mapping without converting the whole table
  /// (MiniLM's word embeddings alone are 30522 × 384).
  func embeddingRows(_ name: String, _ indices: [Int], tableSize: Int) throws -> Matrix {
    try file.rows(prefix + name, indices, expectedShape: [tableSize, config.hiddenSize])
  }
}
