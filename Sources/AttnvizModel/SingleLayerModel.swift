import AttnvizMath
import AttnvizTokens

/// The weights of one multi-head self-attention layer in the conventions attnviz fixes:
///
///     X = embeddings + PE                      (T, C), row vectors
///     Q = X·Wq,  K = X·Wk,  V = X·Wv           each (C, C)
///     head h uses columns h·D ..< (h+1)·D      D = C / H
///     weights_h = softmax(Q_h·K_hᵀ / √D)       row by row, max subtracted;
///                                              causal: query i sees keys 0…i only
///     output = concat_h(weights_h · V_h) · Wo
///
/// The attention itself is the engine's kernel (`AttentionKernel`) in Double; the tests keep a
/// plain Double layer written from these formulas as the hand-checkable reference.
public struct AttentionLayerWeights: Sendable, Equatable {
  public var wq: Matrix
  public var wk: Matrix
  public var wv: Matrix
  public var wo: Matrix
  public var heads: Int
  public var causal: Bool

  public init(wq: Matrix, wk: Matrix, wv: Matrix, wo: Matrix, heads: Int, causal: Bool) {
    precondition(heads > 0 && wq.columns % heads == 0, "heads must divide d_model")
    self.wq = wq
    self.wk = wk
    self.wv = wv
    self.wo = wo
    self.heads = heads
    self.causal = causal
  }

  public var modelDimension: Int { wq.rows }
  public var headDimension: Int { wq.columns / heads }

  /// Runs the layer on `embeddings` (T, C), `positionalEncoding` added when given: every head's
  /// weights, and every intermediate when `keepSteps`.
  public func run(embeddings: Matrix, positionalEncoding: Matrix?, keepSteps: Bool) -> LayerTrace {
    let x = positionalEncoding.map { embeddings + $0 } ?? embeddings  // (T, C)
    let (t, d) = (x.rows, headDimension)
    let q = x * wq  // (T, C)
    let k = x * wk
    let v = x * wv
    let kernel = AttentionKernel(
      t: t, heads: heads, kvHeads: heads, headDim: d, mask: AttentionMask(causal: causal))
    let result = kernel(q: q.values, k: k.values, v: v.values, keepScores: keepSteps)
    let weights = result.weights.map { Matrix(rows: t, columns: t, values: $0) }  // H × (T, T)
    guard keepSteps, let raw = result.raw, let scaled = result.scaled else {
      return LayerTrace(weights: weights)
    }
    let concatenated = Matrix(rows: t, columns: wq.columns, values: result.output)  // (T, C)
    let steps = LayerSteps(
      embeddings: embeddings, positionalEncoding: positionalEncoding, input: x, wq: wq, wk: wk,
      wv: wv, wo: wo, q: q, k: k, v: v,
      rawScores: raw.map { Matrix(rows: t, columns: t, values: $0) },
      scaledScores: scaled.map { Matrix(rows: t, columns: t, values: $0) }, weights: weights,
      headOutputs: (0..<heads).map { concatenated.columns(($0 * d)..<(($0 + 1) * d)) },
      concatenated: concatenated, output: concatenated * wo)
    return LayerTrace(weights: weights, steps: steps)
  }
}

/// The single-layer models: the built-in layer (`EmbeddedModel`, embeddings hashed from the
/// word) and weights files (`WeightsFileModel`, embeddings looked up in the file's table). Both
/// cut text into words and marks, add sinusoidal positions (a weights file may say "none") and
/// run one `AttentionLayerWeights`; only where the embeddings come from differs.
public struct SingleLayerModel: AttentionModel {
  /// Where a token's embedding comes from.
  enum Embeddings: Sendable {
    /// `EmbeddedModel.embedding(of:dimension:)`: letter trigrams and the word, hashed.
    case hashed
    /// Looked up by lower-cased word in a weights file's table, `unknown` for the others (an
    /// error when the file has no `unknown`).
    case table([String: [Double]], unknown: [Double]?, file: String)
  }

  public let info: ModelInfo
  public let layer: AttentionLayerWeights
  public let usesPositionalEncoding: Bool
  let embeddings: Embeddings
  /// The rest of the block after attention (the built-in layer's; a weights file has none).
  public let block: FeedForwardBlock?
  let tokenizer = WordTokenizer()

  init(
    info: ModelInfo, layer: AttentionLayerWeights, embeddings: Embeddings,
    usesPositionalEncoding: Bool, block: FeedForwardBlock? = nil
  ) {
    self.info = info
    self.layer = layer
    self.embeddings = embeddings
    self.usesPositionalEncoding = usesPositionalEncoding
    self.block = block
  }

  /// Words and marks, at most `maximumTokens` of them.
  public func tokenize(_ text: String) throws -> TokenizedText {
    let tokens = try tokenizer.tokenize(text)
    guard tokens.count <= Self.maximumTokens else {
      throw ModelError.textTooLong(count: tokens.count, limit: Self.maximumTokens)
    }
    return TokenizedText(text: text, tokens: tokens)
  }

  /// The one layer's weights, with its intermediates unless `stepsLayer` is nil or the text is
  /// longer than `maximumTokensWithSteps`.
  public func trace(_ input: TokenizedText, stepsLayer: Int?) throws -> AttentionTrace {
    let tokens = input.tokens
    let x = Matrix(
      rows: tokens.count, columns: info.dModel, values: try embeddingRows(tokens))  // (T, C)
    let pe =
      usesPositionalEncoding
      ? sinusoidalPositionalEncoding(positions: tokens.count, dimensions: info.dModel) : nil
    let keepSteps = stepsLayer != nil && tokens.count <= Self.maximumTokensWithSteps
    var trace = layer.run(embeddings: x, positionalEncoding: pe, keepSteps: keepSteps)
    if let block, let steps = trace.steps {
      trace.steps?.block = block.steps(input: steps.input, attention: steps.output)
    }
    return AttentionTrace(text: input.text, tokens: tokens, model: info, layers: [trace])
  }

  func embeddingRows(_ tokens: [Token]) throws -> [Double] {
    switch embeddings {
    case .hashed:
      return tokens.flatMap { Self.embedding(of: $0.text, dimension: info.dModel) }
    case .table(let table, let unknown, let file):
      var rows: [Double] = []
      for token in tokens {
        guard let vector = table[token.text.lowercased()] ?? unknown else {
          throw ModelError.unknownToken(file: file, token: token.text)
        }
        rows += vector
      }
      return rows
    }
  }
}
