import AttnvizKit
import AttnvizMath
import AttnvizModel
import AttnvizStyle

/// A translator's walk after its encoder layer: one decoder step, recorded during the one
/// translation (`MarianTranslator.translate(_:truncate:recording:)`), with the labels the
/// tables print. Shapes: S source tokens, C = d_model, H heads, D = C / H, t the step.
struct TranslatorWalk: Sendable {
  let steps: TranslationSteps
  /// The generated tokens, by the one label rule.
  let target: [String]
  let decoderLayers: Int

  var decoder: DecoderStepSteps { steps.decoder }
  /// 0-based: the generated token the step writes.
  var position: Int { steps.decoder.position }
  /// What the step writes.
  var writing: String { target[position] }
  /// What it reads: the token written before, or the decoder's start.
  var reading: String {
    position > 0
      ? "“\(target[position - 1])”"
      : steps.startsFromZeroVector ? "a zero vector (the start)" : "the start token"
  }
}

extension StepBuilder {
  func translatorSteps(_ w: TranslatorWalk) -> [ExplainStep] {
    [decoderStep(w), crossAttentionStep(w), translatorNextToken(w)]
  }

  /// What the block output's caption adds on a translator: where the decoder reads it.
  func encoderOutputNote() -> String {
    let layers = trace.layers.count
    return
      "The decoder's cross-attention (step \(numbering.number(.crossAttention))) reads the output of encoder block \(layers) of \(layers)."
  }

  /// The decoder's first sub-block at the recorded step: the SSRU where the 2017 paper has masked
  /// self-attention, or that masked self-attention.
  func decoderStep(_ w: TranslatorWalk) -> ExplainStep {
    let d = w.decoder
    let l = d.layer
    let t = w.position
    let place =
      "Decoder layer \(l + 1) of \(w.decoderLayers), step \(t + 1) (writing “\(w.writing)”)"
    let input =
      l == 0
      ? "y is the embedding of \(w.reading)"
        + (w.steps.embeddingScale == 1
          ? "" : " × \(formatFixed(w.steps.embeddingScale, decimals: 2))")
        + " plus position \(t)"
      : "y is decoder layer \(l)'s output at this step"
    let row = "step \(t + 1)"
    switch d.mixer {
    case .recurrent(let gate, let candidate, let previousCell, let cell, let output):
      let gates = gate.values
      let kept = gates.reduce(0, +) / Double(max(gates.count, 1))
      var gateTable = LabeledMatrix(
        gate, rowLabels: ["f"], columnLabels: nil, kind: .probabilities)
      gateTable.labelsAreDimensions = true
      let state = Matrix(
        rows: 3, columns: c, values: previousCell.values + candidate.values + cell.values)
      let flow = Matrix(
        rows: 3, columns: c, values: d.input.values + output.values + d.mixed.values)
      var cellTable = ExplainTable(
        title: "The cell: c before, candidate y·W, c after (3 × \(c))",
        matrix: signed(state, rows: ["c (step \(t))", "y·W", "c (step \(t + 1))"]))
      cellTable.scale = "cell"
      cellTable.rowTitle = "Cell"
      var flowTable = ExplainTable(
        title: "y in, ReLU(c), LayerNorm(y + ReLU(c)) out (3 × \(c))",
        matrix: signed(flow, rows: ["y in", "ReLU(c)", "y out"]))
      flowTable.scale = "flow"
      flowTable.rowTitle = "Vector"
      return step(
        .decoderStep, title: "Decoder step \(t + 1): the recurrent unit where self-attention was",
        caption: Captions.recurrentStep(
          where: place, input: input, meanGate: kept, first: t == 0,
          crossStep: numbering.number(.crossAttention)),
        tables: [
          ExplainTable(
            title: "Forget gate f = σ(y·Wf + bf) (1 × \(c))", matrix: gateTable, rowTitle: "Gate",
            unitScaleLabel: "share of c kept"),
          cellTable, flowTable,
        ], parts: [[0, 1], [2]])
    case .selfAttention(let scaled, let weights, _):
      let keys = ["start"] + w.target.prefix(t)
      func keyed(_ m: Matrix, _ kind: MatrixKind) -> LabeledMatrix {
        LabeledMatrix(m, rowLabels: [row], columnLabels: keys, kind: kind)
      }
      let best = argmax(weights[head].values)
      return step(
        .decoderStep,
        title: "Decoder step \(t + 1): masked self-attention over the translation so far",
        caption: Captions.decoderSelfAttention(
          where: place, input: input, steps: t + 1, head: head, heads: h,
          best: (keys[best], weights[head].values[best]),
          crossStep: numbering.number(.crossAttention)),
        tables: [
          ExplainTable(
            title: "Scaled scores, head \(head + 1) (1 × \(t + 1))",
            matrix: keyed(scaled[head], .signed), columnsAreTokens: true,
            columnTitle: "Written so far (key)", rowTitle: "Decoder step"),
          ExplainTable(
            title: "Weights, head \(head + 1) (rows sum to 1)",
            matrix: keyed(weights[head], .probabilities), columnsAreTokens: true,
            columnTitle: "Written so far (key)", rowTitle: "Decoder step"),
        ])
    }
  }

  /// The step's query against the encoder output's keys: the alignment, computed.
  func crossAttentionStep(_ w: TranslatorWalk) -> ExplainStep {
    let d = w.decoder
    let row = "step \(d.position + 1)"
    let s = tokens.count
    var all = Matrix(rows: h, columns: s)
    for (index, m) in d.weights.enumerated() {
      for k in 0..<s { all[index, k] = m.values[k] }
    }
    let average = (0..<s).map { k in (0..<h).reduce(0) { $0 + all[$1, k] } / Double(max(h, 1)) }
    let chosen = d.weights[head].values
    let best = argmax(chosen)
    let bestAverage = argmax(average)
    func keyed(_ m: Matrix, _ kind: MatrixKind, rows: [String]) -> LabeledMatrix {
      LabeledMatrix(m, rowLabels: rows, columnLabels: tokens, kind: kind)
    }
    let headName = h > 1 ? ", head \(head + 1)" : ""
    return step(
      .crossAttention, title: "Cross-attention: the decoder's query reads the encoder's keys",
      caption: Captions.crossAttention(
        writing: w.writing, layer: d.layer, layers: w.decoderLayers, sources: s, dModel: c,
        head: head, heads: h, dk: self.d,
        best: (tokens[best], chosen[best]), average: (tokens[bestAverage], average[bestAverage]),
        encoderSteps: numbering.number(.blockOutput), encoderLayers: trace.layers.count,
        decoderStep: numbering.number(.decoderStep)),
      tables: [
        ExplainTable(
          title: "Query q = y·Wq + b\(headPart) (1 × \(self.d))",
          matrix: signed(d.query.columns(headColumns), rows: [row], dimensionLabels: true),
          scale: "query", rowTitle: "Decoder step"),
        ExplainTable(
          title: "Keys K = encoder output·Wk + b\(headPart) (\(s) × \(self.d))",
          matrix: signed(d.keys.columns(headColumns), dimensionLabels: true), scale: "keys",
          rowTitle: "Source token"),
        ExplainTable(
          title: "Scaled scores q·Kᵀ / √\(self.d)\(headName) (1 × \(s))",
          matrix: keyed(d.scaledScores[head], .signed, rows: [row]), columnsAreTokens: true,
          columnTitle: "Source token (key)", rowTitle: "Decoder step"),
        ExplainTable(
          title: "Weights\(headName) (rows sum to 1)",
          matrix: keyed(d.weights[head], .probabilities, rows: [row]), columnsAreTokens: true,
          columnTitle: "Source token (key)", rowTitle: "Decoder step"),
        ExplainTable(
          title: "Weights of all \(h) heads at step \(d.position + 1) (\(h) × \(s))",
          matrix: keyed(all, .probabilities, rows: (1...max(h, 1)).map { "head \($0)" }),
          columnsAreTokens: true, columnTitle: "Source token (key)", rowTitle: "Head"),
      ],
      // The query and the keys it meets; scores and weights of the head; every head.
      parts: [[0, 1], [2, 3], [4]])
  }

  /// The output layer at the recorded step: what the decoder writes.
  func translatorNextToken(_ w: TranslatorWalk) -> ExplainStep {
    let d = w.decoder
    let candidates = w.steps.top.map { tokenLabel($0.text) }
    var probabilities = LabeledMatrix(
      Matrix(rows: candidates.count, columns: 1, values: w.steps.top.map(\.probability)),
      rowLabels: candidates, columnLabels: ["p"], kind: .probabilities)
    probabilities.labelsAreDimensions = true
    var bars = ExplainTable(
      title: "Step \(d.position + 1) writes: top \(candidates.count) of \(w.steps.vocabularySize)",
      matrix: probabilities, columnTitle: "Probability")
    // What the decoder has written before this step, from its start.
    bars.barsContext =
      (d.position > 5 ? ["…"] : ["(start)"]) + Array(w.target.prefix(d.position).suffix(5))
    let layers = w.decoderLayers
    return step(
      .nextToken, title: "The next token: output layer, softmax",
      caption: Captions.translatorNextToken(
        layer: d.layer, layers: layers,
        decoderSteps: numbering.number(.decoderStep)...numbering.number(.crossAttention),
        vocabulary: w.steps.vocabularySize, tied: w.steps.outputIsTied,
        top: w.steps.top.map { (tokenLabel($0.text), $0.probability) }, written: w.writing,
        decoderStep: numbering.number(.decoderStep)),
      tables: [
        ExplainTable(
          title: "y leaving decoder layer \(layers) of \(layers) (1 × \(c))",
          matrix: signed(d.final, rows: ["step \(d.position + 1)"]), rowTitle: "Decoder step"),
        bars,
      ],
      parts: [[0], [1]])
  }
}

/// The first index of the largest value.
func argmax(_ values: [Double]) -> Int {
  var best = 0
  for i in values.indices where values[i] > values[best] { best = i }
  return best
}

extension Captions {
  static func recurrentStep(
    where place: String, input: String, meanGate: Double, first: Bool, crossStep: Int
  ) -> [String] {
    [
      "\(place): \(input). In the 2017 Transformer this sub-block is masked self-attention over the translation so far.",
      "This model has an SSRU there, a simplified recurrent unit: f = σ(y·Wf + bf), c = f⊙c + (1 − f)⊙y·W, out = LayerNorm(y + ReLU(c)).",
      first
        ? "At the first step c starts at 0; from then on the earlier target tokens reach the decoder only through c (mean gate f here \(formatFixed(meanGate, decimals: 2)): an RNN, kept where it is cheap. Step \(crossStep) is the attention."
        : "Earlier target tokens reach this step only through the cells c (one per decoder layer): here f keeps on average \(formatFixed(meanGate * 100, decimals: 0))% of each number of the old state. An RNN, kept where it is cheap; step \(crossStep) is the attention.",
    ]
  }

  static func decoderSelfAttention(
    where place: String, input: String, steps: Int, head: Int, heads: Int,
    best: (String, Double), crossStep: Int
  ) -> [String] {
    [
      "\(place): \(input).",
      "Its query reads the \(steps) position\(steps == 1 ? "" : "s") written so far (the start and every earlier token): the causal mask of a decoder, since later tokens do not exist yet.",
      "Head \(head + 1)\(heads > 1 ? " of \(heads)" : "") reads “\(best.0)” most, \(formatFixed(best.1, decimals: 2)); step \(crossStep) reads the source.",
    ]
  }

  static func crossAttention(
    writing: String, layer: Int, layers: Int, sources: Int, dModel: Int, head: Int, heads: Int,
    dk: Int, best: (String, Double), average: (String, Double), encoderSteps: Int,
    encoderLayers: Int, decoderStep: Int
  ) -> [String] {
    let headName = heads > 1 ? "head \(head + 1)" : "the head"
    return [
      "The query comes from the decoder (y after step \(decoderStep)); keys and values from the encoder's output after all \(encoderLayers) layers (\(sources) × \(dModel); step \(encoderSteps) shows one layer's), projected once per layer and reused at every step.",
      "Writing “\(writing)”, \(headName) reads “\(best.0)” most (\(formatFixed(best.1, decimals: 2))); the \(heads) heads' average of decoder layer \(layer + 1) of \(layers) reads “\(average.0)” (\(formatFixed(average.1, decimals: 2))), the row attnviz translate draws.",
      "Bahdanau's attention inside the Transformer: an RNN encoder–decoder without it squeezed the sentence into one vector; here every step looks at every source token.",
    ]
  }

  static func translatorNextToken(
    layer: Int, layers: Int, decoderSteps: ClosedRange<Int>, vocabulary: Int, tied: Bool,
    top: [(String, Double)], written: String, decoderStep: Int
  ) -> [String] {
    let rest =
      layer + 1 < layers
      ? "Decoder layers \(layer + 2)–\(layers) repeat steps \(decoderSteps.lowerBound)–\(decoderSteps.upperBound) with their own weights, each with a feed-forward network; "
      : "A feed-forward network ends the layer; "
    let weights = tied ? "the embedding matrix itself (tied): logits = y·Eᵀ + b" : "its own matrix"
    var lines = [
      rest
        + "the output layer is \(weights), one logit for each of the \(vocabulary) pieces, and softmax makes them probabilities."
    ]
    if let first = top.first {
      lines.append(
        "Most probable: “\(first.0)” at \(formatFixed(first.1, decimals: 3)); greedy decoding writes it"
          + (first.0 == written ? "" : " (the translation wrote “\(written)”)")
          + ", and the decoder reads it at the next step: the loop of every decoder.")
    }
    return lines
  }
}

/// `attnviz explain --model TRANSLATOR`: one translation, greedy as `attnviz translate` runs it,
/// keeping the intermediates of encoder layer `--layer` (default 1) and of decoder layer
/// `--decoder-layer` (default the last) at generated token `--decoder-step` (default 2). The
/// encoder layer is walked as explain walks any bidirectional layer (steps 1–11), then the
/// decoder step (12–14).
func explainTranslation(
  _ options: ExplainOptions, translator name: String, progress: any RunProgress
) throws -> RunReport {
  var options = options
  if options.chat != nil {
    throw AttnvizError.usage(
      "--chat applies to decoders with a chat template; a translator reads the sentence itself")
  }
  guard case .pretrained(_, let truncate) = options.model else {
    throw AttnvizError.usage("\(name) is not a translator")
  }
  let text = try readText(options.text)
  progress.stage("loading the translator")
  let translator = try loadTranslator(name, lookup: options.context.modelLookup)
  let config = translator.config
  let info = encoderInfo(translator)
  if translator.preNorm {
    throw AttnvizError.usage(
      "explain walks post-norm encoder–decoders (the Firefox models, MarianMT, BART); "
        + "\(translator.name) is pre-norm with relative position buckets (T5), which its captions "
        + "do not describe; draw its attention with attnviz translate --model \(name) \"…\"")
  }
  try checkExplainChoices(head: options.head, step: options.step, model: info)
  try checkExplainLayer(options.layer, model: info)
  if let layer = options.decoderLayer, !(1...config.decoderLayers).contains(layer) {
    throw AttnvizError.usage(
      "--decoder-layer \(layer) is out of range: \(translator.name) has \(config.decoderLayers) "
        + "decoder layers (give 1 to \(config.decoderLayers))")
  }
  let encoderLayer = (options.layer ?? 1) - 1
  let decoderLayer = (options.decoderLayer ?? config.decoderLayers) - 1
  let target = (options.decoderStep ?? 2) - 1
  progress.stage("translating")
  let translation: Translation
  do {
    translation = try translator.translate(
      text, truncate: truncate,
      recording: TranslationRecording(
        encoderLayer: encoderLayer, decoderLayer: decoderLayer, target: target))
  } catch {
    throw AttnvizError.from(error)
  }
  guard let steps = translation.steps else {
    let count = translation.target.count
    throw AttnvizError.usage(
      "--decoder-step \(target + 1) is out of range: the translation has \(count) token"
        + "\(count == 1 ? "" : "s") (give 1 to \(count))")
  }
  var trace = encoderTrace(translation, text: text, translator: translator)
  trace.layers[encoderLayer].steps = steps.encoder
  options.figure.record(text: text, source: options.text, model: options.model, info: info)
  let walk = try ExplainWalkthrough(
    trace: trace, head: options.head - 1, layer: encoderLayer,
    translator: TranslatorWalk(
      steps: steps, target: translation.target.map { tokenLabel($0.text) },
      decoderLayers: config.decoderLayers))
  let names = ExplainNames(
    translator: translator, translation: translation, text: text, head: walk.head,
    encoderLayer: encoderLayer, decoderLayer: decoderLayer, step: target)
  var report = try explainReport(walk, names: names, options: options, progress: progress)
  if let original = translation.truncatedFrom {
    report.notes.append(
      "note: the source was cut to \(translation.source.count) of \(original) tokens (--truncate)")
  }
  return report
}

extension ExplainNames {
  /// "firefox-en-pt, English → Portuguese · encoder layer 1 of 6, decoder layer 2 of 2 at step 2 ·
  /// head 1 of 8 · “The black cat…” → “O gato…”".
  init(
    translator: MarianTranslator, translation: Translation, text: String, head: Int,
    encoderLayer: Int, decoderLayer: Int, step: Int
  ) {
    let c = translator.config
    let name =
      translator.direction == translator.name
      ? translator.name : "\(translator.name), \(translator.direction)"
    title = "Encoder–decoder, step by step"
    subtitle =
      "\(name) · encoder layer \(encoderLayer + 1) of \(c.encoderLayers), decoder layer "
      + "\(decoderLayer + 1) of \(c.decoderLayers) at step \(step + 1) · head \(head + 1) of "
      + "\(c.heads) · “\(shortened(text, to: 40))” → “\(shortened(translation.text, to: 40))”"
  }
}
