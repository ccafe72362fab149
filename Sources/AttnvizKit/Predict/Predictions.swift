import AttnvizModel
import AttnvizStyle
import AttnvizTokens
import Foundation

/// A token the model could say next, as every output shows it.
struct PredictedToken: Equatable {
  var id: Int
  /// The display label (`·tired`), through the tokenizer's one label rule.
  var label: String
  /// The text the token stands for (" tired"), for the JSON.
  var text: String
  var probability: Double
  var logit: Float
}

/// What `--view next` and `--view lens` show, from the one pass that made the trace.
struct Predictions: Equatable {
  /// The token (index into the trace's tokens) whose next token is predicted.
  var position: Int
  /// The most probable next tokens, most probable first.
  var next: [PredictedToken]
  var vocabularySize: Int
  var lens: LogitLens?
}

/// The logit lens over a window of positions: [layer][column] top-1 of the residual stream
/// after that layer, through the final norm and the head.
struct LogitLens: Equatable {
  /// Token indices of the columns, ending at the predicted position.
  var positions: [Int]
  /// [layer][column]
  var cells: [[PredictedToken]]
  /// The token that really follows each column's position in the text (nil for the last).
  var actualNext: [Int?]
}

/// The model and the residual stream kept by the pass, for the prediction views.
struct PredictionSource {
  let model: TransformerModel
  /// `.last`: one (T, C) entry; `.all`: L + 1.
  let residuals: [[Float]]
}

/// Most columns of the lens figure: a slide's width of tokens.
let maximumLensPositions = 12

extension ViewKind {
  /// Views that need the model's output side (logits), not only its attention.
  var isPrediction: Bool { self == .next || self == .lens }
}

/// The trace, and with `--view next` or `lens` what they need from the same pass: the residual
/// stream (all layers for the lens, the last for the next token). With `--view credit` on a
/// model that can be credited, the same pass also keeps what direct logit attribution reads,
/// and with `--ablate` on a decoder the stream entering every layer (the unablated prediction,
/// and where the ablated pass starts), both in `attributed`, so the engine runs the unablated
/// text once. Other views: the plain trace.
func traceForViews(
  _ options: VisualizeOptions, progress: any RunProgress,
  checkChoices: (ModelInfo) throws -> Void, estimate: @escaping (RunShape) -> MemoryEstimate
) throws -> (
  trace: AttentionTrace, model: any AttentionModel, predictions: PredictionSource?,
  chat: ChatPrompt?, attributed: ForwardOutput?
) {
  let views = options.views ?? []
  let predicts = views.contains(where: \.isPrediction)
  let asked =
    predicts
    ? views.filter(\.isPrediction).map { "--view \($0.rawValue)" }.joined(separator: ", ")
    : "--chat"
  if options.mergeSubwords, predicts {
    throw AttnvizError.usage(
      "\(asked) predicts the token after a model token; drop --merge-subwords")
  }
  let loaded = try readAndLoad(
    options.text, with: options.model, in: options.context, progress: progress,
    checkChoices: checkChoices,
    estimate: estimate)
  // A model that cannot be credited gets the plain trace; runAttribution then says why not.
  let credited =
    views.contains(.credit)
    ? (loaded.model as? TransformerModel).map {
      $0.predictsTokens && $0.hasAdditiveResidualStream
    } ?? false : false
  // --ablate's unablated prediction comes from this pass (`AblationRun`).
  let ablating =
    !options.attribution.ablate.isEmpty
    && (loaded.model as? TransformerModel)?.predictsTokens == true
  guard predicts || options.chat != nil || credited || ablating else {
    progress.stage("running the model")
    let trace = try traceChecked(
      loaded.model, loaded.input, stepsLayer: 0, valueNorms: views.contains(.contribution))
    return (trace, loaded.model, nil, nil, nil)
  }
  guard let model = loaded.model as? TransformerModel, model.predictsTokens else {
    throw AttnvizError.usage(
      "\(asked) needs a decoder, which predicts the next token; \(loaded.model.info.name) "
        + "does not (decoders attnviz runs: \(TransformerConfig.decoderList), e.g. --model "
        + "SmolLM2-135M-Instruct)")
  }
  let chat = try chatPromptPieces(loaded.text, model: model, chat: options.chat)
  progress.stage("running the model")
  var request =
    views.contains(.lens)
    ? ForwardRequest(residuals: .all)
    : views.contains(.next) ? ForwardRequest(residuals: .last) : ForwardRequest()
  request.transformedNorms = views.contains(.contribution)
  let result: (trace: AttentionTrace, output: ForwardOutput)
  do {
    let input = try chat.map { try model.tokenize($0.text) } ?? loaded.input
    if credited { request.attribute(tokens: input.tokens.count) }
    if ablating { request.residuals = .all }
    result = try model.trace(input, stepsLayer: 0, request: request)
  } catch {
    throw AttnvizError.from(error)
  }
  guard result.trace.layers.allSatisfy(isSound) else {
    throw AttnvizError.failure("the attention overflowed (scores too large for floating point)")
  }
  let attributed = credited || ablating ? result.output : nil
  guard predicts else { return (result.trace, model, nil, chat, attributed) }
  // The lens reads every layer's stream; the next token only the last (credit may have kept
  // them all).
  let residuals = result.output.residuals ?? []
  return (
    result.trace, model,
    PredictionSource(
      model: model,
      residuals: views.contains(.lens) ? residuals : residuals.last.map { [$0] } ?? []),
    chat, attributed
  )
}

extension PredictionSource {
  /// The next-token candidates after token `position`, and the lens when the pass kept every
  /// layer.
  func predictions(position: Int, tokens: [Token], count: Int) throws -> Predictions {
    let c = model.config.hidden
    guard let last = residuals.last else {
      throw AttnvizError.failure("the pass kept no residual stream")
    }
    let row = Array(last[(position * c)..<((position + 1) * c)])
    let logits = try model.logits(residual: row, rows: 1)
    let next = NextTokenDistribution(logits: logits).top(count).map(predicted)
    var lens: LogitLens?
    if residuals.count == model.config.layers + 1 {
      lens = try logitLens(ending: position, tokens: tokens)
    }
    return Predictions(
      position: position, next: next, vocabularySize: model.config.vocabularySize, lens: lens)
  }

  /// Top-1 of every layer's residual stream at up to `maximumLensPositions` positions ending
  /// at `position`, the rows of a layer through the head together.
  func logitLens(ending position: Int, tokens: [Token]) throws -> LogitLens {
    let c = model.config.hidden
    let v = model.config.vocabularySize
    let first = max(0, position - maximumLensPositions + 1)
    let columns = Array(first...position)
    var cells: [[PredictedToken]] = []
    // Several layers' rows through the head at once: a quantised head is converted once per
    // group, and a group's logits stay under ~20 MB.
    let layers = Array(1...model.config.layers)
    let group = max(1, 96 / columns.count)
    for start in stride(from: 0, to: layers.count, by: group) {
      let chosen = layers[start..<min(layers.count, start + group)]
      let rows = chosen.flatMap { layer in
        columns.flatMap { residuals[layer][($0 * c)..<(($0 + 1) * c)] }
      }
      let logits = try model.logits(residual: rows, rows: chosen.count * columns.count)
      for (g, _) in chosen.enumerated() {
        cells.append(
          columns.indices.map { i in
            let r = g * columns.count + i
            let row = logits[(r * v)..<((r + 1) * v)]
            return predicted(NextTokenDistribution(logits: row).top(1)[0])
          })
      }
    }
    let actual = columns.map { $0 + 1 < tokens.count ? tokens[$0 + 1].id : nil }
    return LogitLens(positions: columns, cells: cells, actualNext: actual)
  }

  func predicted(_ candidate: Candidate) -> PredictedToken {
    let decoder = model.tokenizer as? any TokenDecoding
    let token = decoder?.token(id: candidate.id)
    let bytes = decoder?.bytes(id: candidate.id) ?? []
    return PredictedToken(
      id: candidate.id, label: token?.text ?? "#\(candidate.id)",
      text: String(decoding: bytes, as: UTF8.self), probability: candidate.probability,
      logit: candidate.logit)
  }
}
