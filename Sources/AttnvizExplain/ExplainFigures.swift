import AttnvizKit
import AttnvizMath
import AttnvizRender
import AttnvizTables
import AttnvizViews

/// The figures of a step: the tokens as a row of boxes, one heatmap for a single matrix, or its
/// matrices as panels under the step's heading. Signed matrices get the diverging map (white is
/// 0), weights the sequential one, as `heatmapFigure` decides from the matrix kind.
///
/// Every figure fits a 16:9 slide at 1920×1080 with its text at least `slideTextSize` px:
/// panels side by side first shrink their grids (to `smallestPanelGrid`), and when they still do
/// not fit, the step's panels are split into parts, one figure each ("Step 4 (1 of 2) · …").
/// A step's own `parts` (the rotation step's) are kept as given. Signed panels side by side in
/// one figure share one colour scale unless the step gives them different `scale` keys.
///
/// `headed: false` leaves the step's heading and the subtitle out, for a slide that shows them
/// as text already.
func explainFigures(
  _ step: ExplainStep, subtitle: String, style: FigureStyle, measurer: any TextMeasuring,
  headed: Bool = true, fits: (Scene) -> Bool = { _ in true }
) -> [Scene] {
  func check(_ scene: Scene) -> Bool { fits(scene) && slideFits(scene, style: style) }
  let whole = step.parts.isEmpty ? [Array(step.tables.indices)] : step.parts
  var parts: [[Int]] = []
  for group in whole {
    if group.count <= 1 || step.kind == .tokens {
      parts.append(group)
      continue
    }
    if panelFigure(
      step, group, subtitle: subtitle, style: style, measurer: measurer, part: nil, headed: headed,
      fits: check) != nil
    {
      parts.append(group)
      continue
    }
    // Greedy: as many panels per part as fit.
    var current: [Int] = []
    for index in group {
      let candidate = current + [index]
      if current.isEmpty
        || panelFigure(
          step, candidate, subtitle: subtitle, style: style, measurer: measurer, part: nil,
          headed: headed, fits: check) != nil
      {
        current = candidate
      } else {
        parts.append(current)
        current = [index]
      }
    }
    if !current.isEmpty { parts.append(current) }
  }
  if step.kind == .tokens || step.tables.isEmpty {
    let heading = headed ? FigureTitle(step.heading, subtitle: subtitle) : FigureTitle("")
    return [
      tokenFigure(
        step.tokens, title: heading, style: style, measurer: measurer, segments: step.segments)
    ]
  }
  return parts.enumerated().map { index, group in
    let part = parts.count > 1 ? (index + 1, parts.count) : nil
    return panelFigure(
      step, group, subtitle: subtitle, style: style, measurer: measurer, part: part,
      headed: headed, fits: check)
      ?? panelFigure(
        step, group, subtitle: subtitle, style: style, measurer: measurer, part: part,
        headed: headed, fits: { _ in true }) ?? Scene(width: 0, height: 0)
  }
}

/// The one figure of a step whose panels all fit on one slide (tests and single-part steps).
func explainFigure(
  _ step: ExplainStep, subtitle: String, style: FigureStyle, measurer: any TextMeasuring,
  headed: Bool = true
) -> Scene {
  explainFigures(step, subtitle: subtitle, style: style, measurer: measurer, headed: headed)[0]
}

/// The smallest text of a figure, fitted to a 1920×1080 slide, is at least this many pixels:
/// read from the back of a lecture hall, and no smaller than the deck's smallest caption.
let slideTextSize = 16.0

/// Whether `scene`, fitted whole to 1920×1080, shows the style's text at `slideTextSize` px.
func slideFits(_ scene: Scene, style: FigureStyle) -> Bool {
  guard scene.width > 0, scene.height > 0 else { return true }
  let scale = min(1920 / scene.width, 1080 / scene.height)
  let smallest = min(style.fontSize, style.annotate ? annotationFontSizeForSlides(style) : 99)
  return smallest * scale >= slideTextSize - 1e-9
}

/// The size of the values printed in cells (`--annotate`): a step below the labels, ≥ 12.
func annotationFontSizeForSlides(_ style: FigureStyle) -> Double { max(12, style.fontSize - 1) }

/// Grid limits tried, largest first, before a step's panels are split into parts.
let panelGridLimits: [Double] = [1000, 800, 640, 520, 420, 340]

/// The figure of panels `indices` of a step, at the largest grid limit at which it `fits`; nil
/// when it fits at none. `part` (k, n) numbers the heading "Step 4 (k of n)".
func panelFigure(
  _ step: ExplainStep, _ indices: [Int], subtitle: String, style: FigureStyle,
  measurer: any TextMeasuring, part: (Int, Int)?, headed: Bool, fits: (Scene) -> Bool
) -> Scene? {
  let tables = indices.map { step.tables[$0] }
  let number = part.map { "Step \(step.number) (\($0.0) of \($0.1))" } ?? "Step \(step.number)"
  let heading =
    headed ? FigureTitle("\(number) · \(step.title)", subtitle: subtitle) : FigureTitle("")
  // Panel titles a step below the figure's title, so the step's heading leads.
  var small = style
  if tables.count > 1 { small.titleSize = style.fontSize + 3 }
  let signed = tables.filter { $0.chart == nil && $0.matrix.kind == .signed }
  let limits = [style.maxGridSize] + panelGridLimits.filter { $0 < style.maxGridSize }
  // Cells shrink with the grids, never below a line of text and a little (labels stay whole).
  let line = measurer.ascent(size: style.fontSize) + measurer.descent(size: style.fontSize)
  for (attempt, limit) in limits.enumerated() {
    var sized = small
    sized.maxGridSize = limit
    sized.cellSize = max(
      (line + 4).rounded(.up), (style.cellSize * (1 - 0.1 * Double(attempt))).rounded())
    if attempt == 0 { sized.cellSize = style.cellSize }
    let scenes = tables.map { table -> Scene in
      var tableStyle = panelStyle(table, sized)
      // One colour scale for the signed panels side by side (or for those of one `scale` key).
      let sharing = signed.filter { $0.scale == table.scale }
      if table.chart == nil, table.matrix.kind == .signed, sharing.count > 1 {
        tableStyle.signedLimit = sharing.map { $0.matrix.matrix.maxMagnitude }.max()
      }
      if let context = table.barsContext {
        let bars = zip(table.matrix.rowLabels, table.matrix.matrix.columns(0..<1).values).map {
          ProbabilityBar(label: $0, probability: $1)
        }
        let title =
          tables.count == 1 && headed
          ? FigureTitle("\(number) · \(table.title)", subtitle: subtitle)
          : FigureTitle(table.title, subtitle: table.note)
        return nextTokenFigure(
          context: context, bars: bars, title: title, caption: [], style: tableStyle,
          measurer: measurer)
      }
      if let axes = table.chart {
        let points = table.matrix.matrix.row(0).enumerated().map { (x: Double($0), y: $1) }
        return lineChartFigure(
          points, xTitle: axes.x, yTitle: axes.y,
          title: FigureTitle(table.title, subtitle: table.note), style: tableStyle,
          measurer: measurer)
      }
      if tables.count == 1 {
        let title =
          headed
          ? FigureTitle("\(number) · \(table.title)", subtitle: subtitle)
          : FigureTitle(table.title, subtitle: table.note)
        return heatmapFigure(
          table.matrix, title: title, style: tableStyle, measurer: measurer,
          segments: table.segments, rowSegments: table.rowSegments)
      }
      // Panels side by side say the role bars' colours once, under the figure.
      return heatmapFigure(
        table.matrix, title: FigureTitle(table.title, subtitle: table.note), style: tableStyle,
        measurer: measurer, segments: table.segments, rowSegments: table.rowSegments,
        legend: false)
    }
    if tables.count == 1 {
      if fits(scenes[0]) { return scenes[0] }
      continue
    }
    // Side by side, or one under another when the panels are wide and flat (d_model columns
    // of a few tokens): whichever shows the text larger on a 16:9 slide.
    let legend = roleLegend(tables, scenes: scenes)
    let row = captioned(
      composePanels(
        scenes, title: heading, style: style, measurer: measurer, maxRowWidth: .infinity),
      legend, style: style, measurer: measurer)
    let column = captioned(
      composePanelRows(scenes.map { [$0] }, title: heading, style: style, measurer: measurer),
      legend, style: style, measurer: measurer)
    func slideScale(_ scene: Scene) -> Double {
      min(1920 / max(scene.width, 1), 1080 / max(scene.height, 1))
    }
    let candidates = [row, column].filter(fits).sorted { slideScale($0) > slideScale($1) }
    if let best = candidates.first { return best }
  }
  return nil
}

/// The one line that says what the role bars of a figure's panels are ("Bars over the columns
/// and beside the rows: the chat roles (…)"), when a panel drew some; empty otherwise.
func roleLegend(_ tables: [ExplainTable], scenes: [Scene]) -> [String] {
  func hasBars(_ scene: Scene) -> Bool {
    scene.items.contains {
      if case .rect(let r) = $0 { return r.role == "role-segment" }
      return false
    }
  }
  let drawn = zip(tables, scenes).filter { hasBars($1) }.map(\.0)
  let columns = drawn.contains { !$0.segments.isEmpty }
  let rows = drawn.contains { !$0.rowSegments.isEmpty }
  guard columns || rows else { return [] }
  let place = [columns ? "over the columns" : nil, rows ? "beside the rows" : nil]
    .compactMap { $0 }.joined(separator: " and ")
  return [ColumnSegment.legend(drawn.flatMap { $0.segments + $0.rowSegments }, where: place)]
}

/// Text size of the figures on slides, in the figure's own units: the deck scales each figure
/// so that this is at least as large as the caption.
let deckFigureFontSize = 18.0

/// A step's figures for the slide deck: no heading (the slide has it), larger text, dimension
/// columns cut as the slide's tables cut them and, when the panels would still be wider than
/// a slide, to fewer (12, then 8), so that the figure's text can be as large as the caption
/// once the figure is fitted to a 1366×768 window; panels that still do not fit go to further
/// slides. What a panel leaves out is its second line. Line charts keep every point.
func deckFigures(_ step: ExplainStep, style: FigureStyle, measurer: any TextMeasuring) -> [Scene] {
  var large = style
  large.fontSize = deckFigureFontSize
  large.titleSize = deckFigureFontSize + 2
  // Cells a little taller than the text: wider cells would only shrink the text on the slide.
  large.cellSize = 24
  large.maxLabelWidth = 170
  large.margin = 12
  large.slideAspect = nil
  // Fewer columns rather than more slides: the cut that needs the fewest slides, the widest
  // of those.
  var best: [Scene] = []
  for limit in [explainTableColumnLimit, 12, 8] {
    var cut = step
    cut.tables = step.tables.map { $0.chart == nil ? $0.firstColumns(limit) : $0 }
    let scenes = explainFigures(
      cut, subtitle: "", style: large, measurer: measurer, headed: false,
      fits: { $0.width <= deckFigureWidth && $0.height <= deckFigureHeight })
    if best.isEmpty || scenes.count < best.count { best = scenes }
    if best.count == max(1, step.parts.count) { break }
  }
  return best
}

/// The one deck figure of a step whose panels fit one slide.
func deckFigure(_ step: ExplainStep, style: FigureStyle, measurer: any TextMeasuring) -> Scene {
  deckFigures(step, style: style, measurer: measurer)[0]
}

/// The widest figure a 1366×768 slide shows with its text at 16 px, in the figure's own units
/// (text of `deckFigureFontSize`): the slide's 1286 px across, at 16 / 18 px per unit.
let deckFigureWidth = 1440.0
/// The tallest: the 768 px window less heading, caption and counter (about 250 px).
let deckFigureHeight = 580.0

/// Axis titles the heatmap cannot guess: a head's slice has labelled dimension columns, and
/// the positional encoding's rows are positions, not tokens.
func panelStyle(_ table: ExplainTable, _ style: FigureStyle) -> FigureStyle {
  var panel = style
  panel.unitScaleLabel = table.unitScaleLabel
  if let rowTitle = table.rowTitle { panel.rowAxisTitle = rowTitle }
  guard !table.columnsAreTokens else {
    if let columnTitle = table.columnTitle { panel.columnAxisTitle = columnTitle }
    return panel
  }
  panel.rowAxisTitle =
    table.rowTitle
    ?? (table.matrix.rowLabels.first?.hasPrefix("pos ") == true ? "Position" : "Token")
  panel.columnAxisTitle = table.columnTitle ?? "Dimension"
  return panel
}
