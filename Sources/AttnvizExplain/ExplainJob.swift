import AttnvizKit
import AttnvizMath
import AttnvizModel
import AttnvizRender
import AttnvizTables
import AttnvizViews

/// What `attnviz explain` writes (`--format`).
public enum ExplainFormat: String, CaseIterable, Sendable {
  /// `explain.txt`: the terminal text as plain ASCII tables.
  case txt
  /// `explain.md`: every step with caption, tables and a link to its figure.
  case md
  /// `explain.html`: one self-contained page, one section per step, keyboard navigation.
  case html
  /// `step-01-tokens.png` … one figure per step.
  case png
  case svg

  public static let defaults: [ExplainFormat] = [.png]
}

/// Everything `attnviz explain` needs; the command line fills it in.
public struct ExplainOptions: Equatable, Sendable {
  /// The run this job belongs to: its environment, its command words, its loaded models.
  public var context = RunContext()
  public var text: TextSource
  public var model: ModelChoice = .defaultBuiltin
  /// 1-based step number, or nil for every step.
  public var step: Int?
  /// 1-based head.
  public var head = 1
  /// 1-based layer whose computation is walked through (nil: the first).
  public var layer: Int?
  /// `--chat`: the text is a user's message in the decoder's chat template.
  public var chat: ChatOptions?
  /// Translators: the generated token whose decoder step is walked through (1-based; nil: the
  /// second, the first whose decoder state holds an earlier token).
  public var decoderStep: Int?
  /// Translators: the decoder layer of that step (1-based; nil: the last, whose cross-attention
  /// `attnviz translate` draws).
  public var decoderLayer: Int?
  public var outputFolder = "attnviz-out"
  public var formats: [ExplainFormat] = ExplainFormat.defaults
  public var figure = FigureOptions()
  public var display = DisplayOptions()

  public init(text: TextSource) {
    self.text = text
  }
}

/// `attnviz explain`: the self-attention computation of the first layer, step by step, on the
/// user's own text. Everything is computed in memory first and written all or nothing.
///
/// `md` alone also writes the PNG figures its links point to; with `svg` and no `png` the links
/// point to the SVGs. `html` needs no figure files: its figures are inline SVG.
public func explain(_ options: ExplainOptions, progress: any RunProgress = SilentProgress()) throws
  -> RunReport
{
  defer { progress.finish() }
  if let name = translatorName(options.model, lookup: options.context.modelLookup) {
    return try explainTranslation(options, translator: name, progress: progress)
  }
  if options.decoderStep != nil || options.decoderLayer != nil {
    throw AttnvizError.usage(
      "--decoder-step and --decoder-layer walk a translator's decoder; give a translator with "
        + "--model (firefox-en-pt, firefox-pt-en or a Hugging Face marian or bart folder)")
  }
  var options = options
  let formats = options.formats.map(\.rawValue)
  let layer = (options.layer ?? 1) - 1
  let loaded = try readAndLoad(
    options.text, with: options.model, in: options.context, progress: progress,
    checkChoices: {
      try checkExplainChoices(head: options.head, step: options.step, model: $0)
      try checkExplainLayer(options.layer, model: $0)
    },
    estimate: { explainEstimate($0, formats: formats) }, chat: options.chat)
  progress.stage("running the model")
  // A decoder's walk ends with the next token, read from the same pass.
  let (trace, next) = try traceWithNextToken(loaded.model, loaded.input, stepsLayer: layer)
  options.figure.record(
    text: trace.text, source: options.text, model: options.model, info: trace.model)
  let walk = try ExplainWalkthrough(
    trace: trace, head: options.head - 1, layer: layer, next: next)
  let names = ExplainNames(trace: trace, head: walk.head, layer: layer)
  let roles = loaded.chat.map { roleSegments($0, tokens: trace.tokens) } ?? []
  return try explainReport(
    walk, names: names, options: options, roles: roles, progress: progress)
}

/// The walk's terminal text and files, written all or nothing; `roles` marks a chat prompt's
/// system, user and assistant tokens in the figures: over the tokens' boxes, over the tables
/// whose columns are the tokens and beside those whose rows are.
func explainReport(
  _ walk: ExplainWalkthrough, names: ExplainNames, options: ExplainOptions,
  roles: [ColumnSegment] = [], progress: any RunProgress
) throws -> RunReport {
  guard walk.list.allSatisfy({ $0.tables.allSatisfy { $0.matrix.matrix.isFinite } }) else {
    throw AttnvizError.failure(
      "an intermediate matrix overflowed (values too large for floating point); use smaller numbers in the weights"
    )
  }
  // --chat: the role bars over the tokens' boxes, over every table whose columns are the
  // tokens and beside every table whose rows are.
  let labels = walk.list.first { $0.kind == .tokens }?.tokens ?? []
  let steps = (try options.step.map { [try walk.step($0)] } ?? walk.list).map {
    var step = $0
    guard !roles.isEmpty else { return step }
    if step.kind == .tokens { step.segments = roles }
    for t in step.tables.indices {
      if step.tables[t].columnsAreTokens {
        step.tables[t].segments = roles
      } else if step.tables[t].rowsAreTokens(labels) {
        step.tables[t].rowSegments = roles
      }
    }
    return step
  }

  var report = RunReport()
  let weightsMap = options.figure.colorMap.map
  if !options.display.quiet {
    let tableOptions = TableOptions(
      colorMode: options.display.colorMode, width: options.display.width)
    report.standardOutput = explainText(
      steps, heading: names.heading, options: tableOptions, weightsMap: weightsMap)
  }
  progress.stage("drawing the steps")
  let files = try explainFiles(steps, names: names, options: options, weightsMap: weightsMap)
  progress.stage(files.count == 1 ? "writing 1 file" : "writing \(files.count) files")
  let written = try OutputFolder(path: options.outputFolder).writeWithSizes(files)
  report.writtenFiles = written.map(\.path)
  report.notes += largeOutputNotes(
    written, advice: "a shorter text, --step N or fewer --format values make it smaller")
  return report
}

/// The files of a run, in a fixed order: documents first, then figures step by step.
func explainFiles(
  _ steps: [ExplainStep], names: ExplainNames, options: ExplainOptions, weightsMap: ColorMap?
) throws -> [OutputFile] {
  let formats = options.formats
  var wantsPNG = formats.contains(.png)
  let wantsSVG = formats.contains(.svg)
  if formats.contains(.md) && !wantsPNG && !wantsSVG { wantsPNG = true }
  let needsScenes = wantsPNG || wantsSVG || formats.contains(.html)

  var files: [OutputFile] = []
  if formats.contains(.txt) {
    let plain = TableOptions(colorMode: .plain, width: 100)
    files.append(
      OutputFile(
        name: "explain.txt",
        text: explainText(steps, heading: names.heading, options: plain, weightsMap: nil)))
  }
  guard needsScenes else { return files }
  let fonts = try loadFonts(options.figure)
  let style = figureStyle(options.figure)
  // The slides draw their own figures; the step figures only for png and svg. A step whose
  // panels do not fit one slide has several figures, `step-05-rotation-1.png`, `-2`, ….
  let sets =
    wantsPNG || wantsSVG
    ? steps.map { explainFigures($0, subtitle: names.subtitle, style: style, measurer: fonts) }
    : []
  let stems = zip(steps, sets).map { step, scenes in
    scenes.count == 1
      ? [step.fileStem] : scenes.indices.map { "\(step.fileStem)-\($0 + 1)" }
  }
  if formats.contains(.md) {
    let links = wantsPNG ? "png" : "svg"
    files.append(
      OutputFile(
        name: "explain.md",
        text: explainMarkdown(
          steps, title: names.title, subtitle: names.subtitle, figureExtension: links,
          figureStems: stems)))
  }
  if formats.contains(.html) {
    let slides = steps.map { deckFigures($0, style: style, measurer: fonts).map { renderSVG($0) } }
    files.append(
      OutputFile(
        name: "explain.html",
        text: explainHTML(
          steps, title: names.title, subtitle: names.subtitle, figures: slides,
          figureFontSize: deckFigureFontSize)))
  }
  let finished = options.figure.finish(
    sets.flatMap { $0 }, margin: style.margin, measurer: fonts)
  let named = zip(stems.flatMap { $0 }, finished).map { (stem: $0, scene: $1) }
  return files
    + (try figureFiles(named, png: wantsPNG, svg: wantsSVG, options: options.figure, fonts: fonts))
}

/// The title and subtitle every output carries, so a figure or a page stands on its own.
struct ExplainNames {
  var title = "Self-attention, step by step"
  let subtitle: String

  init(trace: AttentionTrace, head: Int, layer: Int = 0) {
    let model = trace.model
    // A model of several layers says which one is walked through.
    let layerPart =
      trace.layers.count > 1
      ? ", layer \(layer + 1) of \(trace.layers.count)"
      : model.family == .builtin ? "" : ", layer 1"
    let modelName = displayName(of: model) + layerPart
    let direction = model.causal ? "causal" : "bidirectional"
    subtitle =
      "\(modelName) · head \(head + 1) of \(model.heads) · \(direction) · \(quotedText(trace))"
  }

  var heading: String { "\(title) · \(subtitle)" }
}
