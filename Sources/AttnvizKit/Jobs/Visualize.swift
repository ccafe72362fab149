import AttnvizMath
import AttnvizModel
import AttnvizRender
import AttnvizStyle
import AttnvizTables
import AttnvizViews
import Foundation

/// The main job: text → model → attention → tables on the terminal, figures and data in `--out`.
/// Everything is computed and encoded in memory first; files are written at the end, all or
/// nothing (`OutputFolder`). `progress` hears each stage and is finished before this returns.
public func visualize(_ options: VisualizeOptions, progress: any RunProgress = SilentProgress())
  throws -> RunReport
{
  defer { progress.finish() }
  var options = options
  let estimateOptions = options
  try options.checkAttributionChoices()
  let traced = try traceForViews(
    options, progress: progress,
    checkChoices: {
      try checkLayerAndHead(layer: options.layer, head: options.head, model: $0)
      _ = try options.attribution.checked(against: $0)
    },
    estimate: { visualizeEstimate($0, options: estimateOptions) })
  options.figure.record(
    text: traced.trace.text, source: options.text, model: options.model,
    info: traced.trace.model)
  let attribution = try runAttribution(
    traced.trace, model: traced.model, options: options, progress: progress,
    pass: traced.attributed)
  // With --ablate every figure and table shows the ablated run's attention.
  let pieces = attribution.ablation?.trace ?? traced.trace
  let trace = options.mergeSubwords ? mergingSubwords(pieces) : pieces
  let selection = try AttentionSelection(
    trace: trace, layer: options.layer, head: options.head, hideSpecial: options.hideSpecialTokens,
    renormalize: options.renormalizeShown)
  let roles = traced.chat.map { roleSegments($0, selection: selection) } ?? []
  var titles = Titles(trace: trace, selection: selection)
  titles.wordsMerged = options.mergeSubwords && trace.tokens.count < pieces.tokens.count
  // Resolved before anything is drawn: a wrong --focus is an error whatever the views.
  let focus = try options.figure.focus.map { try resolveFocus($0, selection: selection) }

  var report = RunReport()
  report.notes += runNotes(trace, selection: selection, options: options, focus: focus)
  var files: [OutputFile] = []
  if options.mergeSubwords && !titles.wordsMerged {
    report.notes.append("note: --merge-subwords changed nothing: every token is already a word")
  }
  let jsonOptions = AttentionJSONOptions(
    precision: options.jsonPrecision, layers: options.layer.map { [$0 - 1] },
    heads: options.head.map { [$0 - 1] })
  // Millions of numbers for long texts: encoded only when a file or --json asks for them, and
  // into the file as a stream, never one string in memory. attention.json always holds the
  // model's own tokens; the words get a file of their own.
  if titles.wordsMerged && options.formats.contains(.json) {
    let words = trace
    files.append(
      OutputFile(name: "attention-words.json") {
        try writeAttentionJSON(words, options: jsonOptions, into: &$0)
      })
  }
  if options.formats.contains(.json) {
    files.append(
      OutputFile(name: "attention.json") {
        try writeAttentionJSON(pieces, options: jsonOptions, into: &$0)
      })
  }
  files += analysisDocuments(trace, options: options)
  if options.views?.contains(.contribution) == true, options.formats.contains(.json) {
    files.append(try contributionFile(selection, precision: options.jsonPrecision))
  }

  let predicted = try traced.predictions.map {
    try predictionOutputs($0, trace: pieces, selection: selection, focus: focus, options: options)
  }
  files += predicted?.files ?? []
  let tables = terminalTables(selection, titles: titles, perHead: options.display.perHead)
  progress.stage("formatting the tables")
  if options.display.jsonToStandardOutput {
    progress.stage("encoding the JSON")
    report.standardOutput = attentionJSON(pieces, options: jsonOptions)
  } else if !options.display.quiet {
    let printed = printedTables(tables, tokenCount: selection.positions.count, options: options)
    // Only prediction views asked for: their table alone, not the attention grid.
    let onlyPredictions = options.views?.allSatisfy(\.isPrediction) ?? false
    report.standardOutput =
      (onlyPredictions && predicted != nil
        ? "" : printed.text + analysisText(trace, options: options))
      + (predicted?.text ?? "")
    if options.views?.contains(.contribution) == true {
      report.standardOutput += try contributionText(
        selection, titles: titles, options: tableOptions(options))
    }
    if options.views?.contains(.tokens) == true {
      report.standardOutput += "\n" + tokenPiecesText(trace)
    }
    report.standardOutput += attributionText(attribution, options: tableOptions(options))
    if let focus {
      let line = callout(selection, focus: focus, count: options.figure.calloutCount ?? 1)
        .caption
      report.standardOutput += tokenLabel(line) + "\n"
    }
    if !(onlyPredictions && predicted != nil) { report.notes += printed.notes }
  }
  files += attributionFiles(attribution, options: options)
  files += textFiles(selection, titles: titles, tables: tables, formats: options.formats)
  files += try figureFiles(
    selection, titles: titles, options: options, focus: focus, attribution: attribution,
    notes: &report.notes, progress: progress, roles: roles)
  if options.formats.contains(.html) {
    progress.stage("writing the page")
    let page = pageFile(selection, titles: titles, options: options)
    files.append(page.file)
    report.notes += page.notes
  }

  if selection.hidesTokens {
    report.notes.append(
      "note: special tokens are hidden from tables and figures; attention.json keeps them")
  }
  // `--json` alone writes nothing: not even an empty --out folder.
  guard !files.isEmpty else { return report }
  progress.stage(files.count == 1 ? "writing 1 file" : "writing \(files.count) files")
  let written = try OutputFolder(path: options.outputFolder).writeWithSizes(files)
  report.writtenFiles = written.map(\.path)
  report.notes += largeOutputNotes(
    written, advice: "--layer, --head, --view or fewer --format values make it smaller")
  return report
}

/// Past this many tokens a table is hundreds of columns of noise on a terminal (and megabytes
/// of escape codes); the figures and files still show everything.
let maximumPrintedTokens = 100

/// The tables for standard output, coloured and split to the terminal's width; with `--top K`,
/// or when there are too many tokens for a grid, each query's strongest keys instead.
func printedTables(_ tables: [TitledMatrix], tokenCount n: Int, options: VisualizeOptions) -> (
  text: String, notes: [String]
) {
  if options.top != nil || n > maximumPrintedTokens {
    let k = options.top ?? defaultTopKeys
    let ascii = options.display.colorMode == .plain
    var notes: [String] = []
    if options.top == nil {
      notes.append(
        "note: \(n) × \(n) tables are too large to print; each query's top \(k) keys are printed"
          + " instead (--top K; --format txt, md or csv writes the tables)")
    }
    let text = tables.map { renderTopKeys($0.matrix, k: k, title: $0.title, asciiOnly: ascii) }
    return (text.joined(separator: "\n"), notes)
  }
  let tableOptions = tableOptions(options)
  return (
    tables.map { renderTable($0.matrix, title: $0.title, options: tableOptions) }.joined(
      separator: "\n"), []
  )
}

/// How standard output's tables look: the terminal's colours and width.
func tableOptions(_ options: VisualizeOptions) -> TableOptions {
  TableOptions(
    colorMode: options.display.colorMode, width: options.display.width,
    colorMap: options.figure.colorMap.map)
}

/// Keys per query printed for long texts when `--top` is not given.
let defaultTopKeys = 3

/// The first half of every job: read the text, load the model, check the choices that depend on
/// it (`checkChoices`, before it runs), run it, check the result. Between loading and running,
/// the memory the run needs is estimated (`estimate`) and checked against the budget, so a run
/// that cannot fit is refused before it allocates.
package func readAndTrace(
  _ source: TextSource, with choice: ModelChoice, in context: RunContext,
  progress: any RunProgress, stepsLayer: Int? = 0,
  checkChoices: (ModelInfo) throws -> Void = { _ in },
  estimate: ((RunShape) -> MemoryEstimate)? = nil, chat: ChatOptions? = nil
) throws -> AttentionTrace {
  let loaded = try readAndLoad(
    source, with: choice, in: context, progress: progress, checkChoices: checkChoices,
    estimate: estimate,
    chat: chat)
  progress.stage("running the model")
  return try traceChecked(loaded.model, loaded.input, stepsLayer: stepsLayer)
}

/// `readAndTrace` up to the run: the text read, the model loaded, the choices and the memory
/// estimate checked. With `chat` (`--chat`), the text is a user's message put into the
/// decoder's chat template, and the returned text is the whole prompt, `chat` its parts.
package func readAndLoad(
  _ source: TextSource, with choice: ModelChoice, in context: RunContext,
  progress: any RunProgress, checkChoices: (ModelInfo) throws -> Void = { _ in },
  estimate: ((RunShape) -> MemoryEstimate)? = nil, chat: ChatOptions? = nil
) throws -> (text: String, model: any AttentionModel, input: TokenizedText, chat: ChatPrompt?) {
  let budget = try context.memoryBudget()
  var text = try readText(source)
  progress.stage("loading the model")
  let model: any AttentionModel
  do {
    model = try choice.load(in: context)
  } catch {
    throw AttnvizError.from(error)
  }
  var prompt: ChatPrompt?
  if let chat {
    guard let decoder = model as? TransformerModel, decoder.predictsTokens else {
      throw AttnvizError.usage(
        "--chat puts the text into a decoder's chat template; \(model.info.name) is not a "
          + "decoder (decoders attnviz runs: \(TransformerConfig.decoderList), e.g. --model "
          + "SmolLM2-135M-Instruct)")
    }
    prompt = try chatPromptPieces(text, model: decoder, chat: chat)
    text = prompt?.text ?? text
  }
  let input: TokenizedText
  do {
    input = try model.tokenize(text)
  } catch {
    throw AttnvizError.from(error)
  }
  try checkChoices(model.info)
  if let estimate {
    try budget.check(estimate(RunShape(tokens: input.tokens.count, model: model.info)))
  }
  return (text, model, input, prompt)
}

/// Runs the model and refuses a trace with non-finite numbers (a weights file with huge values
/// can overflow the scores), so no NaN ever reaches a table, a figure or the JSON.
func traceChecked(
  _ model: any AttentionModel, _ text: String, stepsLayer: Int? = 0
) throws -> AttentionTrace {
  let input: TokenizedText
  do {
    input = try model.tokenize(text)
  } catch {
    throw AttnvizError.from(error)
  }
  return try traceChecked(model, input, stepsLayer: stepsLayer)
}

/// The same on tokens already cut. `valueNorms`: whether an engine model computes each
/// layer's ‖f_h(x_j)‖ (`LayerTrace.transformedNorms`), which only `--view contribution`
/// reads; on SmolLM2's lecture sentence they are a tenth of the run.
func traceChecked(
  _ model: any AttentionModel, _ input: TokenizedText, stepsLayer: Int?, valueNorms: Bool = true
) throws -> AttentionTrace {
  let trace: AttentionTrace
  do {
    if !valueNorms, let engine = model as? TransformerModel {
      var request = ForwardRequest()
      request.transformedNorms = false
      trace = try engine.trace(input, stepsLayer: stepsLayer, request: request).trace
    } else {
      trace = try model.trace(input, stepsLayer: stepsLayer)
    }
  } catch {
    throw AttnvizError.from(error)
  }
  guard trace.layers.allSatisfy(isSound) else {
    throw AttnvizError.failure(
      "the attention overflowed (scores too large for floating point); use smaller numbers in the weights"
    )
  }
  return trace
}

/// Every weight finite and every row summing to 1 (an infinite score leaves a row of zeros), and
/// the kept intermediates finite.
func isSound(_ layer: LayerTrace) -> Bool {
  let rowsSumToOne = layer.weights.allSatisfy { w in
    w.isFinite && (0..<w.rows).allSatisfy { abs(w.row($0).reduce(0, +) - 1) < 1e-6 }
  }
  guard rowsSumToOne, let steps = layer.steps else { return rowsSumToOne }
  return [steps.input, steps.q, steps.k, steps.v, steps.output].allSatisfy(\.isFinite)
    && steps.scaledScores.allSatisfy(\.isFinite)
}

struct TitledMatrix {
  var title: String
  var matrix: LabeledMatrix
  /// Fixed file stem, never derived from the text.
  var fileStem: String
}

/// The tables printed: one per head for single-layer models (and with `--per-head` or `--head`);
/// for a pretrained model by default the selected layer's average over heads.
func terminalTables(_ selection: AttentionSelection, titles: Titles, perHead: Bool)
  -> [TitledMatrix]
{
  let names = FileNumbers(selection.trace.model, layers: selection.trace.layers.count)
  let layer = names.layer(selection.layer)
  let showHeads = selection.trace.layers.count == 1 || perHead || selection.heads.count == 1
  if showHeads {
    return selection.heads.map { h in
      TitledMatrix(
        title:
          "Head \(h + 1) of \(selection.trace.model.heads) · \(titles.layerPart) · \(titles.modelName)",
        matrix: selection.matrix(head: h), fileStem: "attention-\(layer)-\(names.head(h))")
    }
  }
  return [
    TitledMatrix(
      title:
        "Average of \(selection.trace.model.heads) heads · \(titles.layerPart) · \(titles.modelName)",
      matrix: selection.averageMatrix(), fileStem: "attention-\(layer)-average")
  ]
}

/// `--format txt`: the plain tables; `md`: the same as Markdown; `csv`: one file per table.
func textFiles(
  _ selection: AttentionSelection, titles: Titles, tables: [TitledMatrix], formats: [OutputFormat]
) -> [OutputFile] {
  var files: [OutputFile] = []
  if formats.contains(.txt) {
    let plain = TableOptions(colorMode: .plain, width: 100_000)
    files.append(
      OutputFile(
        name: "tables.txt",
        text: tables.map { renderTable($0.matrix, title: $0.title, options: plain) }.joined(
          separator: "\n")))
  }
  if formats.contains(.md) {
    // The one Markdown rule (escapeMarkdown) for everything from the input: the text in the
    // heading is escaped like a token in a cell, so `<img onerror=…>` stays text.
    let heading = escapeMarkdown(shortened(selection.trace.text, to: 80))
    var document = "# Self-attention: \(heading)\n\n"
    document += tables.map {
      "## \(escapeMarkdown($0.title))\n\n" + renderMarkdownTable($0.matrix)
    }.joined(separator: "\n")
    files.append(OutputFile(name: "tables.md", text: document))
  }
  if formats.contains(.csv) {
    files += tables.map { OutputFile(name: $0.fileStem + ".csv", text: renderCSV($0.matrix)) }
  }
  return files
}
