import AttnvizRender

/// A layers × heads grid of numbers, each cell coloured by `scale` and printing its value, with
/// an optional extra column (such as the layer mean) set apart by a gap: the body of the sinks
/// and stats views.
struct ValueGridSpec {
  /// `values[layer][head]`.
  var values: [[Double]]
  var extraColumn: (title: String, values: [Double])?
  var scale: ColorScale
  var format: (Double) -> String
  /// Bold title over the panel (for small multiples), or nil.
  var panelTitle: String?
}

/// Draws the grid with "Layer n" row labels, head numbers over the columns under a "Head"
/// axis title, the panel title above that, and the colour bar on the right, in free
/// coordinates. Returns the grid's geometry (without the extra column).
@discardableResult
func drawValueGrid(_ spec: ValueGridSpec, style: FigureStyle, into canvas: inout Canvas)
  -> GridGeometry
{
  let measurer = canvas.measurer
  let size = annotationFontSize(style)
  let ascent = measurer.ascent(size: style.fontSize)
  let descent = measurer.descent(size: style.fontSize)
  let all = spec.values.flatMap { $0 } + (spec.extraColumn?.values ?? [])
  let widest = all.map { measurer.width(of: spec.format($0), size: size, weight: .regular) }.max()
  let headCount = spec.values.map(\.count).max() ?? 0
  let cellWidth = max(36, ((widest ?? 0) + 10).rounded(.up))
  let cellHeight = (measurer.ascent(size: size) + measurer.descent(size: size) + 10).rounded(.up)
  // Head numbers and axis title, then the panel title, sit above the grid.
  var top = 0.0
  if spec.panelTitle != nil { top += ascent + descent + 6 }
  top += (ascent + descent + 4) * 2
  let grid = GridGeometry(
    x: 0, y: top.rounded(.up), cellWidth: cellWidth, cellHeight: cellHeight,
    rows: spec.values.count, columns: headCount)
  for (l, row) in spec.values.enumerated() {
    for (h, value) in row.enumerated() {
      drawValueCell(
        value, x: grid.x + Double(h) * cellWidth, y: grid.y + Double(l) * cellHeight,
        grid: grid, spec: spec, size: size, into: &canvas)
    }
  }
  var rightEdge = grid.maxX
  if let extra = spec.extraColumn {
    let x = grid.maxX + 10
    for (l, value) in extra.values.enumerated() {
      drawValueCell(
        value, x: x, y: grid.y + Double(l) * cellHeight, grid: grid, spec: spec, size: size,
        into: &canvas)
    }
    canvas.text(
      TextItem(
        extra.title, at: Point(x + cellWidth / 2, grid.y - 4 - descent), size: style.fontSize,
        color: FigureStyle.ink, anchor: .middle, weight: .bold, role: "column-label"))
    rightEdge = x + cellWidth
  }
  for h in 0..<headCount {
    canvas.text(
      TextItem(
        "\(h + 1)", at: Point(grid.centerX(h), grid.y - 4 - descent), size: style.fontSize,
        color: FigureStyle.ink, anchor: .middle, role: "column-label"))
  }
  let headTitleY = grid.y - 4 - descent - ascent - descent - 4
  canvas.text(
    TextItem(
      "Head", at: Point(grid.x + grid.width / 2, headTitleY), size: style.fontSize,
      color: FigureStyle.ink, anchor: .middle, weight: .bold, role: "axis-title"))
  for l in 0..<spec.values.count {
    canvas.text(
      TextItem(
        "Layer \(l + 1)", at: Point(grid.x - 8, grid.centerY(l) + (ascent - descent) / 2),
        size: style.fontSize, color: FigureStyle.ink, anchor: .end, role: "row-label"))
  }
  if let panelTitle = spec.panelTitle {
    canvas.text(
      TextItem(
        panelTitle, at: Point(grid.x, headTitleY - descent - ascent - 6), size: style.fontSize,
        color: FigureStyle.ink, weight: .bold, role: "panel-title"))
  }
  drawColorBar(
    spec.scale, x: rightEdge + 18, y: grid.y, height: max(grid.height, 120),
    showsMasked: false, style: style, into: &canvas)
  return grid
}

private func drawValueCell(
  _ value: Double, x: Double, y: Double, grid: GridGeometry, spec: ValueGridSpec, size: Double,
  into canvas: inout Canvas
) {
  let fill = spec.scale.color(value)
  canvas.rect(
    RectItem(x: x, y: y, width: grid.cellWidth, height: grid.cellHeight, fill: fill, role: "cell"))
  let ascent = canvas.measurer.ascent(size: size)
  let descent = canvas.measurer.descent(size: size)
  canvas.text(
    TextItem(
      spec.format(value),
      at: Point(x + grid.cellWidth / 2, y + grid.cellHeight / 2 + (ascent - descent) / 2),
      size: size, color: textColor(on: fill), anchor: .middle, role: "annotation"))
}

/// A 0…`upper` scale for non-negative measures (distances, entropies), ticks at 0, ½ and the
/// top, printed with `decimals`.
func measureScale(upper rawUpper: Double, map: ColorMap, decimals: Int) -> ColorScale {
  let upper = rawUpper.isFinite && rawUpper > 0 ? rawUpper : 1
  let ticks = [0, upper / 2, upper].map { ($0, trimmedZeros(formatFixed($0, decimals: decimals))) }
  return ColorScale(map: map, lower: 0, upper: upper, ticks: ticks, isSigned: false)
}
