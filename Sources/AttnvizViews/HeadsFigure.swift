import AttnvizMath
import AttnvizRender
import AttnvizStyle

/// All heads of a layer side by side on one shared colour scale, wrapped into rows of at most
/// four, each panel titled. Query labels sit left of the first panel of each row and key labels
/// under the lowest panel of each column, so the panels stay close together. With grouped-query
/// attention, a bracket over each row's run of heads that share a key/value head names it;
/// `caption` lines go under the figure.
///
/// With `segments` (`--chat`), a bar over each panel's columns marks the chat roles (when each
/// column is one token), and the caption says what the colours are.
///
/// With `focus` (`--focus`, a row index), each panel outlines the focused query's strongest key
/// in that head, and the focused row's label and those keys' labels are never thinned away.
/// With `style.slideAspect` (`--preset slide`), cells grow until no label needs thinning (while
/// a panel stays within `maxGridSize`) and the panels are arranged to fill a slide of that
/// aspect.
public func headsFigure(
  _ heads: [LabeledMatrix], panelTitles: [String], title: FigureTitle,
  queryHeadsPerKeyValueHead: Int? = nil, caption: [String] = [], focus: Int? = nil,
  firstHead: Int = 0, segments: [ColumnSegment] = [], style: FigureStyle,
  measurer: any TextMeasuring
) -> Scene {
  guard let first = heads.first, first.matrix.rows > 0, first.matrix.columns > 0 else {
    return emptyFigure(title: title, style: style, measurer: measurer)
  }
  func figure(_ perRow: Int?) -> Scene {
    headsFigure(
      heads, panelTitles: panelTitles, title: title,
      queryHeadsPerKeyValueHead: queryHeadsPerKeyValueHead, caption: caption, focus: focus,
      perRow: perRow, firstHead: firstHead, segments: segments, style: style, measurer: measurer)
  }
  // On a slide, the arrangement whose whole figure, fitted to the slide, shows its text
  // largest: laid out for real for a few panel counts per row (cheap for the short texts
  // slides show; long texts keep the estimate).
  guard let aspect = style.slideAspect, heads.count > 1, first.matrix.rows <= 256 else {
    return figure(nil)
  }
  var best: (scene: Scene, scale: Double)?
  for perRow in 1...heads.count {
    let layout = PanelLayout(count: heads.count, maxPerRow: perRow)
    guard layout.columns == perRow else { continue }
    let scene = figure(perRow)
    let scale = min(aspect / scene.width, 1 / scene.height)
    if best.map({ scale > $0.scale * 1.0001 }) ?? true { best = (scene, scale) }
  }
  return best?.scene ?? figure(nil)
}

/// `headsFigure` with `perRow` panels per row (nil: `headsLayout` chooses). `firstHead`: the
/// model's index of the first panel's head, so the key/value brackets name the right group
/// when the panels are a slice of a layer's heads.
func headsFigure(
  _ heads: [LabeledMatrix], panelTitles: [String], title: FigureTitle,
  queryHeadsPerKeyValueHead: Int?, caption: [String], focus: Int?, perRow: Int?,
  firstHead: Int = 0, segments: [ColumnSegment] = [], style: FigureStyle,
  measurer: any TextMeasuring
) -> Scene {
  guard let first = heads.first else {
    return emptyFigure(title: title, style: style, measurer: measurer)
  }
  let scale = ColorScale.forMatrices(heads.map(\.matrix), kind: first.kind, style: style)
  let focus = focus.flatMap { (0..<first.matrix.rows).contains($0) ? $0 : nil }
  var (layout, panelSpan) = headsLayout(
    count: heads.count, rows: first.matrix.rows, columns: first.matrix.columns,
    labels: first.rowLabels + first.resolvedColumnLabels, style: style, measurer: measurer)
  if let perRow { layout = PanelLayout(count: heads.count, maxPerRow: perRow) }
  var cell = PanelCells(
    rows: first.matrix.rows, columns: first.matrix.columns, span: panelSpan, base: style.cellSize)
  // Each head's strongest key for the focused query (the first of equal weights).
  let strongest: [Int] =
    focus.map { q in
      heads.map { head in
        let keys = (0..<head.matrix.columns).filter { !head.isMasked(q, $0) }
        return keys.max {
          head.matrix[q, $0] < head.matrix[q, $1]
            || (head.matrix[q, $0] == head.matrix[q, $1] && $0 > $1)
        } ?? q
      }
    } ?? []
  if style.annotate {
    cell.growToHold(
      annotationCellSize(heads.map(\.matrix), scale: scale, style, measurer), span: panelSpan)
  }
  var notes: [String] = []
  if let note = cell.poolingNote { notes.append(note) }

  let annotationSize = headsAnnotationSize(heads, cell: cell, scale: scale, style, measurer)
  if style.annotate && annotationSize == nil { notes.append("values not printed: cells too small") }

  let tokenColumns = first.columnsAreTokens
  let rowPlan = planRowLabels(
    first.rowLabels.enumerated().filter { $0.offset % cell.rowFactor == 0 }.map(\.element),
    spacing: cell.height, nice: false, style: style, measurer: measurer,
    keep: Set(focus.map { [$0 / cell.rowFactor] } ?? []))
  let columnPlan = planColumnLabels(
    first.resolvedColumnLabels.enumerated().filter { $0.offset % cell.columnFactor == 0 }
      .map(\.element),
    spacing: cell.width, nice: !tokenColumns, style: style, measurer: measurer,
    keep: Set(strongest.map { $0 / cell.columnFactor }))
  // Pooled panels label the first token of every block, so the note counts tokens.
  if let note = strideNote([(rowPlan.stride * cell.rowFactor, "token")]) { notes.append(note) }
  if style.explainsSpaceMark, let note = spaceMarkNote(first.rowLabels) { notes.append(note) }

  // Role bars only over token columns, one column per token.
  let marked = tokenColumns && cell.columnFactor == 1 ? segments : []
  var canvas = Canvas(measurer: measurer)
  var grids: [GridGeometry] = []
  var top = 0.0
  let panelGap = 22.0
  let group = (queryHeadsPerKeyValueHead ?? 1) > 1 ? queryHeadsPerKeyValueHead : nil
  let lineHeight = measurer.ascent(size: style.fontSize) + measurer.descent(size: style.fontSize)
  for panelRow in 0..<layout.rows {
    if group != nil { top += lineHeight + 10 }
    let titleY = top + measurer.ascent(size: style.fontSize)
    let barRoom = marked.isEmpty ? 0 : segmentBarGap + segmentBarSize
    let gridY = (titleY + measurer.descent(size: style.fontSize) + 6 + barRoom).rounded(.up)
    for panelColumn in 0..<layout.columns {
      let index = panelRow * layout.columns + panelColumn
      guard index < heads.count else { break }
      let grid = GridGeometry(
        x: Double(panelColumn) * (cell.panelWidth + panelGap), y: gridY,
        cellWidth: cell.width, cellHeight: cell.height, rows: cell.pooledRows,
        columns: cell.pooledColumns)
      grids.append(grid)
      let head = heads[index]
      let matrix = pooled(
        head.matrix, maxRows: cell.pooledRows, maxColumns: cell.pooledColumns,
        isMasked: head.isMasked
      ).matrix
      drawCells(
        matrix, isMasked: { _, _ in false }, scale: scale, grid: grid,
        annotationSize: annotationSize, into: &canvas)
      drawSegments(
        marked, starts: (0..<grid.columns).map { grid.x + Double($0) * grid.cellWidth },
        cellSize: grid.cellWidth, placement: .over(top: grid.y), named: false, style: style,
        into: &canvas)
      if let focus, index < strongest.count {
        drawCellOutline(
          row: focus / cell.rowFactor, column: strongest[index] / cell.columnFactor, grid: grid,
          into: &canvas)
      }
      let name = index < panelTitles.count ? panelTitles[index] : "Head \(index + 1)"
      canvas.text(
        TextItem(
          shortened(
            tokenLabel(name), toWidth: cell.panelWidth, size: style.fontSize, weight: .bold,
            measurer: measurer),
          at: Point(grid.x + grid.width / 2, titleY), size: style.fontSize,
          color: FigureStyle.ink, anchor: .middle, weight: .bold, role: "panel-title"))
      if panelColumn == 0 { drawRowLabels(rowPlan, grid: grid, into: &canvas) }
      if index + layout.columns >= heads.count {
        drawColumnLabels(columnPlan, grid: grid, below: true, into: &canvas)
      }
    }
    if let group {
      drawPanelBrackets(
        row: panelRow, layout: layout, count: heads.count, group: group, grids: grids,
        lineY: top - 6, firstHead: firstHead, style: style, into: &canvas)
    }
    top = (canvas.bounds?.maxY ?? 0) + panelGap
  }

  let whole = spanning(grids)
  drawColorBar(
    scale, x: whole.maxX + 18, y: whole.y, height: whole.height,
    showsMasked: first.isCausal && first.matrix.columns > 1, style: style,
    label: first.kind == .probabilities ? style.unitScaleLabel ?? "attention weight" : nil,
    into: &canvas)
  drawAxisTitles(
    row: style.rowAxisTitle.map { AxisTitle($0) }
      ?? (tokenColumns ? AxisTitle("Query (attending token)", short: "Query") : AxisTitle("Token")),
    column: style.columnAxisTitle.map { AxisTitle($0) }
      ?? (tokenColumns
        ? AxisTitle("Key (attended-to token)", short: "Key") : AxisTitle("Dimension")),
    grid: whole, columnBelow: true, style: style, into: &canvas)
  drawCaption(
    caption + (marked.isEmpty ? [] : [ColumnSegment.legend(marked)]), style: style, into: &canvas)
  return frameFigure(body: canvas, title: title, notes: notes, style: style, measurer: measurer)
}

/// How many panels per row and how wide a panel may grow. Without a slide aspect: as near a
/// 16:9 slide as the count allows, within a 1200 × 800 room. With one: cells big enough that no
/// label is thinned (within `maxGridSize`), and the number of columns whose whole figure, fitted
/// to the slide, shows its text largest.
func headsLayout(
  count: Int, rows: Int, columns: Int, labels: [String], style: FigureStyle,
  measurer: any TextMeasuring
) -> (layout: PanelLayout, span: Double) {
  let standard = PanelLayout(slideFor: count)
  let standardSpan = min(
    style.maxGridSize, 1200 / Double(standard.columns), 800 / Double(standard.rows))
  guard let aspect = style.slideAspect else { return (standard, standardSpan) }
  let line = measurer.ascent(size: style.fontSize) + measurer.descent(size: style.fontSize)
  // A line and a little per row, and per column (key labels then stand upright at 90°, each
  // shown): slanted ones would need √2 lines and make every panel 40% larger.
  let readable = (line + 4).rounded(.up)
  let tokens = Double(max(rows, columns))
  let span = min(style.maxGridSize, max(standardSpan, readable * tokens))
  let cell = fittedCellSize(count: max(rows, columns), base: style.cellSize, maxGrid: span)
  let panel = cell * tokens
  let labelWidth = min(
    style.maxLabelWidth,
    labels.map { measurer.width(of: tokenLabel($0), size: style.fontSize, weight: .regular) }
      .max() ?? 0)
  // What surrounds the panels: row labels and axis title left, colour bar right, heading and
  // slanted key labels above and below.
  let sideWidth = labelWidth + line + 130 + 2 * style.margin
  let stackHeight = style.titleSize * 2 + style.fontSize * 2 + labelWidth * 0.75 + line + 80
  var best = (layout: standard, textScale: 0.0)
  for perRow in 1...max(1, count) {
    let layout = PanelLayout(count: count, maxPerRow: perRow)
    guard layout.columns == perRow else { continue }
    let width = sideWidth + Double(layout.columns) * (panel + 22)
    let height = stackHeight + Double(layout.rows) * (panel + line + 28)
    let textScale = min(aspect / width, 1 / height)
    if textScale > best.textScale * 1.0001 { best = (layout, textScale) }
  }
  return (best.layout, span)
}

/// A thin ink frame around a white ring on one cell (the focused query's strongest key in one
/// head, or the callout's cell), visible on bright and dark cells alike; at least `minimum`
/// px around a tiny (pooled) cell, so it shows.
func drawCellOutline(
  row: Int, column: Int, grid: GridGeometry, minimum: Double = 8, role: String = "callout-mark",
  into canvas: inout Canvas
) {
  let width = max(grid.cellWidth, minimum)
  let height = max(grid.cellHeight, minimum)
  let x = grid.x + Double(column) * grid.cellWidth - (width - grid.cellWidth) / 2
  let y = grid.y + Double(row) * grid.cellHeight - (height - grid.cellHeight) / 2
  let ring = min(2, width / 4, height / 4)
  canvas.rect(
    RectItem(
      x: x, y: y, width: width, height: height, fill: .clear, stroke: FigureStyle.ink,
      strokeWidth: ring * 2, role: role))
  canvas.rect(
    RectItem(
      x: x + ring * 1.5, y: y + ring * 1.5, width: width - ring * 3, height: height - ring * 3,
      fill: .clear, stroke: .white, strokeWidth: ring, role: role))
}

/// Brackets over the panels of one row, one per run of heads sharing a key/value head.
private func drawPanelBrackets(
  row: Int, layout: PanelLayout, count: Int, group: Int, grids: [GridGeometry], lineY: Double,
  firstHead: Int = 0, style: FigureStyle, into canvas: inout Canvas
) {
  let indices = (row * layout.columns)..<min(count, (row + 1) * layout.columns)
  let measurer = canvas.measurer
  var start = indices.lowerBound
  while start < indices.upperBound {
    // Group boundaries in the model's numbering: a slice may start inside a group.
    let g = (firstHead + start) / group
    let end = min(indices.upperBound, (g + 1) * group - firstHead)
    let x0 = grids[start].x
    let x1 = grids[end - 1].maxX
    for (from, to) in [
      (Point(x0, lineY), Point(x1, lineY)), (Point(x0, lineY), Point(x0, lineY + 4)),
      (Point(x1, lineY), Point(x1, lineY + 4)),
    ] {
      canvas.line(LineItem(from: from, to: to, color: FigureStyle.rule, width: 1, role: "kv-group"))
    }
    let name = "key/value head \(g + 1)"
    canvas.text(
      TextItem(
        shortened(name, toWidth: x1 - x0, size: style.fontSize, measurer: measurer),
        at: Point((x0 + x1) / 2, lineY - 3 - measurer.descent(size: style.fontSize)),
        size: style.fontSize, color: FigureStyle.softInk, anchor: .middle, role: "kv-group"))
    start = end
  }
}

/// Panels in rows of at most `maxPerRow`, balanced: 5 → 3 + 2, 6 → 3 + 3, 12 → 4 × 3.
struct PanelLayout {
  var columns: Int
  var rows: Int

  /// As near a 16:9 slide as the count allows: 4 heads 2×2, 6 3×2, 12 4×3, never a long strip.
  init(slideFor count: Int) {
    self.init(
      count: count, maxPerRow: max(1, Int((Double(count) * 16 / 9).squareRoot().rounded(.up))))
  }

  init(count: Int, maxPerRow: Int) {
    rows = max(1, (count + maxPerRow - 1) / maxPerRow)
    columns = max(1, (count + rows - 1) / rows)
  }
}

/// Cell size of a panel `span` px wide. Cells stay at least 2 px: longer sequences are shown
/// as block averages (`rowFactor`×`columnFactor` tokens per cell) rather than as sub-pixel cells.
struct PanelCells {
  var width: Double
  var height: Double
  var rowFactor: Int
  var columnFactor: Int
  var pooledRows: Int
  var pooledColumns: Int

  init(rows: Int, columns: Int, span: Double, base: Double, minimum: Double = 2) {
    rowFactor = max(1, Int((Double(rows) * minimum / span).rounded(.up)))
    columnFactor = max(1, Int((Double(columns) * minimum / span).rounded(.up)))
    pooledRows = (rows + rowFactor - 1) / rowFactor
    pooledColumns = (columns + columnFactor - 1) / columnFactor
    width = fittedCellSize(count: pooledColumns, base: base, maxGrid: span)
    height = fittedCellSize(count: pooledRows, base: base, maxGrid: span)
  }

  var panelWidth: Double { width * Double(pooledColumns) }

  /// Larger cells for printed values, if the panel still fits its span.
  mutating func growToHold(_ needed: (width: Double, height: Double), span: Double) {
    guard rowFactor == 1, columnFactor == 1 else { return }
    let grownWidth = max(width, needed.width.rounded(.up))
    let grownHeight = max(height, needed.height.rounded(.up))
    if grownWidth * Double(pooledColumns) <= span, grownHeight * Double(pooledRows) <= span {
      width = grownWidth
      height = grownHeight
    }
  }

  var poolingNote: String? {
    AttnvizViews.poolingNote(rowFactor: rowFactor, columnFactor: columnFactor)
  }
}

/// One grid geometry covering all panels (for the colour bar and axis titles).
func spanning(_ grids: [GridGeometry]) -> GridGeometry {
  let minX = grids.map(\.x).min() ?? 0
  let minY = grids.map(\.y).min() ?? 0
  let maxX = grids.map(\.maxX).max() ?? 0
  let maxY = grids.map(\.maxY).max() ?? 0
  return GridGeometry(
    x: minX, y: minY, cellWidth: maxX - minX, cellHeight: maxY - minY, rows: 1, columns: 1)
}

private func headsAnnotationSize(
  _ heads: [LabeledMatrix], cell: PanelCells, scale: ColorScale, _ style: FigureStyle,
  _ measurer: any TextMeasuring
) -> Double? {
  guard style.annotate, cell.rowFactor == 1, cell.columnFactor == 1 else { return nil }
  let needed = annotationCellSize(heads.map(\.matrix), scale: scale, style, measurer)
  return needed.width <= cell.width && needed.height <= cell.height
    ? annotationFontSize(style) : nil
}

/// The cell size printed values need: the widest value plus padding, a line plus padding.
func annotationCellSize(
  _ matrices: [Matrix], scale: ColorScale, _ style: FigureStyle, _ measurer: any TextMeasuring
) -> (width: Double, height: Double) {
  let size = annotationFontSize(style)
  let widest =
    matrices.map { widestAnnotation($0, scale: scale, size: size, measurer: measurer) }
    .max() ?? 0
  return (widest + 8, measurer.ascent(size: size) + measurer.descent(size: size) + 6)
}
