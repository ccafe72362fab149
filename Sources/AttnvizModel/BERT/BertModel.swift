import AttnvizMath
import AttnvizTokens
import Foundation

/// A pretrained BERT encoder read from a folder in the Hugging Face layout:
///
///     config.json             hidden_size, num_hidden_layers, num_attention_heads, …
///     vocab.txt               the WordPiece vocabulary
///     model.safetensors       the weights (F32, F16 or BF16; with or without a "bert." prefix)
///     tokenizer_config.json   optional: do_lower_case, strip_accents, tokenize_chinese_chars
///
/// `trace` tokenizes like Hugging Face (`[CLS] … [SEP]`), runs the encoder as transformers'
/// `BertModel` does in eval mode, and keeps the attention weights of every layer and head, plus
/// every intermediate of the first layer for the explain walk-through. In that first layer's
/// `LayerSteps`, `embeddings` is the word + token-type embedding, `positionalEncoding` the learned
/// position embedding, and `input` X = LayerNorm(embeddings + position), so "embeddings → + position
/// → X" reads as for the built-in layer (BERT normalises the sum before attention).
///
/// Attention weights match transformers to about 1e-6 (see Tests/AttnvizModelTests).
public struct BertModel: AttentionModel {
  public let info: ModelInfo
  public let config: BertConfiguration
  public let tokenizer: BertTokenizer
  /// Cut over-long texts to `config.maxPositions` tokens instead of refusing them.
  public let truncates: Bool
  let checkpoint: BertCheckpoint
  let embeddingNorm: LayerNorm
  let tokenType: [Double]  // segment A's embedding, added to every token of a single sentence
  let layers: [BertLayerWeights]
  /// The first layer in the row-vector convention, for its `LayerSteps`.
  let firstLayer: SelfAttentionLayer

  public init(folder: String, truncate: Bool = false) throws {
    let url = URL(fileURLWithPath: folder).standardizedFileURL
    func path(_ name: String) -> String { url.appendingPathComponent(name).path }
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory),
      isDirectory.boolValue
    else {
      throw ModelError.badModel(
        path: folder,
        reason: "is not a folder; give a folder with config.json, vocab.txt and model.safetensors "
          + "(`make model` fetches all-MiniLM-L6-v2 into models/)")
    }
    for required in ["config.json", "vocab.txt", "model.safetensors"]
    where !FileManager.default.fileExists(atPath: path(required)) {
      throw ModelError.badModel(
        path: folder,
        reason: "has no \(required); a BERT folder holds config.json, vocab.txt and "
          + "model.safetensors as Hugging Face saves them")
    }
    config = try BertConfiguration(contentsOf: path("config.json"))
    let options = try bertTokenizerOptions(contentsOf: path("tokenizer_config.json"))
    tokenizer = try BertTokenizer(vocabularyFile: path("vocab.txt"), options: options)
    guard tokenizer.vocabulary.count <= config.vocabularySize else {
      throw ModelError.badModel(
        path: folder,
        reason: "vocab.txt has \(tokenizer.vocabulary.count) entries but config.json's "
          + "vocab_size is \(config.vocabularySize); the files belong to different models")
    }
    checkpoint = try BertCheckpoint(
      file: SafeTensorsFile(path: path("model.safetensors")), config: config)
    embeddingNorm = try checkpoint.norm(BertCheckpoint.embeddingNorm)
    tokenType = try checkpoint.embeddingRows(
      BertCheckpoint.tokenTypeEmbeddings, [0], tableSize: config.typeVocabularySize
    ).values
    layers = try (0..<config.layers).map(checkpoint.layer)
    firstLayer = layers[0].attention.rowVectorLayer
    truncates = truncate
    info = ModelInfo(
      name: url.lastPathComponent, architecture: "bert", layers: config.layers,
      heads: config.heads, dModel: config.hiddenSize, causal: false)
  }

  public func tokenCount(_ text: String) throws -> Int? {
    let count = try tokenizer.tokenize(text).count
    guard count <= config.maxPositions || truncates else {
      throw ModelError.tooManyTokens(count: count, limit: config.maxPositions)
    }
    return min(count, config.maxPositions)
  }

  public func trace(_ text: String) throws -> AttentionTrace {
    var tokens = try tokenizer.tokenize(text)
    let limit = config.maxPositions
    var truncatedFrom: Int?
    if tokens.count > limit {
      guard truncates else { throw ModelError.tooManyTokens(count: tokens.count, limit: limit) }
      // As Hugging Face truncates a single sentence: keep [CLS] and the first pieces, end on [SEP].
      truncatedFrom = tokens.count
      tokens = Array(tokens.prefix(limit - 1)) + [tokens[tokens.count - 1]]
    }
    let ids = tokens.map { $0.id ?? 0 }
    return AttentionTrace(
      text: text, tokens: tokens, model: info, layers: try forward(ids: ids),
      truncatedFrom: truncatedFrom)
  }

  /// The encoder on `ids` (T ≤ maxPositions): per layer, the attention of every head; the first
  /// layer with all its steps. Stops after the last layer's attention, which is all it reports.
  func forward(ids: [Int]) throws -> [LayerTrace] {
    let t = ids.count
    let words = try checkpoint.embeddingRows(
      BertCheckpoint.wordEmbeddings, ids, tableSize: config.vocabularySize)  // (T, C)
    let embeddings = addBias(words, tokenType)
    let positions = try checkpoint.embeddingRows(
      BertCheckpoint.positionEmbeddings, Array(0..<t), tableSize: config.maxPositions)  // (T, C)
    var x = layerNorm(embeddings + positions, embeddingNorm)
    var traces: [LayerTrace] = []
    for (l, layer) in layers.enumerated() {
      let context = BertAttention.StepsContext(
        embeddings: embeddings, positions: positions, rowVectorLayer: firstLayer)
      let attention = layer.attention(x, recordSteps: l == 0 ? context : nil)
      traces.append(LayerTrace(weights: attention.weights, steps: attention.steps))
      if l == layers.count - 1 { break }
      let h = layerNorm(x + attention.output, layer.attentionNorm)  // (T, C)
      // The feed-forward block: GELU(h·W1ᵀ + b1) is (T, I), then back to (T, C).
      let inner = linear(h, weight: layer.intermediate, bias: layer.intermediateBias).map(gelu)
      let out = linear(inner, weight: layer.output, bias: layer.outputBias)  // (T, C)
      x = layerNorm(h + out, layer.outputNorm)
    }
    return traces
  }
}

/// Row-wise LayerNorm: (x − mean) / √(variance + ε) · scale + shift, the variance taken over the
/// C channels and divided by C (biased), as torch.nn.LayerNorm.
func layerNorm(_ x: Matrix, _ norm: LayerNorm) -> Matrix {
  var out = x
  let c = x.columns
  for r in 0..<x.rows {
    let row = x.row(r)
    let mean = row.reduce(0, +) / Double(c)
    let variance = row.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(c)
    let inverse = 1 / (variance + norm.epsilon).squareRoot()
    for j in 0..<c { out[r, j] = (x[r, j] - mean) * inverse * norm.scale[j] + norm.shift[j] }
  }
  return out
}

/// BERT's GELU, the exact form x · Φ(x) = x/2 · (1 + erf(x/√2)) (transformers' "gelu"), not the
/// tanh approximation GPT-2 uses.
func gelu(_ x: Double) -> Double {
  0.5 * x * (1 + erf(x / 2.0.squareRoot()))
}
