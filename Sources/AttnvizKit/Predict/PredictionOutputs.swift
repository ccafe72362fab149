import AttnvizModel
import AttnvizRender
import AttnvizStyle
import AttnvizTables
import AttnvizTokens
import AttnvizViews
import Foundation

/// Candidates `--view next` shows when `--candidates` is not given.
let defaultCandidates = 10

/// What the prediction views add to a run: the table for standard output, the figures and
/// `predictions.json`.
struct PredictionOutputs {
  var text = ""
  var files: [OutputFile] = []
}

func predictionOutputs(
  _ source: PredictionSource, trace: AttentionTrace, selection: AttentionSelection,
  focus: ResolvedFocus?, options: VisualizeOptions
) throws -> PredictionOutputs {
  let views = options.views ?? []
  // The focused token, else the last token: what the model says after it.
  let position = focus.map { selection.positions[$0.shownIndex] } ?? (trace.tokens.count - 1)
  let predictions = try source.predictions(
    position: position, tokens: trace.tokens, count: options.candidates ?? defaultCandidates)
  var outputs = PredictionOutputs()
  let name = displayName(of: trace.model)
  let after = tokenLabel(trace.tokens[position].text)
  if views.contains(.next) {
    let rows = predictions.next.map { (label: $0.label, probability: $0.probability) }
    outputs.text += renderProbabilities(
      rows, title: "Next token after “\(after)” (token \(position + 1)) · \(name)",
      asciiOnly: options.display.colorMode == .plain)
  }
  if views.contains(.lens), let lens = predictions.lens {
    outputs.text += "\n" + lensText(lens, trace: trace, name: name)
  }
  if options.formats.contains(.json) {
    outputs.files.append(
      OutputFile(
        name: "predictions.json",
        text: predictionsJSON(predictions, trace: trace, precision: options.jsonPrecision)))
  }
  if options.formats.contains(.png) || options.formats.contains(.svg) {
    let fonts = try loadFonts(options.figure)
    let style = figureStyle(options.figure)
    var scenes: [(stem: String, scene: Scene)] = []
    if views.contains(.next) {
      scenes.append(("next", nextScene(predictions, trace: trace, style: style, measurer: fonts)))
    }
    if views.contains(.lens), let lens = predictions.lens {
      scenes.append(("lens", lensScene(lens, trace: trace, style: style, measurer: fonts)))
    }
    let headed = options.figure.finish(scenes.map(\.scene), margin: style.margin, measurer: fonts)
    outputs.files += try figureFiles(
      zip(scenes, headed).map { (stem: $0.stem, scene: $1) }, png: options.formats.contains(.png),
      svg: options.formats.contains(.svg), options: options.figure, fonts: fonts)
  }
  return outputs
}

/// The bar chart of the candidates, the last tokens read above it.
func nextScene(
  _ predictions: Predictions, trace: AttentionTrace, style: FigureStyle,
  measurer: any TextMeasuring
) -> Scene {
  let p = predictions.position
  let context = trace.tokens[max(0, p - 7)...p].map(\.text)
  let top = predictions.next.first
  let shown = predictions.next.map(\.probability).reduce(0, +)
  let title = FigureTitle(
    "What comes next? · after “\(tokenLabel(trace.tokens[p].text))”"
      + (top.map { " → “\(tokenLabel($0.label))” \(formatFixed($0.probability, decimals: 2))" }
        ?? ""),
    subtitle: "\(displayName(of: trace.model)) · \(quotedText(trace))")
  let caption = [
    "Probability = softmax of the logits at token \(p + 1): its last layer's output through the"
      + " final norm and the unembedding (LM head).",
    "The \(predictions.next.count) most probable of \(grouped(predictions.vocabularySize)) tokens"
      + " shown; together \(formatFixed(shown, decimals: 3)).",
  ]
  return nextTokenFigure(
    context: Array(context),
    bars: predictions.next.map { ProbabilityBar(label: $0.label, probability: $0.probability) },
    title: title, caption: caption, style: style, measurer: measurer)
}

/// The lens grid, layers down, the window's positions across.
func lensScene(
  _ lens: LogitLens, trace: AttentionTrace, style: FigureStyle, measurer: any TextMeasuring
) -> Scene {
  let cells = lens.cells.map { row in
    row.enumerated().map { column, cell in
      LensCell(
        label: cell.label, probability: cell.probability,
        matchesNext: lens.actualNext[column] == cell.id)
    }
  }
  let layers = lens.cells.indices.map { "Layer \($0 + 1)" }
  let window =
    lens.positions.count < trace.tokens.count
    ? "tokens \(lens.positions[0] + 1)–\((lens.positions.last ?? 0) + 1) of \(trace.tokens.count)"
    : "every token"
  let title = FigureTitle(
    "Logit lens · what each layer would predict · \(window)",
    subtitle: "\(displayName(of: trace.model)) · \(quotedText(trace))")
  let caption = [
    "Each cell: the most probable next token if the model stopped after that layer (its residual"
      + " stream through the final norm and the unembedding);",
    "colour = that token's probability; outlined = the token that really comes next in the text.",
  ]
  return logitLensFigure(
    cells: cells, positions: lens.positions.map { trace.tokens[$0].text }, layerNames: layers,
    title: title, caption: caption, style: style, measurer: measurer)
}

/// The lens as printed lines: one per layer, each column's top-1 token.
func lensText(_ lens: LogitLens, trace: AttentionTrace, name: String) -> String {
  var lines = [
    "Logit lens (top-1 next token after each layer) · \(name)",
    "  layer  " + lens.positions.map { tokenLabel(trace.tokens[$0].text) }.joined(separator: " | "),
  ]
  for (l, row) in lens.cells.enumerated() {
    let number = String(repeating: " ", count: max(0, 5 - String(l + 1).count)) + String(l + 1)
    lines.append(
      "  \(number)  "
        + row.map { "\(tokenLabel($0.label)) \(formatFixed($0.probability, decimals: 2))" }
        .joined(separator: " | "))
  }
  return lines.map { sanitizeForTerminal($0, asciiOnly: false) }.joined(separator: "\n") + "\n"
}

/// `predictions.json`: the candidates and the lens, numbers in the round-trip form.
func predictionsJSON(_ predictions: Predictions, trace: AttentionTrace, precision: Int?) -> String {
  func token(_ t: PredictedToken) -> String {
    "{\"id\": \(t.id), \"token\": \(jsonStringLiteral(t.label)), \"text\": "
      + "\(jsonStringLiteral(t.text)), \"probability\": "
      + "\(jsonNumber(t.probability, precision: precision)), \"logit\": "
      + "\(jsonNumber(Double(t.logit), precision: precision))}"
  }
  let p = predictions.position
  var out = "{\n"
  out += "  \"model\": \(jsonStringLiteral(trace.model.name)),\n"
  out += "  \"text\": \(jsonStringLiteral(trace.text)),\n"
  out += "  \"tokens\": [" + trace.tokens.map { jsonStringLiteral($0.text) }.joined(separator: ", ")
  out += "],\n"
  out +=
    "  \"ids\": ["
    + trace.tokens.map { $0.id.map(String.init) ?? "null" }.joined(
      separator: ", ") + "],\n"
  out += "  \"position\": \(p),\n"
  out += "  \"after\": \(jsonStringLiteral(trace.tokens[p].text)),\n"
  out += "  \"vocabulary_size\": \(predictions.vocabularySize),\n"
  out += "  \"next\": [\n" + predictions.next.map { "    " + token($0) }.joined(separator: ",\n")
  out += "\n  ]"
  if let lens = predictions.lens {
    out += ",\n  \"lens\": {\n"
    out += "    \"rule\": \"top-1 of softmax(unembed(final_norm(residual after the layer)))\",\n"
    out += "    \"positions\": [\(lens.positions.map(String.init).joined(separator: ", "))],\n"
    out += "    \"top1\": [\n"
    out += lens.cells.map { row in
      "      [" + row.map(token).joined(separator: ", ") + "]"
    }.joined(separator: ",\n")
    out += "\n    ]\n  }"
  }
  return out + "\n}\n"
}

/// 49152 → "49,152".
func grouped(_ n: Int) -> String {
  let digits = Array(String(n))
  var out = ""
  for (i, d) in digits.enumerated() {
    if i > 0 && (digits.count - i) % 3 == 0 { out += "," }
    out.append(d)
  }
  return out
}
