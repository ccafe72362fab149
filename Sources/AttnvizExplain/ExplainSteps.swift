import AttnvizKit
import AttnvizMath
import AttnvizModel
import AttnvizStyle

/// The walk-through of one head of one layer of a trace (the first unless `explain --layer`):
/// every step with its caption and matrices, numbers taken from the run.
struct ExplainWalkthrough: Sendable {
  let trace: AttentionTrace
  let steps: LayerSteps
  /// 0-based.
  let head: Int
  let list: [ExplainStep]

  /// Fails with a clear message when the model did not keep its first layer's intermediates.
  init(
    trace: AttentionTrace, head: Int, layer: Int = 0, next: NextTokenReading? = nil,
    translator: TranslatorWalk? = nil
  ) throws {
    guard trace.layers.indices.contains(layer), let steps = trace.layers[layer].steps else {
      throw AttnvizError.failure(
        "\(trace.model.name) did not keep the intermediate matrices of layer \(layer + 1), which explain needs; the built-in layer and --weights files keep them for texts of up to \(EmbeddedModel.maximumTokensWithSteps) tokens"
      )
    }
    try checkExplainChoices(head: head + 1, step: nil, model: trace.model)
    self.trace = trace
    self.steps = steps
    self.head = head
    self.list = StepBuilder(
      trace: trace, steps: steps, head: head, layerIndex: layer, next: next,
      translator: translator
    ).build()
  }

  /// The one step `--step N` asks for, or a usage error saying which steps exist.
  func step(_ number: Int) throws -> ExplainStep {
    try checkExplainChoices(head: head + 1, step: number, model: trace.model)
    guard let step = list.first(where: { $0.number == number }) else {
      throw AttnvizError.failure("step \(number) was not built")
    }
    return step
  }
}

/// Builds the steps. Shapes: T tokens, C = d_model, H heads, D = d_k = C / H.
struct StepBuilder {
  let trace: AttentionTrace
  let steps: LayerSteps
  let head: Int
  /// 0-based: the layer walked through.
  var layerIndex = 0
  /// A decoder's last step (final norm, LM head, next tokens), from the same pass.
  var next: NextTokenReading? = nil
  /// A translator's decoder step (steps 12–14), from the same translation.
  var translator: TranslatorWalk? = nil

  var about: ModelDescription {
    var about = ModelDescription(trace: trace, steps: steps)
    about.translatorScale = translator?.steps.embeddingScale
    return about
  }
  var numbering: StepNumbering { StepNumbering(model: trace.model) }
  /// The tokens by the one label rule, applied where the steps' matrices are built.
  var tokens: [String] { trace.tokens.map { tokenLabel($0.text) } }
  var t: Int { trace.tokens.count }
  var c: Int { trace.model.dModel }
  var h: Int { trace.model.heads }
  var d: Int { trace.model.headDimension }
  var causal: Bool { trace.model.causal }
  /// The columns of Q, K, V (and of the concatenation) that belong to the head.
  var headColumns: Range<Int> { (head * d)..<((head + 1) * d) }
  /// ", head 2 (d4–d7)" for several heads; nothing for one.
  var headPart: String {
    h > 1 ? ", head \(head + 1) (d\(headColumns.lowerBound)–d\(headColumns.upperBound - 1))" : ""
  }

  func build() -> [ExplainStep] {
    var list = [tokenStep(), embeddingStep(), positionStep(), projectionStep()]
    if numbering.rotary, let rotation = steps.rotation { list.append(rotationStep(rotation)) }
    list.append(scoreStep())
    if causal { list.append(maskStep()) }
    list += [weightStep(), outputStep()]
    // A model that records the rest of its block (not a weights file) continues through it;
    // the numbering counts those steps only when they are there.
    if numbering.block, let block = steps.block {
      list += blockSteps(block)
      if translator != nil { list[list.count - 1].caption.append(encoderOutputNote()) }
    }
    if numbering.predicts, let next { list.append(nextTokenStep(next)) }
    if numbering.translator, let translator { list += translatorSteps(translator) }
    return list
  }

  /// A step numbered as this model numbers its steps.
  func step(
    _ kind: ExplainStepKind, title: String, caption: [String], tables: [ExplainTable],
    tokens: [String] = [], parts: [[Int]] = []
  ) -> ExplainStep {
    ExplainStep(
      kind: kind, number: numbering.number(kind), title: title, caption: caption, tables: tables,
      tokens: tokens, parts: parts)
  }

  func signed(_ m: Matrix, rows: [String]? = nil, dimensionLabels: Bool = false) -> LabeledMatrix {
    let columns = dimensionLabels && h > 1 ? headColumns.map { "d\($0)" } : nil
    var labeled = LabeledMatrix(m, rowLabels: rows ?? tokens, columnLabels: columns, kind: .signed)
    labeled.labelsAreDimensions = true
    return labeled
  }

  func square(_ m: Matrix, kind: MatrixKind, masked: Bool) -> LabeledMatrix {
    LabeledMatrix(m, rowLabels: tokens, columnLabels: tokens, kind: kind, isCausal: masked)
  }

  func tokenStep() -> ExplainStep {
    step(
      .tokens, title: "Tokens", caption: Captions.tokens(count: t, about: about),
      tables: [], tokens: tokens)
  }

  func embeddingStep() -> ExplainStep {
    step(
      .embeddings, title: "Embeddings X",
      caption: Captions.embeddings(tokens: t, dModel: c, about: about),
      tables: [
        ExplainTable(
          title: "\(about.embeddingName) (\(t) × \(c))", matrix: signed(steps.embeddings))
      ])
  }

  func positionStep() -> ExplainStep {
    var tables: [ExplainTable] = []
    if let pe = steps.positionalEncoding {
      let positions = (0..<t).map { "pos \($0)" }
      tables.append(
        ExplainTable(
          title: "\(about.positionName) (\(t) × \(c))", matrix: signed(pe, rows: positions)))
    }
    tables.append(
      ExplainTable(title: "\(about.inputName) (\(t) × \(c))", matrix: signed(steps.input)))
    let rotary = numbering.rotary && steps.rotation != nil
    return step(
      .positionalEncoding,
      title: rotary
        ? "Position: nothing added to X (rotary, step \(numbering.number(.rotation)))"
        : steps.positionalEncoding == nil ? "Position: none added" : "Positional encoding: X + PE",
      caption: rotary
        ? Captions.rotaryPosition(about: about, step: numbering.number(.rotation))
        : Captions.position(about: about, dModel: c), tables: tables)
  }

  /// Q, K, V as X·W gives them: on a rotary model, Q and K from before the rotation (the next
  /// step turns them), after Qwen3's per-head RMSNorm where the model has one.
  func projectionStep() -> ExplainStep {
    let rotation = numbering.rotary ? steps.rotation : nil
    let normalised = rotation?.normalised == true
    // What is multiplied, as step 3 computed it: (X + PE) where position was added.
    let x = about.inputSymbol
    func product(_ name: String, _ weight: String) -> String {
      normalised && name != "V"
        ? "\(name) = RMSNorm(\(x)·\(weight))" : "\(name) = \(x)·\(weight)"
    }
    let names = [
      ("Q", "Wq", rotation?.q ?? steps.q), ("K", "Wk", rotation?.k ?? steps.k),
      ("V", "Wv", steps.v),
    ]
    let tables = names.map { name, weight, m in
      ExplainTable(
        title: "\(product(name, weight))\(headPart)",
        matrix: signed(m.columns(headColumns), dimensionLabels: true))
    }
    return step(
      .projections, title: "Queries, keys, values",
      caption: Captions.projections(
        dModel: c, heads: h, head: head, dk: d, hasBias: about.hasBias,
        keyValueHeads: trace.model.keyValueHeads, input: x),
      tables: tables)
  }

  func scoreStep() -> ExplainStep {
    step(
      .scores, title: "Scores Q·Kᵀ, scaled by 1/√d_k",
      caption: Captions.scores(tokens: t, dk: d),
      tables: [
        ExplainTable(
          title: "Raw scores Q·Kᵀ",
          matrix: square(steps.rawScores[head], kind: .signed, masked: false),
          columnsAreTokens: true),
        ExplainTable(
          title: "Scaled scores Q·Kᵀ / √\(d)",
          matrix: square(steps.scaledScores[head], kind: .signed, masked: false),
          columnsAreTokens: true),
      ])
  }

  func maskStep() -> ExplainStep {
    step(
      .causalMask, title: "Causal mask: no looking ahead", caption: Captions.mask(),
      tables: [
        ExplainTable(
          title: "Scaled scores, future keys masked (−∞)",
          matrix: square(steps.scaledScores[head], kind: .signed, masked: true),
          columnsAreTokens: true)
      ])
  }

  func weightStep() -> ExplainStep {
    step(
      .weights, title: "Softmax: attention weights",
      caption: Captions.weights(causal: causal, dk: d),
      tables: [
        ExplainTable(
          title: "Attention weights (rows sum to 1)",
          matrix: square(steps.weights[head], kind: .probabilities, masked: causal),
          columnsAreTokens: true)
      ])
  }

  func outputStep() -> ExplainStep {
    var tables = [
      ExplainTable(
        title: h > 1 ? "weights·V, head \(head + 1) (\(t) × \(d))" : "weights·V (\(t) × \(d))",
        matrix: signed(steps.headOutputs[head], dimensionLabels: true))
    ]
    if h > 1 {
      tables.append(
        ExplainTable(
          title: "Concatenation of \(h) heads (\(t) × \(c))", matrix: signed(steps.concatenated)))
    }
    let source = h > 1 ? "concat" : "(weights·V)"
    tables.append(
      ExplainTable(title: "Output = \(source)·Wo (\(t) × \(c))", matrix: signed(steps.output)))
    return step(
      .output,
      title: h > 1
        ? "Output: weights·V per head, concatenated, ·Wo" : "Output: weights·V, then ·Wo",
      caption: Captions.output(
        tokens: t, dModel: c, heads: h, dk: d, hasBias: about.hasBias,
        residualStep: numbering.block && steps.block != nil ? numbering.number(.residual) : nil),
      tables: tables)
  }
}
