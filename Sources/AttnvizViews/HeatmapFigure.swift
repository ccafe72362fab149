import AttnvizMath
import AttnvizRender

/// One matrix as a labelled heatmap: rows (queries, or tokens) down the left, columns (keys, or
/// dimensions) along the bottom, a colour bar on the right, the title above.
///
/// Attention weights use `style.colorMap` on a fixed 0…1 scale; signed matrices (Q, K, V,
/// scores, embeddings) use `style.divergingMap` on ±max|value| so the neutral centre is 0.
/// Causally masked cells are drawn pale and struck through, never as 0. With `mark` (`--focus`),
/// the focused query's strongest key is outlined and the callout written beside it.
///
/// `segments` (`--chat`) marks the chat roles with bars over the columns when they are tokens;
/// `rowSegments` beside the rows, between their labels and the cells, when the rows are the
/// tokens and the columns are not (a token × dimension matrix). A pooled axis gets no bars.
/// The caption says what the bars' colours are, unless `legend` is false (a panel of a figure
/// that says it once).
public func heatmapFigure(
  _ m: LabeledMatrix, title: FigureTitle, style: FigureStyle, measurer: any TextMeasuring,
  mark: CalloutMark? = nil, segments: [ColumnSegment] = [], rowSegments: [ColumnSegment] = [],
  legend: Bool = true
) -> Scene {
  guard m.matrix.rows > 0, m.matrix.columns > 0 else {
    return emptyFigure(title: title, style: style, measurer: measurer)
  }
  let tokenColumns = m.columnsAreTokens
  let spec = HeatmapSpec(
    matrix: m.matrix, isMasked: m.isMasked, isCausal: m.isCausal,
    scale: ColorScale.forMatrices([m.matrix], kind: m.kind, style: style),
    rowLabels: m.rowLabels, columnLabels: m.resolvedColumnLabels,
    rowAxis: AxisSpec(
      title: style.rowAxisTitle.map { AxisTitle($0) }
        ?? (tokenColumns
          ? AxisTitle("Query (attending token)", short: "Query") : AxisTitle("Token")),
      noun: "token", numbered: false),
    columnAxis: AxisSpec(
      title: style.columnAxisTitle.map { AxisTitle($0) }
        ?? (tokenColumns
          ? AxisTitle("Key (attended-to token)", short: "Key") : AxisTitle("Dimension")),
      noun: tokenColumns ? "token" : "dimension", numbered: !tokenColumns),
    squareCells: false, mark: mark,
    colorBarLabel: m.kind == .probabilities ? style.unitScaleLabel ?? "attention weight" : nil,
    rowSegments: rowSegments)
  var (canvas, notes) = drawHeatmap(spec, style: style, measurer: measurer)
  let rowBars = canvas.items.contains {
    if case .rect(let r) = $0 { return r.role == "role-segment" }
    return false
  }
  if rowBars && legend {
    drawCaption(
      [ColumnSegment.legend(rowSegments, where: "beside the rows")], style: style, into: &canvas)
  }
  if !segments.isEmpty {
    let cells = canvas.items.compactMap { item -> RectItem? in
      if case .rect(let r) = item, r.role == "cell" { return r }
      return nil
    }
    drawSegments(segments, over: cells, columns: m.matrix.columns, style: style, into: &canvas)
    if legend { drawCaption([ColumnSegment.legend(segments)], style: style, into: &canvas) }
  }
  return frameFigure(body: canvas, title: title, notes: notes, style: style, measurer: measurer)
}

/// The sinusoidal positional encoding as a heatmap: positions down, encoding dimensions across,
/// on a fixed −1…1 diverging scale (sine and cosine never leave it), numbered every k-th.
public func positionalEncodingFigure(
  _ pe: Matrix, title: FigureTitle, style: FigureStyle, measurer: any TextMeasuring
) -> Scene {
  guard pe.rows > 0, pe.columns > 0 else {
    return emptyFigure(title: title, style: style, measurer: measurer)
  }
  let spec = HeatmapSpec(
    matrix: pe, isMasked: { _, _ in false }, isCausal: false,
    scale: .symmetric(limit: 1, map: style.divergingMap),
    rowLabels: (0..<pe.rows).map(String.init), columnLabels: (0..<pe.columns).map(String.init),
    rowAxis: AxisSpec(
      title: AxisTitle(style.rowAxisTitle ?? "Position"), noun: "position", numbered: true),
    columnAxis: AxisSpec(
      title: AxisTitle(style.columnAxisTitle ?? "Encoding dimension", short: "Dimension"),
      noun: "dimension", numbered: true),
    squareCells: true)
  let (canvas, notes) = drawHeatmap(spec, style: style, measurer: measurer)
  return frameFigure(body: canvas, title: title, notes: notes, style: style, measurer: measurer)
}

/// What one axis of a heatmap shows.
struct AxisSpec {
  var title: AxisTitle
  /// What a label names, for "labels: every 5th token".
  var noun: String
  /// Numbered axes (positions, dimensions) thin out in steps of 1, 2, 5, 10… without a note.
  var numbered: Bool
}

struct HeatmapSpec {
  var matrix: Matrix
  var isMasked: (Int, Int) -> Bool
  var isCausal: Bool
  var scale: ColorScale
  var rowLabels: [String]
  var columnLabels: [String]
  var rowAxis: AxisSpec
  var columnAxis: AxisSpec
  var squareCells: Bool
  var mark: CalloutMark? = nil
  /// What the colour bar measures, beside it (nil: nothing).
  var colorBarLabel: String? = nil
  /// Role bars beside the rows (tokens), between their labels and the cells.
  var rowSegments: [ColumnSegment] = []
}

/// Once per figure where a label shows the space mark of byte-level and SentencePiece tokens
/// ("·animal"): what it means.
public func spaceMarkNote(_ labels: [String]) -> String? {
  labels.contains { $0.count > 1 && $0.hasPrefix("·") }
    ? "a leading “·” marks a token that starts with a space" : nil
}

/// A single heatmap with its labels, colour bar and axis titles, in free coordinates; returns
/// the notes the subtitle should carry.
func drawHeatmap(
  _ spec: HeatmapSpec, style: FigureStyle, measurer: any TextMeasuring
) -> (Canvas, [String]) {
  var canvas = Canvas(measurer: measurer)
  var notes: [String] = []
  // Cells stay at least 1 px (2 device pixels): a longer sequence is drawn as blocks of
  // tokens, each showing its largest weight, so a 4,096-token figure has ~670,000 cells, not
  // 16 million.
  let cells = PanelCells(
    rows: spec.matrix.rows, columns: spec.matrix.columns, span: style.maxGridSize,
    base: style.cellSize, minimum: 1)
  let pooling = pooled(
    spec.matrix, maxRows: cells.pooledRows, maxColumns: cells.pooledColumns,
    isMasked: spec.isMasked, signed: spec.scale.isSigned)
  let isPooled = pooling.rowFactor > 1 || pooling.columnFactor > 1
  if let note = poolingNote(
    rowFactor: pooling.rowFactor, columnFactor: pooling.columnFactor,
    signed: spec.scale.isSigned, rowNoun: spec.rowAxis.noun, columnNoun: spec.columnAxis.noun)
  {
    notes.append(note)
  }
  let m = isPooled ? pooling.matrix : spec.matrix
  let isMasked: (Int, Int) -> Bool = isPooled ? { _, _ in false } : spec.isMasked
  let rowLabels = spec.rowLabels.enumerated().filter { $0.offset % pooling.rowFactor == 0 }
    .map(\.element)
  let columnLabels = spec.columnLabels.enumerated()
    .filter { $0.offset % pooling.columnFactor == 0 }.map(\.element)
  var cellWidth = fittedCellSize(count: m.columns, base: style.cellSize, maxGrid: style.maxGridSize)
  var cellHeight = fittedCellSize(count: m.rows, base: style.cellSize, maxGrid: style.maxGridSize)
  if spec.squareCells {
    cellWidth = min(cellWidth, cellHeight)
    cellHeight = cellWidth
  }
  var annotationSize: Double? = nil
  if style.annotate {
    let size = annotationFontSize(style)
    let needWidth = widestAnnotation(m, scale: spec.scale, size: size, measurer: measurer) + 8
    let needHeight = measurer.ascent(size: size) + measurer.descent(size: size) + 6
    // Grow the cells to hold their values while the grid still fits a slide.
    let grownWidth = max(cellWidth, needWidth).rounded(.up)
    let grownHeight = max(cellHeight, needHeight).rounded(.up)
    if grownWidth * Double(m.columns) <= style.maxGridSize * 1.25,
      grownHeight * Double(m.rows) <= style.maxGridSize * 1.25
    {
      cellWidth = grownWidth
      cellHeight = grownHeight
      annotationSize = size
    } else {
      notes.append("values not printed: too many cells")
    }
  }
  let grid = GridGeometry(
    x: 0, y: 0, cellWidth: cellWidth, cellHeight: cellHeight, rows: m.rows, columns: m.columns)
  drawCells(
    m, isMasked: isMasked, scale: spec.scale, grid: grid, annotationSize: annotationSize,
    into: &canvas)

  // The marked query and its strongest key keep their labels however the axes thin out.
  let rowPlan = planRowLabels(
    rowLabels, spacing: cellHeight, nice: spec.rowAxis.numbered, style: style,
    measurer: measurer, keep: Set(spec.mark.map { [$0.query / pooling.rowFactor] } ?? []))
  let columnPlan = planColumnLabels(
    columnLabels, spacing: cellWidth, nice: spec.columnAxis.numbered, style: style,
    measurer: measurer, keep: Set(spec.mark.map { [$0.key / pooling.columnFactor] } ?? []))
  // Role bars beside the rows push their labels left; a pooled grid has no token rows to mark.
  let barRows = pooling.rowFactor == 1 ? spec.rowSegments : []
  let shownBars = barRows.filter { $0.columns.upperBound < m.rows }
  if !shownBars.isEmpty {
    drawSegments(
      shownBars, starts: (0..<m.rows).map { grid.y + Double($0) * cellHeight },
      cellSize: cellHeight, placement: .beside(x: grid.x - segmentBarGap - segmentBarSize),
      style: style, into: &canvas)
  }
  drawRowLabels(
    rowPlan, grid: grid, inset: shownBars.isEmpty ? 0 : segmentBarSize + segmentBarGap,
    into: &canvas)
  drawColumnLabels(columnPlan, grid: grid, below: true, into: &canvas)
  var strides: [(stride: Int, noun: String)] = []
  if !spec.rowAxis.numbered {
    strides.append((rowPlan.stride * pooling.rowFactor, spec.rowAxis.noun))
  }
  if !spec.columnAxis.numbered {
    strides.append((columnPlan.stride * pooling.columnFactor, spec.columnAxis.noun))
  }
  if let note = strideNote(strides) { notes.append(note) }

  drawColorBar(
    spec.scale, x: grid.maxX + 18, y: grid.y, height: grid.height,
    showsMasked: spec.isCausal && m.columns > 1, style: style, label: spec.colorBarLabel,
    into: &canvas)
  if style.explainsSpaceMark, let note = spaceMarkNote(spec.rowLabels + spec.columnLabels) {
    notes.append(note)
  }
  drawAxisTitles(
    row: spec.rowAxis.title, column: spec.columnAxis.title, grid: grid, columnBelow: true,
    style: style, into: &canvas)
  if let mark = spec.mark, (0..<spec.matrix.rows).contains(mark.query),
    (0..<spec.matrix.columns).contains(mark.key)
  {
    // In a pooled grid, the block that holds the cell.
    drawCalloutMark(
      mark, row: mark.query / pooling.rowFactor, column: mark.key / pooling.columnFactor,
      grid: grid, style: style, into: &canvas)
  }
  return (canvas, notes)
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
