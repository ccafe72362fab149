import AttnvizMath
import AttnvizRender
import AttnvizTables
import AttnvizViews

/// The figure of a step: the tokens as a row of boxes, one heatmap for a single matrix, or its
/// matrices as panels under the step's heading. Signed matrices get the diverging map (white is
/// 0), weights the sequential one, as `heatmapFigure` decides from the matrix kind.
///
/// `headed: false` leaves the step's heading and the subtitle out, for a slide that shows them
/// as text already.
func explainFigure(
  _ step: ExplainStep, subtitle: String, style: FigureStyle, measurer: any TextMeasuring,
  headed: Bool = true
) -> Scene {
  let heading = headed ? FigureTitle(step.heading, subtitle: subtitle) : FigureTitle("")
  if step.kind == .tokens {
    return tokenFigure(step.tokens, title: heading, style: style, measurer: measurer)
  }
  if step.tables.count == 1, let table = step.tables.first {
    let title =
      headed
      ? FigureTitle("Step \(step.number) · \(table.title)", subtitle: subtitle)
      : FigureTitle(table.title)
    return heatmapFigure(
      table.matrix, title: title, style: panelStyle(table, style), measurer: measurer)
  }
  // Panel titles a step below the figure's title, so the step's heading leads.
  var small = style
  small.titleSize = style.fontSize + 3
  // Raw and scaled scores on one colour scale: the scaled panel then looks paler by exactly the
  // factor 1/√d_k, which is the point of the step.
  if step.kind == .scores {
    small.signedLimit = step.tables.map { $0.matrix.matrix.maxMagnitude }.max()
  }
  func panels(_ panelStyle: FigureStyle) -> [Scene] {
    step.tables.map { table in
      heatmapFigure(
        table.matrix, title: FigureTitle(table.title),
        style: AttnvizKit.panelStyle(table, panelStyle), measurer: measurer)
    }
  }
  var scenes = panels(small)
  // Wide matrices (d_model 384) would stack the panels into a tall strip no slide can hold:
  // shrink their grids so they stay side by side.
  if scenes.reduce(0, { $0 + $1.width }) > panelRowWidth {
    small.maxGridSize = max(480, panelRowWidth / Double(scenes.count) - 280)
    scenes = panels(small)
  }
  return composePanels(
    scenes, title: heading, style: style, measurer: measurer, maxRowWidth: panelRowWidth + 200)
}

/// Text size of the figures on slides, in the figure's own units: the deck scales each figure
/// so that this is as large as the caption.
let deckFigureFontSize = 18.0

/// A step's figure for the slide deck: no heading (the slide has it), dimension columns cut as
/// the slide's tables cut them, and larger text, so that the figure's text can be as large as
/// the caption once the figure is fitted to the window.
func deckFigure(_ step: ExplainStep, style: FigureStyle, measurer: any TextMeasuring) -> Scene {
  var cut = step
  cut.tables = step.tables.map { $0.shown() }
  var large = style
  large.fontSize = deckFigureFontSize
  large.titleSize = deckFigureFontSize + 2
  // Cells a little taller than the text: wider cells would only shrink the text on the slide.
  large.cellSize = 24
  large.maxLabelWidth = 170
  large.margin = 12
  return explainFigure(cut, subtitle: "", style: large, measurer: measurer, headed: false)
}

/// How wide a row of panels may grow, in logical pixels (a 2× PNG of it is about 5000 px).
let panelRowWidth = 2400.0

/// Axis titles the heatmap cannot guess: a head's slice has labelled dimension columns, and
/// the positional encoding's rows are positions, not tokens.
func panelStyle(_ table: ExplainTable, _ style: FigureStyle) -> FigureStyle {
  guard !table.columnsAreTokens else { return style }
  var panel = style
  panel.rowAxisTitle =
    table.matrix.rowLabels.first?.hasPrefix("pos ") == true ? "Position" : "Token"
  panel.columnAxisTitle = "Dimension"
  return panel
}

/// The tokens as a row of boxes with their position under each, wrapped onto more rows when the
/// text is long. Past `limit` tokens a note says how many more there are, so a long text still
/// gives a figure of slide size (and within the rasteriser's limits).
func tokenFigure(
  _ tokens: [String], title: FigureTitle, style: FigureStyle, measurer: any TextMeasuring,
  maxWidth: Double = 1200, limit: Int = 120
) -> Scene {
  let box = TokenBoxStyle(style: style, measurer: measurer)
  var items: [SceneItem] = []
  var x = 0.0
  var y = 0.0
  var width = 0.0
  for (position, raw) in tokens.prefix(limit).enumerated() {
    let label = figureLabel(raw)
    let boxWidth = box.width(of: label)
    if x > 0 && x + boxWidth > maxWidth {
      x = 0
      y += box.lineHeight
    }
    items += box.items(label, position: position, x: x, y: y, width: boxWidth)
    width = max(width, x + boxWidth)
    x += boxWidth + box.gap
  }
  var height = y + box.lineHeight
  if tokens.count > limit {
    let more = tokens.count - limit
    height += measurer.ascent(size: style.fontSize)
    items.append(
      .text(
        TextItem(
          "… and \(more) more token\(more == 1 ? "" : "s") (\(tokens.count) in all)",
          at: Point(0, height), size: style.fontSize, color: RGBA(90, 90, 90), role: "note")))
    height += measurer.descent(size: style.fontSize)
  }
  let margin = style.margin
  return headed(
    items.map { $0.moved(margin, margin) }, width: width + 2 * margin,
    height: height + 2 * margin, title: title, style: style, measurer: measurer)
}

/// Sizes and colours of the token boxes: label a little larger than the figure's text.
struct TokenBoxStyle {
  let style: FigureStyle
  let measurer: any TextMeasuring
  let padding = 12.0
  let gap = 10.0

  var size: Double { style.fontSize + 5 }
  var height: Double {
    (measurer.ascent(size: size) + measurer.descent(size: size) + 2 * padding).rounded(.up)
  }
  var lineHeight: Double { height + style.fontSize + 20 }

  func width(of label: String) -> Double {
    max(height, (measurer.width(of: label, size: size, weight: .regular) + 2 * padding).rounded(.up))
  }

  /// The box, its label, and the position under it.
  func items(_ label: String, position: Int, x: Double, y: Double, width: Double) -> [SceneItem] {
    let centre = x + width / 2
    return [
      .rect(
        RectItem(
          x: x, y: y, width: width, height: height, fill: RGBA(236, 242, 250),
          stroke: RGBA(70, 100, 150), strokeWidth: 1.5, role: "token")),
      .text(
        TextItem(
          label, at: Point(centre, y + padding + measurer.ascent(size: size)), size: size,
          color: RGBA(26, 26, 26), anchor: .middle, role: "token-label")),
      .text(
        TextItem(
          "\(position)", at: Point(centre, y + height + 6 + measurer.ascent(size: style.fontSize)),
          size: style.fontSize, color: RGBA(90, 90, 90), anchor: .middle, role: "position")),
    ]
  }
}

/// A token as a box label: control and bidi characters made inert, long tokens shortened.
func figureLabel(_ token: String, limit: Int = 24) -> String {
  let safe = sanitizeForTerminal(token, asciiOnly: false)
  let visible =
    safe.allSatisfy { $0 == " " } ? String(repeating: "␣", count: max(safe.count, 1)) : safe
  guard visible.count > limit else { return visible }
  return String(visible.prefix(limit - 1)) + "…"
}
