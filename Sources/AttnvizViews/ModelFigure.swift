import AttnvizMath
import AttnvizRender

/// The whole model on one slide: a thumbnail per head, layers down and heads across, on one
/// shared 0…1 scale, like BertViz's model view. Thumbnails carry no token labels; sequences too
/// long for a pixel per token are shown as block averages (said in the subtitle).
public func modelFigure(
  _ layers: [[Matrix]], tokens: [String], causal: Bool = false, title: FigureTitle,
  style: FigureStyle, measurer: any TextMeasuring
) -> Scene {
  let headCount = layers.map(\.count).max() ?? 0
  guard headCount > 0, !tokens.isEmpty,
    layers.allSatisfy({ $0.allSatisfy { $0.rows == tokens.count && $0.columns == tokens.count } })
  else {
    return emptyFigure(title: title, style: style, measurer: measurer)
  }
  let gap = 8.0
  let labelSize = style.fontSize
  let lineHeight = measurer.ascent(size: labelSize) + measurer.descent(size: labelSize)
  // Thumbnails up to 110 px, smaller so the grid fits a 16:9 slide (~1600 × 1000 px).
  let span = max(
    lineHeight + 4,
    min(110, 1600 / Double(headCount) - gap, 1000 / Double(layers.count) - gap))
  let cell = PanelCells(rows: tokens.count, columns: tokens.count, span: span, base: span)
  let scale = ColorScale.probabilities(style.colorMap)
  var notes: [String] = []
  if let note = cell.poolingNote { notes.append(note) }

  var canvas = Canvas(measurer: measurer)
  var grids: [GridGeometry] = []
  let step = cell.panelWidth + gap
  let isMasked: (Int, Int) -> Bool = { row, column in causal && column > row }
  for (l, heads) in layers.enumerated() {
    for (h, weights) in heads.enumerated() {
      let grid = GridGeometry(
        x: Double(h) * step, y: Double(l) * step, cellWidth: cell.width, cellHeight: cell.height,
        rows: cell.pooledRows, columns: cell.pooledColumns)
      grids.append(grid)
      let shown = pooled(
        weights, maxRows: cell.pooledRows, maxColumns: cell.pooledColumns, isMasked: isMasked)
      drawCells(
        shown.matrix, isMasked: { _, _ in false }, scale: scale, grid: grid,
        annotationSize: nil, into: &canvas)
    }
  }
  drawModelLabels(
    layers: layers.count, heads: headCount, step: step, cell: cell, style: style, into: &canvas)

  let whole = spanning(grids)
  drawColorBar(
    scale, x: whole.maxX + 18, y: whole.y, height: whole.height, showsMasked: causal,
    style: style, into: &canvas)
  return frameFigure(body: canvas, title: title, notes: notes, style: style, measurer: measurer)
}

/// "Layer 1…" left of each row and "Head 1…" over each column; when a column is too narrow for
/// "Head 12", just the number, with "Head" as the axis title.
private func drawModelLabels(
  layers: Int, heads: Int, step: Double, cell: PanelCells, style: FigureStyle,
  into canvas: inout Canvas
) {
  let measurer = canvas.measurer
  let size = style.fontSize
  let ascent = measurer.ascent(size: size)
  let descent = measurer.descent(size: size)
  let longest = "Head \(heads)"
  let spelledOut = measurer.width(of: longest, size: size, weight: .regular) + 6 <= step
  for h in 0..<heads {
    canvas.text(
      TextItem(
        spelledOut ? "Head \(h + 1)" : "\(h + 1)",
        at: Point(Double(h) * step + cell.panelWidth / 2, -labelGap - descent), size: size,
        color: FigureStyle.ink, anchor: .middle, role: "column-label"))
  }
  if !spelledOut {
    canvas.text(
      TextItem(
        "Head",
        at: Point((Double(heads) * step - 8) / 2, -labelGap - descent - ascent - descent - 6),
        size: size, color: FigureStyle.ink, anchor: .middle, weight: .bold, role: "axis-title"))
  }
  for l in 0..<layers {
    canvas.text(
      TextItem(
        "Layer \(l + 1)",
        at: Point(-labelGap - 2, Double(l) * step + cell.panelWidth / 2 + (ascent - descent) / 2),
        size: size, color: FigureStyle.ink, anchor: .end, role: "row-label"))
  }
}
