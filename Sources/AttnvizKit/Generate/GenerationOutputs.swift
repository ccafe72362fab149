import AttnvizMath
import AttnvizModel
import AttnvizRender
import AttnvizStyle
import AttnvizTokens
import AttnvizViews
import Foundation

/// A finished generation with what its files say about it.
struct GenerationDocument {
  var generation: Generation
  var model: ModelInfo
  /// The prompt as the model read it (after `--chat`).
  var prompt: String
  var options: GenerateOptions
  var stopIDs: Set<Int>
  var sampling: TokenSampler.Mode = .greedy
  /// The `--chat` prompt's parts (roles, template markers); nil without `--chat`.
  var chat: ChatPrompt?

  var promptTokens: [Token] { generation.prompt.tokens }
  var steps: [GenerationStep] { generation.steps }

  /// Every token the steps attend over: the prompt and the generated tokens but the last
  /// (which was never read back).
  var columnTokens: [Token] {
    promptTokens + steps.dropLast().map(\.token)
  }

  /// The layer the figures show (0-based): `--layer`, else the last.
  var figureLayer: Int { options.layer.map { $0 - 1 } ?? (model.layers - 1) }

  /// Index of `figureLayer` among the kept layers.
  var keptLayerIndex: Int { generation.layers.firstIndex(of: figureLayer) ?? 0 }

  /// "layer 30, average of 9 heads" or "layer 14, head 9".
  var headPart: String {
    let layer = "layer \(figureLayer + 1)"
    if let head = options.head { return "\(layer), head \(head)" }
    return "\(layer), average of \(model.heads) heads"
  }

  /// Step `s`'s attention row in the figures: the head, or the heads' average. (N)
  func figureRow(_ step: GenerationStep) -> [Double] {
    let heads = step.attention[keptLayerIndex]
    guard heads.count > 1 else { return heads.first ?? [] }
    var row = [Double](repeating: 0, count: heads[0].count)
    for head in heads {
      for (i, w) in head.enumerated() { row[i] += w / Double(heads.count) }
    }
    return row
  }

  /// The answer's text so far as one line for captions.
  var answer: String { answerText(generation, stopIDs: stopIDs) }

  var samplingDescription: String {
    switch sampling {
    case .greedy: return "Greedy: the most probable token at each step."
    case .sample(let t, let k, let p, let seed):
      return "Sampled: temperature \(formatRoundTrip(t))"
        + (k.map { ", top-k \($0)" } ?? "") + (p.map { ", top-p \(formatRoundTrip($0))" } ?? "")
        + ", seed \(seed)."
    }
  }

  /// `generation.json`.
  func json() -> String {
    let precision = options.jsonPrecision
    func number(_ value: Double) -> String { jsonNumber(value, precision: precision) }
    func candidate(_ c: Candidate) -> String {
      let token = decoded(c.id)
      return "{\"id\": \(c.id), \"token\": \(jsonStringLiteral(token.label)), "
        + "\"text\": \(jsonStringLiteral(token.text)), \"probability\": \(number(c.probability))}"
    }
    var out = "{\n"
    out += "  \"model\": \(jsonStringLiteral(model.name)),\n"
    out += "  \"prompt\": {\n"
    out += "    \"text\": \(jsonStringLiteral(prompt)),\n"
    out += "    \"ids\": [\(generation.prompt.ids.map(String.init).joined(separator: ", "))],\n"
    out +=
      "    \"tokens\": ["
      + promptTokens.map { jsonStringLiteral($0.text) }.joined(separator: ", ") + "]\n  },\n"
    switch sampling {
    case .greedy:
      out += "  \"sampling\": {\"mode\": \"greedy\"},\n"
    case .sample(let t, let k, let p, let seed):
      out +=
        "  \"sampling\": {\"mode\": \"sample\", \"temperature\": \(number(t)), \"top_k\": "
        + "\(k.map(String.init) ?? "null"), \"top_p\": \(p.map(number) ?? "null"), \"seed\": \(seed)},\n"
    }
    out += "  \"layers\": [\(generation.layers.map { String($0 + 1) }.joined(separator: ", "))],\n"
    out += "  \"heads\": [\(generation.heads.map { String($0 + 1) }.joined(separator: ", "))],\n"
    out +=
      "  \"attention_layout\": \"steps[i].attention[layer][head][key], layers and heads as "
      + "listed (1-based), keys 0 … position\",\n"
    switch generation.stop {
    case .endToken(let id): out += "  \"stop\": {\"reason\": \"end token\", \"id\": \(id)},\n"
    case .limit:
      out += "  \"stop\": {\"reason\": \"token limit\", \"tokens\": \(options.tokens)},\n"
    }
    out += "  \"text\": \(jsonStringLiteral(answer)),\n"
    out += "  \"steps\": [\n"
    out += steps.map { step in
      var s = "    {\"step\": \(step.step), \"position\": \(step.position), \"id\": \(step.id), "
      s += "\"token\": \(jsonStringLiteral(step.token.text)), "
      s += "\"text\": \(jsonStringLiteral(String(decoding: step.bytes, as: UTF8.self))), "
      s += "\"probability\": \(number(step.probability)),\n"
      s += "     \"alternatives\": [" + step.alternatives.map(candidate).joined(separator: ", ")
      s += "],\n     \"attention\": ["
      s += step.attention.map { layer in
        "["
          + layer.map { "[" + $0.map(number).joined(separator: ", ") + "]" }.joined(
            separator: ", ") + "]"
      }.joined(separator: ", ")
      return s + "]}"
    }.joined(separator: ",\n")
    return out + "\n  ]\n}\n"
  }

  /// The model's tokenizer, for the alternatives' labels.
  var decoder: (any TokenDecoding)?

  /// A token id as label and text.
  func decoded(_ id: Int) -> (label: String, text: String) {
    guard let decoder, let token = decoder.token(id: id) else { return ("#\(id)", "") }
    return (token.text, String(decoding: decoder.bytes(id: id), as: UTF8.self))
  }
}

/// `generation.png` (the whole answer) and one `step-NN.png` per token.
func generationFigureFiles(
  _ document: GenerationDocument, options: GenerateOptions, progress: any RunProgress
) throws -> [OutputFile] {
  let png = options.formats.contains(.png)
  let svg = options.formats.contains(.svg)
  guard png || svg, !document.steps.isEmpty else { return [] }
  let fonts = try loadFonts(options.figure)
  let style = figureStyle(options.figure)
  progress.stage("laying out figures")
  var scenes: [(stem: String, scene: Scene)] = [
    ("generation", wholeGenerationScene(document, style: style, measurer: fonts))
  ]
  if options.stepFigures {
    let digits = max(2, String(document.steps.count).count)
    for step in document.steps {
      let number =
        String(repeating: "0", count: digits - String(step.step).count)
        + String(step.step)
      scenes.append(
        ("step-\(number)", stepScene(step, document: document, style: style, measurer: fonts)))
    }
  }
  let headed = options.figure.finish(scenes.map(\.scene), margin: style.margin, measurer: fonts)
  progress.stage("drawing \(scenes.count) figure\(scenes.count == 1 ? "" : "s")")
  return try figureFiles(
    zip(scenes, headed).map { (stem: $0.stem, scene: $1) }, png: png, svg: svg,
    options: options.figure, fonts: fonts)
}

/// Rows: the generated tokens, each row the attention of the position that chose it; columns:
/// every token so far, prompt then answer, a rule between them.
func wholeGenerationScene(
  _ document: GenerationDocument, style: FigureStyle, measurer: any TextMeasuring
) -> Scene {
  let columns = document.columnTokens
  let p = document.promptTokens.count
  var matrix = Matrix(rows: document.steps.count, columns: columns.count)
  for (r, step) in document.steps.enumerated() {
    for (c, w) in document.figureRow(step).enumerated() where c < columns.count {
      matrix[r, c] = w
    }
  }
  let title = FigureTitle(
    "Writing the answer · where each new token looked · \(document.headPart)",
    subtitle: "\(document.model.name) · “\(shortened(oneLineAnswer(document), to: 70))”")
  let segments = document.columnSegments(columns: columns.count)
  var caption = [
    "Row: a generated token; its cells: the attention of the position that chose it (the token"
      + " before it) over every token so far. Grey: not written yet.",
    "Left of the rule: the prompt (\(p) tokens); right: the answer. \(document.samplingDescription)",
  ]
  if !segments.isEmpty { caption.append(ColumnSegment.legend(segments)) }
  return generationFigure(
    matrix, rowLabels: document.steps.map(\.token.text), columnLabels: columns.map(\.text),
    promptCount: p, segments: segments, title: title, caption: caption, style: style,
    measurer: measurer)
}

/// One step as the lines view: the position that chose the token, its lines to every token so
/// far, the token and its runners-up in the title and caption.
func stepScene(
  _ step: GenerationStep, document: GenerationDocument, style: FigureStyle,
  measurer: any TextMeasuring
) -> Scene {
  let n = step.position + 1
  let tokens = Array(document.columnTokens.prefix(n)).map(\.text)
  var matrix = Matrix(rows: n, columns: n)
  for (k, w) in document.figureRow(step).enumerated() where k < n { matrix[n - 1, k] = w }
  let title = FigureTitle(
    "Step \(step.step) of \(document.steps.count) · “\(tokenLabel(step.token.text))” "
      + "\(formatFixed(step.probability, decimals: 2)) · \(document.headPart)",
    subtitle: "\(document.model.name) · lines from “\(tokenLabel(tokens.last ?? ""))”, the "
      + "token before it")
  let scene = linesFigure(
    tokens: tokens, heads: [matrix],
    headNames: [document.options.head.map { "Head \($0)" } ?? "Average"],
    focus: n - 1, title: title, style: style, measurer: measurer,
    segments: document.columnSegments(columns: n))
  let others = step.alternatives.filter { $0.id != step.id }.prefix(4).map {
    "\(tokenLabel(document.decoded($0.id).label)) \(formatFixed($0.probability, decimals: 2))"
  }
  guard !others.isEmpty else { return scene }
  return captioned(
    scene, "Also likely: " + others.joined(separator: " · "), style: style, measurer: measurer)
}

/// The answer on one line, for subtitles.
func oneLineAnswer(_ document: GenerationDocument) -> String {
  document.answer.replacingOccurrences(of: "\n", with: " ")
}

extension GenerationDocument {
  /// The chat roles over the figure's columns: runs of prompt tokens with the same role and
  /// kind (message or template marker), then the answer as the assistant's. Empty without
  /// `--chat`.
  func columnSegments(columns: Int) -> [ColumnSegment] {
    guard chat != nil else { return [] }
    let prompt = promptRoles.map { ($0.role.flatMap(segmentKind), $0.isMarker) }
    var segments = ColumnSegment.runs(prompt)
    let p = promptTokens.count
    if columns > p {
      segments.append(ColumnSegment(kind: .assistant, columns: p...(columns - 1), isMarker: false))
    }
    return segments
  }
}

/// The figures' name for a chat role.
func segmentKind(_ role: ChatRole) -> ColumnSegment.Kind? {
  ColumnSegment.Kind(rawValue: role.rawValue)
}
