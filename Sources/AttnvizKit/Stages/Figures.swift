import AttnvizMath
import AttnvizModel
import AttnvizRender
import AttnvizTokens
import AttnvizViews
import Foundation

/// Lays out the requested views and encodes each as PNG and/or SVG.
func figureFiles(
  _ selection: AttentionSelection, titles: Titles, options: VisualizeOptions,
  focus: ResolvedFocus? = nil, attribution: AttributionResults = AttributionResults(),
  notes: inout [String], progress: any RunProgress = SilentProgress(),
  roles: [ColumnSegment] = []
) throws -> [OutputFile] {
  let wantsPNG = options.formats.contains(.png)
  let wantsSVG = options.formats.contains(.svg)
  guard wantsPNG || wantsSVG else { return [] }
  let fonts = try loadFonts(options.figure)
  var style = figureStyle(options.figure)
  style.explainsSpaceMark = true
  progress.stage("laying out figures")
  var scenes = try figureScenes(
    selection, titles: titles, views: options.views, focus: focus,
    rolloutFrom: options.rolloutFrom, style: style, measurer: fonts, roles: roles)
  scenes += attributionScenes(attribution, titles: titles, style: style, measurer: fonts)
  notes += annotationNotes(scenes, options: options.figure)
  if let focus, let count = options.figure.calloutCount {
    // The focused token's K strongest keys under the figures that show its row: the lines view,
    // and the heatmap when one head is shown (a heatmap per head would need one per head).
    let line = callout(selection, focus: focus, count: count).caption
    scenes = scenes.map { stem, scene in
      let shows =
        stem.hasPrefix("lines-") || (stem.hasPrefix("heatmap-") && selection.heads.count == 1)
      return (stem, shows ? captioned(scene, line, style: style, measurer: fonts) : scene)
    }
  }
  if wantsPNG, let note = missingGlyphNote(selection.labels, fonts: fonts) { notes.append(note) }
  let headed = options.figure.finish(scenes.map(\.1), margin: style.margin, measurer: fonts)
  scenes = zip(scenes, headed).map { ($0.0, $1) }
  progress.stage("drawing \(scenes.count) figure\(scenes.count == 1 ? "" : "s")")
  return try figureFiles(
    scenes, png: wantsPNG, svg: wantsSVG, options: options.figure, fonts: fonts)
}

package func figureStyle(_ options: FigureOptions) -> FigureStyle {
  var style = FigureStyle(
    colorMap: options.colorMap.map, divergingMap: .diverging, annotate: options.annotate)
  options.preset?.apply(to: &style)
  if let cell = options.cellSize { style.cellSize = cell }
  return style
}

/// The default views. One layer: a heatmap per head, all heads side by side, the lines view.
/// Several layers (pretrained models): the selected layer's heads side by side, the lines view
/// and the whole model; a single heatmap only when `--head` picks one (a dozen heatmaps per run
/// would bury the figures that matter and cost most of the run's time).
func defaultViews(for trace: AttentionTrace, headChosen: Bool) -> [ViewKind] {
  guard trace.layers.count > 1 else {
    return trace.model.heads > 1 ? [.heatmap, .heads, .lines] : [.heatmap, .lines]
  }
  return (headChosen ? [.heatmap] : []) + [.heads, .lines, .model]
}

/// Each requested view as (file stem, scene). File stems are fixed names that say the layer
/// and the head(s), numbers zero-padded so they sort.
func figureScenes(
  _ selection: AttentionSelection, titles: Titles, views requested: [ViewKind]?,
  focus: ResolvedFocus?, rolloutFrom: Int? = nil, style: FigureStyle,
  measurer: any TextMeasuring, roles: [ColumnSegment] = []
) throws -> [(stem: String, scene: Scene)] {
  let trace = selection.trace
  let views =
    requested
    ?? defaultViews(for: trace, headChosen: selection.heads.count == 1 && trace.model.heads > 1)
  let names = FileNumbers(trace.model, layers: trace.layers.count)
  let layer = names.layer(selection.layer)
  let subtitle = titles.subtitle
  var scenes: [(stem: String, scene: Scene)] = []
  for view in views {
    switch view {
    case .heatmap:
      for h in selection.heads {
        let title = FigureTitle("\(titles.head(h)) · \(titles.layerPart)", subtitle: subtitle)
        scenes.append(
          (
            "heatmap-\(layer)-\(names.head(h))",
            heatmapFigure(
              selection.matrix(head: h), title: title, style: style, measurer: measurer,
              mark: focus.flatMap {
                callout(selection, focus: $0, count: 1, heads: [h]).mark(naming: false)
              }, segments: roles)
          ))
      }
    case .heads:
      scenes += headsScenes(
        selection, titles: titles, names: names, focus: focus, style: style, measurer: measurer,
        roles: roles)
    case .lines:
      scenes.append(
        linesScene(
          selection, titles: titles, names: names, focus: focus, style: style, measurer: measurer,
          roles: roles))
    case .model:
      let title = FigureTitle("Every layer and head", subtitle: titles.modelSubtitle)
      let marks = ModelGridMarks(
        queryHeadsPerKeyValueHead: groupSize(trace.model),
        legend: groupLegend(trace.model) + windowLegend(trace),
        layerTags: windowTags(trace),
        layerWindows: selection.hidesTokens ? nil : trace.layers.map(\.window))
      scenes.append(
        (
          "model",
          modelFigure(
            selection.allLayers(), tokens: selection.labels, causal: trace.model.causal,
            title: title, marks: marks, style: style, measurer: measurer)
        ))
    case .next, .lens:
      break  // drawn from the model's predictions (Predict/PredictionOutputs.swift)
    case .contribution:
      scenes.append(
        try contributionScene(
          selection, titles: titles, names: names, style: style, measurer: measurer))
    case .rnn:
      guard let focus else {
        throw AttnvizError.usage(
          "--view rnn draws the long-range link of one token: add --focus WORD (e.g. --focus it)")
      }
      scenes.append(
        recurrenceScene(
          selection, titles: titles, names: names, focus: focus, style: style, measurer: measurer))
    case .tokens:
      scenes.append(("tokens", tokenPiecesScene(trace, style: style, measurer: measurer)))
    case .credit, .ablation:
      break  // drawn from the model's predictions (attributionScenes)
    case .patterns, .sinks, .rollout, .stats:
      if let scene = try analysisScene(
        view, trace: trace, titles: titles, rolloutFrom: rolloutFrom, style: style,
        measurer: measurer)
      {
        scenes.append(scene)
      }
    }
  }
  return scenes
}

/// The lines view of the heads `linesHeads` chooses, named after them.
func linesScene(
  _ selection: AttentionSelection, titles: Titles, names: FileNumbers, focus: ResolvedFocus?,
  style: FigureStyle, measurer: any TextMeasuring, roles: [ColumnSegment] = []
) -> (String, Scene) {
  let trace = selection.trace
  let heads = linesHeads(selection, focus: focus)
  let matrices = heads.map { selection.restrict(trace.layers[selection.layer].weights[$0]) }
  var headline = "Who attends to whom · \(titles.layerPart)"
  var stem = "lines-\(names.layer(selection.layer))"
  if heads.count == 1 {
    headline += " · head \(heads[0] + 1) of \(trace.model.heads)"
    if selection.heads.count > 1 { headline += " (the most focused)" }
    stem += "-\(names.head(heads[0]))"
  } else {
    headline += " · all \(heads.count) heads"
    stem += "-all-heads"
  }
  if let focus { headline += " · from “\(selection.labels[focus.shownIndex])”" }
  // The strongest key of the focused token: of its head, or of the average of the heads drawn.
  let mark = focus.flatMap {
    callout(selection, focus: $0, count: 1, heads: heads).mark(naming: heads.count > 1)
  }
  let scene = linesFigure(
    tokens: selection.labels, heads: matrices, headNames: heads.map { "Head \($0 + 1)" },
    focus: focus?.shownIndex, title: FigureTitle(headline, subtitle: titles.subtitle),
    style: style, measurer: measurer, callout: mark, segments: roles)
  return (stem, scene)
}

/// The smallest text, in pixels, of a slide figure fitted to 1920×1080 before the heads view
/// goes to several slides.
let slideHeadsTextSize = 18.0

/// The heads view: one figure of every head; on a slide (`--preset slide`) whose text would
/// come out smaller than `slideHeadsTextSize` px, several figures of fewer heads each
/// (`heads-layer4-head01-head06.png`, `…-head07-head12.png`), split between key/value groups.
func headsScenes(
  _ selection: AttentionSelection, titles: Titles, names: FileNumbers, focus: ResolvedFocus?,
  style: FigureStyle, measurer: any TextMeasuring, roles: [ColumnSegment] = []
) -> [(stem: String, scene: Scene)] {
  let model = selection.trace.model
  let count = model.heads
  let layer = names.layer(selection.layer)
  func scene(_ heads: Range<Int>) -> Scene {
    let which =
      heads.count == count
      ? (count == 1 ? "the 1 head" : "all \(count) heads")
      : "heads \(heads.lowerBound + 1)–\(heads.upperBound) of \(count)"
    return headsFigure(
      heads.map { selection.matrix(head: $0) }, panelTitles: heads.map { "Head \($0 + 1)" },
      title: FigureTitle(
        "Self-attention · \(which) · \(titles.layerPart)", subtitle: titles.subtitle),
      queryHeadsPerKeyValueHead: groupSize(model), caption: groupLegend(model),
      focus: focus?.shownIndex, firstHead: heads.lowerBound, segments: roles, style: style,
      measurer: measurer)
  }
  let whole = scene(0..<count)
  func textSize(_ scene: Scene) -> Double {
    style.fontSize * min(1920 / max(scene.width, 1), 1080 / max(scene.height, 1))
  }
  let group = groupSize(model) ?? 1
  guard style.slideAspect != nil, count > group, textSize(whole) < slideHeadsTextSize else {
    return [("heads-\(layer)", whole)]
  }
  var parts = 2
  while true {
    let raw = (count + parts - 1) / parts
    let chunk = max(group, (raw + group - 1) / group * group)
    let ranges = stride(from: 0, to: count, by: chunk).map { $0..<min($0 + chunk, count) }
    let drawn = ranges.map { (range: $0, scene: scene($0)) }
    if drawn.allSatisfy({ textSize($0.scene) >= slideHeadsTextSize }) || chunk == group {
      return drawn.map {
        (
          "heads-\(layer)-\(names.head($0.range.lowerBound))-\(names.head($0.range.upperBound - 1))",
          $0.scene
        )
      }
    }
    parts += 1
  }
}

/// The RNN-against-attention diagram for the focused token: the key it reaches is its strongest
/// ordinary key (not itself, not a special token such as [CLS]) in the head `--head` chose, or
/// else in the head where that key's weight is largest; the weight is that head's, as the
/// heatmap shows it.
func recurrenceScene(
  _ selection: AttentionSelection, titles: Titles, names: FileNumbers, focus: ResolvedFocus,
  style: FigureStyle, measurer: any TextMeasuring
) -> (String, Scene) {
  let trace = selection.trace
  let q = focus.shownIndex
  let tokens = selection.positions.map { trace.tokens[$0] }
  let ordinary = tokens.indices.filter { $0 != q && !tokens[$0].isSpecial }
  let candidates = ordinary.isEmpty ? Array(tokens.indices) : ordinary
  var best = (head: selection.heads[0], key: candidates[0], weight: -1.0)
  for h in selection.heads {
    let row = Array(selection.matrix(head: h).matrix.row(q))
    for k in candidates where row[k] > best.weight + 1e-12 { best = (h, k, row[k]) }
  }
  let source = "\(titles.modelName), \(titles.layerPart), head \(best.head + 1)"
  let diagram = RecurrenceDiagram(
    tokens: selection.labels, query: q, key: best.key, weight: best.weight, source: source)
  let title = FigureTitle(
    "An RNN walks, attention hops · diagram (no RNN was run) · \(titles.layerPart) · head \(best.head + 1)",
    subtitle: titles.subtitle)
  return (
    "rnn-\(names.layer(selection.layer))-\(names.head(best.head))",
    recurrenceFigure(diagram, title: title, style: style, measurer: measurer)
  )
}

/// Past this many heads, lines of every head at once blend into a hairball: without `--head`
/// or `--focus` the lines view draws the most focused head instead.
let maximumLinesHeads = 4

/// The heads the lines view draws: the chosen head; all heads when there are few or when one
/// token's lines are drawn; otherwise the most focused head.
func linesHeads(_ selection: AttentionSelection, focus: ResolvedFocus?) -> [Int] {
  guard selection.heads.count > maximumLinesHeads, focus == nil else { return selection.heads }
  return [mostFocusedHead(selection)]
}

/// The head with the clearest token-to-token links: for each query, the largest weight it gives
/// another ordinary token beyond what that key gets from the average query (so heads that send
/// everything to [SEP] or "." do not win), averaged over the queries. Ties go to the lower head.
func mostFocusedHead(_ selection: AttentionSelection) -> Int {
  let tokens = selection.trace.tokens
  let ordinary = selection.positions.filter { !tokens[$0].isSpecial }
  let keys = ordinary.count > 1 ? ordinary : selection.positions
  var best = (head: selection.heads[0], score: -Double.infinity)
  for h in selection.heads {
    let w = selection.trace.layers[selection.layer].weights[h]
    let columnMean = keys.map { k in keys.map { w[$0, k] }.reduce(0, +) / Double(keys.count) }
    var total = 0.0
    for q in keys {
      let contrasts = keys.indices.filter { keys[$0] != q }.map { w[q, keys[$0]] - columnMean[$0] }
      total += contrasts.max() ?? 0
    }
    let score = total / Double(max(keys.count, 1))
    if score > best.score + 1e-12 { best = (h, score) }
  }
  return best.head
}

/// "local" after the row label of each sliding-window layer, or nil when no layer has one.
func windowTags(_ trace: AttentionTrace) -> [String]? {
  guard trace.layers.contains(where: { $0.window != nil }) else { return nil }
  return trace.layers.map { $0.window == nil ? "" : "local" }
}

/// What "local" means, with the global layers named: "local = sliding window of 512 tokens
/// (each token sees its 512 latest); layers 6, 12, 18 attend globally".
func windowLegend(_ trace: AttentionTrace) -> [String] {
  guard let window = trace.layers.lazy.compactMap(\.window).first else { return [] }
  let global = trace.layers.indices.filter { trace.layers[$0].window == nil }.map { "\($0 + 1)" }
  let sees = "local = sliding window of \(window) tokens (each token sees its \(window) latest)"
  switch global.count {
  case 0: return [sees]
  case 1: return [sees + "; layer \(global[0]) attends globally"]
  default: return [sees + "; layers " + global.joined(separator: ", ") + " attend globally"]
  }
}

/// The chat roles over the shown columns (`--chat`): each shown token's part of the prompt, in
/// runs.
func roleSegments(_ chat: ChatPrompt, selection: AttentionSelection) -> [ColumnSegment] {
  roleSegments(chat, tokens: selection.trace.tokens, shown: selection.positions)
}

/// The chat roles of `tokens` at the positions `shown` (nil: all of them), in runs: the one
/// rule every figure's role bars come from.
package func roleSegments(_ chat: ChatPrompt, tokens: [Token], shown: [Int]? = nil)
  -> [ColumnSegment]
{
  let indices = chat.pieceIndices(of: tokens)
  let columns = (shown ?? Array(tokens.indices)).map { position -> (ColumnSegment.Kind?, Bool) in
    guard let index = indices[position] else { return (nil, true) }
    return (chat.pieces[index].role.flatMap(segmentKind), chat.pieces[index].isMarker)
  }
  return ColumnSegment.runs(columns)
}
