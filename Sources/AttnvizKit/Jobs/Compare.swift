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
  /// The run this job belongs to: its environment, its command words, its loaded models.
  public var context = RunContext()
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
  /// `--renormalize` (with `hideSpecialTokens`): each shown row divided by its sum over the
  /// shown keys, so it sums to 1 again; each panel's subtitle says so (or, without it, what the
  /// shown rows sum to).
  public var renormalizeShown = false
  /// `--ablate` (and `--ablate-mode`, `--target`): each panel run twice on a decoder, without
  /// and with those heads switched off, side by side on the one scale.
  public var attribution = AttributionOptions()
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
  /// The twin with `--ablate`'s heads switched off.
  var ablated = false
}

public func compare(_ options: CompareOptions, progress: any RunProgress = SilentProgress()) throws
  -> RunReport
{
  defer { progress.finish() }
  var options = options
  let panels = try comparePanels(options)
  options.context.models.keepLoaded = true
  var traced: [(ComparePanel, AttentionSelection)] = []
  var followed: [AblationFollowed] = []
  for panel in panels {
    progress.stage("running panel \(traced.count + 1) of \(panels.count)")
    let trace: AttentionTrace
    if options.attribution.ablate.isEmpty {
      trace = try readAndTrace(
        .arguments([panel.text]), with: panel.model, in: options.context, progress: progress,
        stepsLayer: nil,
        estimate: { compareEstimate($0, panels: panels.count) }, chat: options.chat)
    } else {
      let run = try ablationPanelRun(
        panel, options: options, followed: followed.first { $0.matches(panel) },
        progress: progress, panels: panels.count)
      trace = run.trace
      followed.append(run.followed)
    }
    let selection = try AttentionSelection(
      trace: trace, layer: panel.layer, head: panel.head, hideSpecial: options.hideSpecialTokens,
      renormalize: options.renormalizeShown)
    traced.append((panel, selection))
  }
  if let first = traced.first {
    options.figure.record(
      text: first.0.text, source: .arguments([first.0.text]), model: first.0.model,
      info: first.1.trace.model)
  }
  var varies = CompareDimensions(traced)
  varies.ablation = options.attribution
  let matrices = traced.map { panelMatrix($0.1) }
  let headings = traced.indices.map { i in
    varies.heading(
      panel: traced[i].0, selection: traced[i].1,
      followed: followed.indices.contains(i) ? followed[i] : nil)
  }

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
    let fonts = try loadFonts(options.figure)
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
  if options.attribution.ablate.isEmpty,
    options.attribution.target != nil || options.attribution.ablateMode != .zero
  {
    throw AttnvizError.usage(
      "--target and --ablate-mode say what compare --ablate follows and how it switches heads off; add --ablate"
    )
  }
  if !options.attribution.ablate.isEmpty {
    if options.versusCausal {
      throw AttnvizError.usage(
        "--ablate switches heads of a pretrained decoder off and --versus-causal applies to the built-in layer; use one of them"
      )
    }
    let pretrained = models.allSatisfy {
      if case .pretrained = $0 { return true }
      return false
    }
    guard pretrained else {
      throw AttnvizError.usage(
        "--ablate needs a pretrained decoder (its heads write into a residual stream that later layers read); try --model SmolLM2-135M-Instruct"
      )
    }
  }
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
          if !options.attribution.ablate.isEmpty {
            panels.append(
              ComparePanel(text: text, model: model, layer: layer, head: head, ablated: true))
          }
        }
      }
    }
  }
  guard panels.count >= 2 else {
    throw AttnvizError.usage(
      "compare needs two or more panels: give two texts, two --model, two --layer, two --head, --versus-causal or --ablate"
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
  /// `--ablate`: panels come in unablated and ablated twins.
  var ablation = AttributionOptions()

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
    if !ablation.ablate.isEmpty { parts.append("unablated and ablated") }
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
  func heading(
    panel: ComparePanel, selection: AttentionSelection, followed: AblationFollowed? = nil
  ) -> (
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
    if !ablation.ablate.isEmpty {
      let list = ablation.ablate.sorted().map(\.description).joined(separator: ", ")
      let how = ablation.ablateMode == .zero ? "zeroed" : "mean-ablated"
      title.append(
        panel.ablated
          ? "head\(ablation.ablate.count == 1 ? "" : "s") \(list) \(how)" : "unablated")
    }
    var subtitle = "\(selection.positions.count) tokens · \(tokenizerName(model))"
    if let followed {
      subtitle += " · p(\(followed.name)) \(formatFixed(followed.probability, decimals: 3))"
    }
    if model.causal && !directions { subtitle += " · causal" }
    if selection.hidesTokens { subtitle += " · " + selection.hiddenTokensPart }
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

/// The next token a pair of ablation panels follows (`--target`, or the unablated run's
/// prediction) and its probability in one panel's run.
struct AblationFollowed {
  var text: String
  var model: ModelChoice
  var id: Int
  var name: String
  var probability: Double

  func matches(_ panel: ComparePanel) -> Bool { panel.text == text && panel.model == model }
}

/// One panel of `compare --ablate`: the decoder run on the panel's text without (or, for the
/// ablated twin, with) the heads switched off, one pass each, and the probability of the token
/// followed. The compared layer must come after an ablated head: a head's own weights and every
/// layer before it are the same in both runs.
func ablationPanelRun(
  _ panel: ComparePanel, options: CompareOptions, followed: AblationFollowed?,
  progress: any RunProgress, panels: Int
) throws -> (trace: AttentionTrace, followed: AblationFollowed) {
  let loaded = try readAndLoad(
    .arguments([panel.text]), with: panel.model, in: options.context, progress: progress,
    estimate: { compareEstimate($0, panels: panels) }, chat: options.chat)
  let decoder = try predictingModel(loaded.model, for: "compare --ablate")
  let heads = try options.attribution.checked(against: decoder.info)
  let layer = panel.layer ?? decoder.info.layers
  let list = heads.map(\.description).joined(separator: ",")
  if let first = heads.map(\.layer).min(), first == decoder.info.layers {
    throw AttnvizError.usage(
      "--ablate \(list): heads of the last layer (\(first)) change no attention, only the prediction; attnviz --ablate \(list) shows the probabilities before and after, or ablate a head of an earlier layer"
    )
  }
  if let first = heads.map(\.layer).min(), layer <= first {
    throw AttnvizError.usage(
      "--ablate \(list) can change only the attention of layers after \(first), and compare shows layer \(layer); give --layer \(first + 1) or later (up to \(decoder.info.layers))"
    )
  }
  let request =
    panel.ablated
    ? AblationRun.request(heads, options.attribution.ablateMode)
    : ForwardRequest(logits: .last)
  progress.stage(panel.ablated ? "running with heads ablated" : "running the model")
  let result = try runModel {
    try decoder.trace(loaded.input, stepsLayer: nil, request: request)
  }
  guard result.trace.layers.allSatisfy(isSound), let logits = result.output.logits else {
    throw AttnvizError.failure("the attention overflowed (scores too large for floating point)")
  }
  let distribution = NextTokenDistribution(logits: logits)
  let id =
    try followed?.id
    ?? options.attribution.target.map { try targetTokenID($0, model: decoder) }
    ?? distribution.argmax
  return (
    result.trace,
    AblationFollowed(
      text: panel.text, model: panel.model, id: id, name: tokenName(id, model: decoder),
      probability: distribution.probabilities[id])
  )
}
