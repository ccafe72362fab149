import AttnvizTokens

/// A text as the engine runs it: its tokens and their ids.
public struct EncodedText: Sendable, Equatable {
  public var tokens: [Token]
  public var ids: [Int]
  /// The token count before `--truncate` cut the text, nil when it was not cut.
  public var truncatedFrom: Int?
}

/// The output side of the engine: logits, the residual stream, ablated heads and a key/value
/// cache, through the same `ForwardPass` as `trace`.
///
///     let encoded = try model.encode("The cat sat on the")
///     let out = try model.forward(ids: encoded.ids, request: ForwardRequest(logits: .last))
///     out.logits  // (1, V): the next token's logits
///
/// Generation: `let cache = model.makeCache()`, then `forward(ids: prompt, …, cache: cache)`
/// once and `forward(ids: [next], …, cache: cache)` per new token; each pass's attention rows
/// cover every position so far.
extension TransformerModel {
  /// Whether the model has a next-token head (decoders; encoders do not predict tokens).
  public var predictsTokens: Bool { info.predictsNextToken }

  /// Whether the LM head is the token embedding table itself (tied, as GPT-2 and SmolLM2)
  /// rather than a matrix of its own (`lm_head.weight`, GGUF `output.weight`).
  public var headIsTied: Bool { !table.has(.lmHead) }

  /// One pass over `ids` (positions after the cache's, which the pass extends), computing what
  /// `request` asks for. Throws for logits on a model without a head (an encoder), for ids
  /// outside the vocabulary and for positions beyond the model's limit.
  public func forward(ids: [Int], request: ForwardRequest, cache: KeyValueCache? = nil) throws
    -> ForwardOutput
  {
    let past = cache?.count ?? 0
    guard !ids.isEmpty else {
      throw ModelError.badModel(path: location, reason: "a forward pass needs at least one token")
    }
    if let id = ids.first(where: { !(0..<config.vocabularySize).contains($0) }) {
      throw ModelError.badModel(
        path: location, reason: "token id \(id) is outside the \(config.vocabularySize) embeddings")
    }
    guard past + ids.count <= config.tokenLimit else {
      throw ModelError.tooManyTokens(count: past + ids.count, limit: config.tokenLimit)
    }
    if let position = request.headWritesPosition, !ids.indices.contains(position) {
      throw ModelError.badModel(
        path: location,
        reason: "head writes asked at position \(position) of a pass of \(ids.count) tokens")
    }
    let pass = makePass(stepsLayer: nil)
    if request.logits != .none { _ = try pass.head.parameter() }
    if let cache {
      guard cache.keys.count == config.layers,
        cache.keys.allSatisfy({ $0.count == past * config.kvHeads * config.headDim })
      else {
        throw ModelError.badModel(
          path: location,
          reason: "the key/value cache does not belong to this model or a pass on it failed; "
            + "start a new one with makeCache()")
      }
    }
    return try pass.run(ids: ids, request: request, cache: cache)
  }

  /// `trace(text, stepsLayer:)` and the request's outputs from the same pass. The output's
  /// `layers` are left empty: the attention is in the trace.
  public func trace(_ text: String, stepsLayer: Int?, request: ForwardRequest) throws -> (
    trace: AttentionTrace, output: ForwardOutput
  ) {
    try trace(try tokenize(text), stepsLayer: stepsLayer, request: request)
  }

  /// The same on tokens already cut (`tokenize`), so a run tokenizes its text once.
  public func trace(_ input: TokenizedText, stepsLayer: Int?, request: ForwardRequest) throws
    -> (trace: AttentionTrace, output: ForwardOutput)
  {
    let ids = try ids(of: input.tokens)
    if request.logits != .none { _ = try makePass(stepsLayer: nil).head.parameter() }
    var output = try makePass(stepsLayer: stepsLayer).run(ids: ids, request: request, cache: nil)
    let trace = AttentionTrace(
      text: input.text, tokens: input.tokens, model: info, layers: output.layers,
      truncatedFrom: input.truncatedFrom)
    output.layers = []
    return (trace, output)
  }

  /// An empty key/value cache for `forward(ids:request:cache:)`.
  public func makeCache() -> KeyValueCache { KeyValueCache(layers: config.layers) }

  /// The logit lens: the final norm and the LM head applied to residual-stream rows, as if
  /// the model ended there. residual (rows, C) → (rows, V)
  public func logits(residual: [Float], rows: Int) throws -> [Float] {
    precondition(residual.count == rows * config.hidden, "logits(residual:): shapes differ")
    return try makePass(stepsLayer: nil).head.logits(residual, rows: rows)
  }

  /// The final norm alone (LayerNorm or RMSNorm with the model's weights). (rows, C) → (rows, C)
  public func finalNorm(_ residual: [Float]) throws -> [Float] {
    let head = makePass(stepsLayer: nil).head
    _ = try head.parameter()
    return try head.finalNorm(residual)
  }

  /// The LM head alone on rows already normalised: h·W_headᵀ. (rows, C) → (rows, V)
  public func unembed(_ normalised: [Float], rows: Int) throws -> [Float] {
    precondition(normalised.count == rows * config.hidden, "unembed: shapes differ")
    return try makePass(stepsLayer: nil).head.unembed(normalised, rows: rows)
  }

  func makePass(stepsLayer: Int?) -> ForwardPass {
    ForwardPass(
      config: config, tensors: tensors, table: table, name: location, stepsLayer: stepsLayer)
  }
}

extension TransformerModel {
  /// The most positions one pass or one generation may span (the model's positions, and the
  /// trace budget's bound for a whole text).
  public var positionLimit: Int { config.tokenLimit }
}
