import AttnvizMath
import AttnvizModel
import AttnvizRender
import AttnvizViews
import Foundation

/// Lays out the requested views and encodes each as PNG and/or SVG.
func figureFiles(
  _ selection: AttentionSelection, titles: Titles, options: VisualizeOptions,
  focus: ResolvedFocus? = nil, attribution: AttributionResults = AttributionResults(),
  notes: inout [String], progress: any RunProgress = SilentProgress()
) throws -> [OutputFile] {
  let wantsPNG = options.formats.contains(.png)
  let wantsSVG = options.formats.contains(.svg)
  guard wantsPNG || wantsSVG else { return [] }
  let fonts = try loadFonts(options.figure.fontPath)
  let style = figureStyle(options.figure)
  progress.stage("laying out figures")
  var scenes = try figureScenes(
    selection, titles: titles, views: options.views, focus: focus,
    rolloutFrom: options.rolloutFrom, style: style, measurer: fonts)
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
  measurer: any TextMeasuring
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
              })
          ))
      }
    case .heads:
      let title = FigureTitle(
        "Self-attention · \(trace.model.heads == 1 ? "the 1 head" : "all \(trace.model.heads) heads") · \(titles.layerPart)",
        subtitle: subtitle)
      let panels = (0..<trace.model.heads).map { selection.matrix(head: $0) }
      scenes.append(
        (
          "heads-\(layer)",
          headsFigure(
            panels, panelTitles: (0..<trace.model.heads).map { "Head \($0 + 1)" }, title: title,
            queryHeadsPerKeyValueHead: groupSize(trace.model), caption: groupLegend(trace.model),
            style: style, measurer: measurer)
        ))
    case .lines:
      scenes.append(
        linesScene(
          selection, titles: titles, names: names, focus: focus, style: style, measurer: measurer))
    case .model:
      let title = FigureTitle("Every layer and head", subtitle: titles.modelSubtitle)
      let marks = ModelGridMarks(
        queryHeadsPerKeyValueHead: groupSize(trace.model), legend: groupLegend(trace.model))
      scenes.append(
        (
          "model",
          modelFigure(
            selection.allLayers(), tokens: selection.labels, causal: trace.model.causal,
            title: title, marks: marks, style: style, measurer: measurer)
        ))
    case .contribution:
      scenes.append(
        try contributionScene(
          selection, titles: titles, names: names, style: style, measurer: measurer))
    case .credit, .ablation:
      break  // drawn from the model's predictions (attributionScenes)
    case .next, .lens:
      break  // drawn from the model's predictions (Predict/PredictionOutputs.swift)
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
  style: FigureStyle, measurer: any TextMeasuring
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
    style: style, measurer: measurer, callout: mark)
  return (stem, scene)
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
