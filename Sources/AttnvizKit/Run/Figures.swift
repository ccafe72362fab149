import AttnvizMath
import AttnvizModel
import AttnvizRender
import AttnvizViews
import Foundation

/// Lays out the requested views and encodes each as PNG and/or SVG.
func figureFiles(
  _ selection: AttentionSelection, titles: Titles, options: VisualizeOptions,
  progress: any RunProgress = SilentProgress()
) throws -> [OutputFile] {
  let wantsPNG = options.formats.contains(.png)
  let wantsSVG = options.formats.contains(.svg)
  guard wantsPNG || wantsSVG else { return [] }
  let fonts = try loadFonts(options.figure.fontPath)
  let style = figureStyle(options.figure)
  progress.stage("laying out figures")
  var scenes = try figureScenes(
    selection, titles: titles, views: options.views, focus: options.figure.focus,
    rolloutFrom: options.rolloutFrom, style: style, measurer: fonts)
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

/// Each requested view as (file stem, scene). File stems are fixed names.
func figureScenes(
  _ selection: AttentionSelection, titles: Titles, views requested: [ViewKind]?, focus: String?,
  rolloutFrom: Int? = nil, style: FigureStyle, measurer: any TextMeasuring
) throws -> [(stem: String, scene: Scene)] {
  let trace = selection.trace
  let views =
    requested
    ?? defaultViews(for: trace, headChosen: selection.heads.count == 1 && trace.model.heads > 1)
  let layerNumber = selection.layer + 1
  let subtitle = titles.subtitle
  var scenes: [(stem: String, scene: Scene)] = []
  for view in views {
    switch view {
    case .heatmap:
      for h in selection.heads {
        let title = FigureTitle(titles.head(h), subtitle: subtitle)
        scenes.append(
          (
            "heatmap-layer\(layerNumber)-head\(h + 1)",
            heatmapFigure(selection.matrix(head: h), title: title, style: style, measurer: measurer)
          ))
      }
    case .heads:
      let title = FigureTitle(
        "Self-attention · all \(trace.model.heads) heads · \(titles.layerPart)", subtitle: subtitle)
      let panels = (0..<trace.model.heads).map { selection.matrix(head: $0) }
      scenes.append(
        (
          "heads-layer\(layerNumber)",
          headsFigure(
            panels, panelTitles: (0..<trace.model.heads).map { "Head \($0 + 1)" }, title: title,
            queryHeadsPerKeyValueHead: groupSize(trace.model), caption: groupLegend(trace.model),
            style: style, measurer: measurer)
        ))
    case .lines:
      let focusIndex = try focus.map { try resolveFocus($0, labels: selection.labels) }
      let heads = selection.heads.map {
        selection.restrict(trace.layers[selection.layer].weights[$0])
      }
      var headline = "Who attends to whom · \(titles.layerPart)"
      if let focusIndex { headline += " · from “\(selection.labels[focusIndex])”" }
      scenes.append(
        (
          "lines-layer\(layerNumber)",
          linesFigure(
            tokens: selection.labels, heads: heads,
            headNames: selection.heads.map { "Head \($0 + 1)" }, focus: focusIndex,
            title: FigureTitle(headline, subtitle: subtitle), style: style, measurer: measurer)
        ))
    case .model:
      let title = FigureTitle(
        "Every layer and head · \(trace.model.name)",
        subtitle: titles.subtitle(includingLayer: false))
      let marks = ModelGridMarks(
        queryHeadsPerKeyValueHead: groupSize(trace.model), legend: groupLegend(trace.model))
      scenes.append(
        (
          "model",
          modelFigure(
            selection.allLayers(), tokens: selection.labels, causal: trace.model.causal,
            title: title, marks: marks, style: style, measurer: measurer)
        ))
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

/// `--focus` takes a 1-based token index or a token's text (case-insensitive, first match).
func resolveFocus(_ focus: String, labels: [String]) throws -> Int {
  if let index = Int(focus) {
    guard (1...labels.count).contains(index) else {
      throw AttnvizError.usage(
        "--focus \(index) is out of range; the text has \(labels.count) tokens shown (1–\(labels.count))"
      )
    }
    return index - 1
  }
  let wanted = focus.lowercased()
  let normalized = labels.map {
    $0.trimmingCharacters(in: CharacterSet(charactersIn: " ·Ġ")).lowercased()
  }
  guard
    let index = normalized.firstIndex(of: wanted)
      ?? labels.firstIndex(where: { $0.lowercased() == wanted })
  else {
    throw AttnvizError.usage(
      "--focus \"\(focus)\" is not one of the tokens; give a token as shown in the table, or its 1-based index"
    )
  }
  return index
}
