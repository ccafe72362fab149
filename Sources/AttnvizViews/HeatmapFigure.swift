import AttnvizMath
import AttnvizRender

/// One matrix as a labelled heatmap: rows (queries, or tokens) down the left, columns (keys, or
/// dimensions) along the bottom, a colour bar on the right, the title above.
///
/// Attention weights use `style.colorMap` on a fixed 0…1 scale; signed matrices (Q, K, V,
/// scores, embeddings) use `style.divergingMap` on ±max|value| so white is 0. Causally masked
/// cells are drawn pale and struck through, never as 0.
public func heatmapFigure(
  _ m: LabeledMatrix, title: FigureTitle, style: FigureStyle, measurer: any TextMeasuring
) -> Scene {
  var canvas = Canvas(measurer: measurer)
  guard m.matrix.rows > 0, m.matrix.columns > 0 else {
    return emptyFigure(title: title, style: style, measurer: measurer)
  }
  let scale = ColorScale.forMatrices([m.matrix], kind: m.kind, style: style)
  let tokenColumns = m.columnLabels != nil
  var notes: [String] = []

  var cellWidth = fittedCellSize(
    count: m.matrix.columns, base: style.cellSize, maxGrid: style.maxGridSize)
  var cellHeight = fittedCellSize(
    count: m.matrix.rows, base: style.cellSize, maxGrid: style.maxGridSize)
  var annotationSize: Double? = nil
  if style.annotate {
    let size = annotationFontSize(style)
    let needWidth = widestAnnotation(m.matrix, scale: scale, size: size, measurer: measurer) + 8
    let needHeight = measurer.ascent(size: size) + measurer.descent(size: size) + 6
    // Grow the cells to hold their values while the grid still fits a slide.
    let grownWidth = max(cellWidth, needWidth)
    let grownHeight = max(cellHeight, needHeight)
    if grownWidth * Double(m.matrix.columns) <= style.maxGridSize * 1.25,
      grownHeight * Double(m.matrix.rows) <= style.maxGridSize * 1.25
    {
      cellWidth = grownWidth.rounded(.up)
      cellHeight = grownHeight.rounded(.up)
      annotationSize = size
    } else {
      notes.append("values not printed: too many cells")
    }
  }
  let grid = GridGeometry(
    x: 0, y: 0, cellWidth: cellWidth, cellHeight: cellHeight, rows: m.matrix.rows,
    columns: m.matrix.columns)
  drawCells(
    m.matrix, isMasked: m.isMasked, scale: scale, grid: grid, annotationSize: annotationSize,
    into: &canvas)

  let rowPlan = planRowLabels(
    m.rowLabels, spacing: cellHeight, nice: false, style: style, measurer: measurer)
  let columnPlan = planColumnLabels(
    m.resolvedColumnLabels, spacing: cellWidth, nice: !tokenColumns, style: style,
    measurer: measurer)
  drawRowLabels(rowPlan, grid: grid, into: &canvas)
  drawColumnLabels(columnPlan, grid: grid, below: true, into: &canvas)
  if let note = strideNote([
    (rowPlan.stride, "token"), (columnPlan.stride, tokenColumns ? "token" : "dimension"),
  ]) {
    notes.append(note)
  }

  drawColorBar(
    scale, x: grid.maxX + 18, y: grid.y, height: grid.height,
    showsMasked: m.isCausal && m.matrix.columns > 1, style: style, into: &canvas)
  drawAxisTitles(
    row: style.rowAxisTitle.map { AxisTitle($0) }
      ?? (tokenColumns ? AxisTitle("Query (attending token)", short: "Query") : AxisTitle("Token")),
    column: style.columnAxisTitle.map { AxisTitle($0) }
      ?? (tokenColumns ? AxisTitle("Key (attended-to token)", short: "Key") : AxisTitle("Dimension")),
    grid: grid, columnBelow: true, style: style, into: &canvas)
  return frameFigure(
    body: canvas, title: title, notes: notes, style: style, measurer: measurer)
}

/// Values in cells are a step smaller than labels, never below 12 px (readable on a slide).
func annotationFontSize(_ style: FigureStyle) -> Double {
  max(12, style.fontSize - 1)
}

/// A figure with nothing to show but its title and a note (no tokens).
func emptyFigure(title: FigureTitle, style: FigureStyle, measurer: any TextMeasuring) -> Scene {
  var canvas = Canvas(measurer: measurer)
  canvas.text(
    TextItem(
      "(no tokens)", at: Point(0, measurer.ascent(size: style.fontSize)), size: style.fontSize,
      color: FigureStyle.softInk, role: "note"))
  return frameFigure(body: canvas, title: title, notes: [], style: style, measurer: measurer)
}
