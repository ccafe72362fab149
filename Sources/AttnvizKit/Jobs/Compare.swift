import AttnvizMath
import AttnvizModel
import AttnvizRender
import AttnvizTables
import AttnvizViews
import Foundation

/// `attnviz compare`: runs side by side in one figure, on one colour scale (weights 0…1) with
/// equal cells, so the difference is what the eye sees. Panels are every combination of the
/// texts, models, layers and heads given (and the causal mask off and on with `versusCausal`).
public struct CompareOptions: Equatable, Sendable {
  /// Each a whole text (one panel each).
  public var texts: [String]
  /// Model choices; `.defaultBuiltin` when none is given.
  public var models: [ModelChoice] = [.defaultBuiltin]
  /// 1-based layers (empty: each model's last).
  public var layers: [Int] = []
  /// 1-based heads (empty: the average of the layer's heads).
  public var heads: [Int] = []
  /// Each model without and with the causal mask (built-in layer and weights files only).
  public var versusCausal = false
  public var hideSpecialTokens = false
  /// `--chat`: each text is a user's message in its decoder's chat template.
  public var chat: ChatOptions?
  public var outputFolder = "attnviz-out"
  public var formats: [OutputFormat] = [.png]
  public var figure = FigureOptions()
  public var display = DisplayOptions()

  /// More panels than this cannot be read side by side on one slide.
  public static let maximumPanels = 8

  public init(texts: [String]) { self.texts = texts }
}

/// One panel: which text, model, layer and head, and what its heading says.
struct ComparePanel {
  var text: String
  var model: ModelChoice
  var layer: Int?
  var head: Int?
}

public func compare(_ options: CompareOptions, progress: any RunProgress = SilentProgress()) throws
  -> RunReport
{
  defer { progress.finish() }
  var options = options
  let panels = try comparePanels(options)
  ModelChoice.reuseLoadedModels = true
  var traced: [(ComparePanel, AttentionSelection)] = []
  for panel in panels {
    progress.stage("running panel \(traced.count + 1) of \(panels.count)")
    let trace = try readAndTrace(
      .arguments([panel.text]), with: panel.model, progress: progress, stepsLayer: nil,
      estimate: { compareEstimate($0, panels: panels.count) }, chat: options.chat)
    let selection = try AttentionSelection(
      trace: trace, layer: panel.layer, head: panel.head, hideSpecial: options.hideSpecialTokens)
    traced.append((panel, selection))
  }
  if let first = traced.first {
    options.figure.record(
      text: first.0.text, source: .arguments([first.0.text]), model: first.0.model,
      info: first.1.trace.model)
  }
  let varies = CompareDimensions(traced)
  let matrices = traced.map { panelMatrix($0.1) }
  let headings = traced.map { varies.heading(panel: $0.0, selection: $0.1) }

  var report = RunReport()
  if !options.display.quiet {
    let tableOptions = TableOptions(
      colorMode: options.display.colorMode, width: options.display.width,
      colorMap: options.figure.colorMap.map)
    report.standardOutput = zip(headings, matrices).map { heading, matrix in
      renderTable(matrix, title: heading.title + " · " + heading.subtitle, options: tableOptions)
    }.joined(separator: "\n")
  }
  var files: [OutputFile] = []
  if options.formats.contains(.png) || options.formats.contains(.svg) {
    let fonts = try loadFonts(options.figure.fontPath)
    var style = figureStyle(options.figure)
    // Equal cells in every panel, small enough that the largest panel still fits the row.
    let largest = matrices.map(\.matrix.rows).max() ?? 1
    style.cellSize = min(style.cellSize, max(8, 620 / Double(largest)))
    style.maxGridSize = style.cellSize * Double(largest)
    let scenes = zip(headings, matrices).map { heading, matrix in
      heatmapFigure(
        matrix, title: FigureTitle(heading.title, subtitle: heading.subtitle), style: style,
        measurer: fonts)
    }
    // The space mark said once for the figure, not under every panel.
    let note = spaceMarkNote(matrices.flatMap(\.rowLabels))
    let subtitle = [varies.figureSubtitle(traced), note ?? ""].filter { !$0.isEmpty }
      .joined(separator: " · ")
    let title = FigureTitle(varies.figureTitle, subtitle: subtitle)
    let scene = options.figure.finish(
      [composePanels(scenes, title: title, style: style, measurer: fonts, maxRowWidth: 2600)],
      margin: style.margin, measurer: fonts)[0]
    files += try figureFiles(
      [("compare", scene)], png: options.formats.contains(.png),
      svg: options.formats.contains(.svg), options: options.figure, fonts: fonts)
  }
  progress.stage("writing \(files.count) file\(files.count == 1 ? "" : "s")")
  report.writtenFiles = try OutputFolder(path: options.outputFolder).write(files)
  return report
}

/// Every combination of what was given, in the order given; refused past the maximum.
func comparePanels(_ options: CompareOptions) throws -> [ComparePanel] {
  guard !options.texts.isEmpty else {
    throw AttnvizError.usage(
      "no text given; try: attnviz compare \"The animal was too tired.\" \"The street was too wide.\""
    )
  }
  let layers: [Int?] = options.layers.isEmpty ? [nil] : options.layers
  let heads: [Int?] = options.heads.isEmpty ? [nil] : options.heads
  var models = options.models
  if options.versusCausal {
    models = try models.flatMap { model -> [ModelChoice] in
      switch model {
      case .builtin(let d, let h, let seed, _):
        return [
          .builtin(dimension: d, heads: h, seed: seed, causal: false),
          .builtin(dimension: d, heads: h, seed: seed, causal: true),
        ]
      case .weights(let path, _):
        return [.weights(path: path, causal: false), .weights(path: path, causal: true)]
      case .pretrained:
        throw AttnvizError.usage(
          "--versus-causal applies to the built-in layer and weights files; a pretrained model is causal or not by its training"
        )
      }
    }
  }
  var panels: [ComparePanel] = []
  for text in options.texts {
    for model in models {
      for layer in layers {
        for head in heads {
          panels.append(ComparePanel(text: text, model: model, layer: layer, head: head))
        }
      }
    }
  }
  guard panels.count >= 2 else {
    throw AttnvizError.usage(
      "compare needs two or more panels: give two texts, two --model, two --layer, two --head or --versus-causal"
    )
  }
  guard panels.count <= CompareOptions.maximumPanels else {
    throw AttnvizError.usage(
      "\(panels.count) panels are too many to compare on one slide (at most \(CompareOptions.maximumPanels)); give fewer texts, models, layers or heads"
    )
  }
  return panels
}

/// The selected head, or the average of the layer's heads.
func panelMatrix(_ selection: AttentionSelection) -> LabeledMatrix {
  selection.heads.count == 1
    ? selection.matrix(head: selection.heads[0]) : selection.averageMatrix()
}

/// Which of text, model, layer and head differ between panels: those name each panel; the rest
/// is said once in the figure's subtitle.
struct CompareDimensions {
  var texts: Bool
  var models: Bool
  var layers: Bool
  var heads: Bool
  /// Some panels are causal and some not.
  var directions: Bool
  /// Where the texts start to differ, in words: panel titles begin a little before it.
  var firstDifferentWord = 0

  init(_ traced: [(ComparePanel, AttentionSelection)]) {
    let panels = traced.map(\.0)
    func differ<T: Equatable>(_ key: (ComparePanel) -> T) -> Bool {
      guard let first = panels.first else { return false }
      return panels.contains { key($0) != key(first) }
    }
    texts = differ(\.text)
    models = differ { $0.model.withoutMask }
    layers = differ(\.layer)
    heads = differ(\.head)
    directions = Set(traced.map(\.1.trace.model.causal)).count > 1
    let words = panels.map { $0.text.split(whereSeparator: \.isWhitespace) }
    let shortest = words.map(\.count).min() ?? 0
    firstDifferentWord =
      (0..<shortest).first { i in words.contains { $0[i] != words[0][i] } } ?? shortest
  }

  /// The text from a few words before the first difference, so "…too tired." and "…too wide."
  /// are what the panel titles show.
  func distinctivePart(_ text: String) -> String {
    let words = text.split(whereSeparator: \.isWhitespace)
    let start = max(0, min(firstDifferentWord, words.count) - 3)
    return (start > 0 ? "…" : "") + words[start...].joined(separator: " ")
  }

  var figureTitle: String {
    var parts: [String] = []
    if texts { parts.append("texts") }
    if models { parts.append("models") }
    if layers { parts.append("layers") }
    if heads { parts.append("heads") }
    if directions { parts.append("causal and bidirectional") }
    return "Comparing " + parts.joined(separator: " × ") + " · one colour scale (0–1)"
  }

  /// What all panels share.
  func figureSubtitle(_ traced: [(ComparePanel, AttentionSelection)]) -> String {
    guard let (panel, selection) = traced.first else { return "" }
    var parts: [String] = []
    if !models { parts.append(displayName(of: selection.trace.model)) }
    if !layers && !models { parts.append("layer \(selection.layer + 1)") }
    if !heads && !models { parts.append(headName(selection)) }
    if !texts { parts.append("“\(shortened(panel.text, to: 60))”") }
    return parts.joined(separator: " · ")
  }

  /// A panel's own title (what differs) and subtitle (its tokenizer and selection).
  func heading(panel: ComparePanel, selection: AttentionSelection) -> (
    title: String, subtitle: String
  ) {
    let model = selection.trace.model
    var title: [String] = []
    if texts { title.append("“\(shortened(distinctivePart(panel.text), to: 40))”") }
    if models { title.append(displayName(of: model)) }
    if directions { title.append(model.causal ? "causal" : "bidirectional") }
    if layers || (models && model.layers > 1) {
      title.append("layer \(selection.layer + 1) of \(model.layers)")
    }
    if heads || models { title.append(headName(selection)) }
    var subtitle = "\(selection.positions.count) tokens · \(tokenizerName(model))"
    if model.causal && !directions { subtitle += " · causal" }
    return (title.joined(separator: " · "), subtitle)
  }

  func headName(_ selection: AttentionSelection) -> String {
    selection.heads.count == 1
      ? "head \(selection.heads[0] + 1)" : "average of \(selection.trace.model.heads) heads"
  }
}

/// How a model cuts text into tokens, for panels whose tokens differ.
func tokenizerName(_ model: ModelInfo) -> String {
  switch model.tokenizer {
  case .words: "tokens: words"
  case .wordPiece: "tokens: WordPiece"
  case .byteLevelBPE: "tokens: byte-level BPE"
  case .sentencePiece, .bpe: "tokens: BPE"
  case .unigram: "tokens: SentencePiece unigram"
  }
}

extension ModelChoice {
  /// The model itself, whatever the mask: panels that differ only by `--causal` compare
  /// directions, not models.
  var withoutMask: ModelChoice {
    switch self {
    case .builtin(let d, let h, let seed, _):
      .builtin(dimension: d, heads: h, seed: seed, causal: false)
    case .weights(let path, _): .weights(path: path, causal: false)
    case .pretrained: self
    }
  }
}
