import AttnvizKit
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
      : FigureTitle(table.title, subtitle: table.note)
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
      var tableStyle = AttnvizExplain.panelStyle(table, panelStyle)
      if let scale = table.scale {
        tableStyle.signedLimit = step.tables.filter { $0.scale == scale }
          .map { $0.matrix.matrix.maxMagnitude }.max()
      }
      if let axes = table.chart {
        let points = table.matrix.matrix.row(0).enumerated().map { (x: Double($0), y: $1) }
        return lineChartFigure(
          points, xTitle: axes.x, yTitle: axes.y,
          title: FigureTitle(table.title, subtitle: table.note), style: tableStyle,
          measurer: measurer)
      }
      return heatmapFigure(
        table.matrix, title: FigureTitle(table.title, subtitle: table.note), style: tableStyle,
        measurer: measurer)
    }
  }
  var scenes = panels(small)
  let rows = panelRows(step, count: scenes.count)
  func widest(_ scenes: [Scene]) -> Double {
    rows.map { $0.reduce(0) { $0 + scenes[$1].width } }.max() ?? 0
  }
  // Wide matrices (d_model 384) would stack the panels into a tall strip no slide can hold:
  // shrink their grids so they stay side by side.
  if widest(scenes) > panelRowWidth {
    let perRow = rows.map(\.count).max() ?? scenes.count
    small.maxGridSize = max(480, panelRowWidth / Double(perRow) - 280)
    scenes = panels(small)
  }
  if !step.panelRows.isEmpty {
    return composePanelRows(
      rows.map { $0.map { scenes[$0] } }, title: heading, style: style, measurer: measurer)
  }
  return composePanels(
    scenes, title: heading, style: style, measurer: measurer, maxRowWidth: panelRowWidth + 200)
}

/// The panels' indices row by row: the step's `panelRows`, or all in one row.
func panelRows(_ step: ExplainStep, count: Int) -> [[Int]] {
  guard !step.panelRows.isEmpty else { return [Array(0..<count)] }
  var rows: [[Int]] = []
  var next = 0
  for size in step.panelRows where next < count {
    rows.append(Array(next..<min(next + size, count)))
    next += size
  }
  if next < count { rows.append(Array(next..<count)) }
  return rows
}

/// Text size of the figures on slides, in the figure's own units: the deck scales each figure
/// so that this is as large as the caption.
let deckFigureFontSize = 18.0

/// A step's figure for the slide deck: no heading (the slide has it), larger text, dimension
/// columns cut as the slide's tables cut them and, when the panels would still be wider than
/// a slide, to fewer (12, then 8), so that the figure's text can be as large as the caption
/// once the figure is fitted to a 1366×768 window. What a panel leaves out is its second line.
/// Line charts keep every point.
func deckFigure(_ step: ExplainStep, style: FigureStyle, measurer: any TextMeasuring) -> Scene {
  var large = style
  large.fontSize = deckFigureFontSize
  large.titleSize = deckFigureFontSize + 2
  // Cells a little taller than the text: wider cells would only shrink the text on the slide.
  large.cellSize = 24
  large.maxLabelWidth = 170
  large.margin = 12
  var shown = step
  if !step.slidePanels.isEmpty {
    shown.tables = step.slidePanels.filter(step.tables.indices.contains).map { step.tables[$0] }
    shown.panelRows = []
  }
  var scene = Scene(width: 0, height: 0)
  for limit in [explainTableColumnLimit, 12, 8] {
    var cut = shown
    cut.tables = shown.tables.map { $0.chart == nil ? $0.firstColumns(limit) : $0 }
    scene = explainFigure(cut, subtitle: "", style: large, measurer: measurer, headed: false)
    if scene.width <= deckFigureWidth { break }
  }
  return scene
}

/// The widest figure a 1366×768 slide shows with its text at 16 px, in the figure's own units
/// (text of `deckFigureFontSize`): the slide's 1286 px across, at 16 / 18 px per unit.
let deckFigureWidth = 1440.0

/// How wide a row of panels may grow, in logical pixels (a 2× PNG of it is about 5000 px).
let panelRowWidth = 2400.0

/// Axis titles the heatmap cannot guess: a head's slice has labelled dimension columns, and
/// the positional encoding's rows are positions, not tokens.
func panelStyle(_ table: ExplainTable, _ style: FigureStyle) -> FigureStyle {
  guard !table.columnsAreTokens else { return style }
  var panel = style
  panel.rowAxisTitle =
    table.matrix.rowLabels.first?.hasPrefix("pos ") == true ? "Position" : "Token"
  panel.columnAxisTitle = table.columnTitle ?? "Dimension"
  return panel
}
