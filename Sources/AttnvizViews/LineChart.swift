import AttnvizRender

/// A plain line chart: one series of (x, y) points in a framed plot area with ticks, grid
/// lines at the y ticks, and axis titles. Used for RoPE's dot product against distance.
struct LineChartSpec {
  var points: [(x: Double, y: Double)]
  var xTicks: [Double]
  var yTicks: [Double]
  var xTitle: String
  var yTitle: String
  var width = 720.0
  var height = 340.0
}

func drawLineChart(_ spec: LineChartSpec, style: FigureStyle, into canvas: inout Canvas) {
  guard let xMin = spec.xTicks.first, let xMax = spec.xTicks.last, xMax > xMin,
    let yMin = spec.yTicks.first, let yMax = spec.yTicks.last, yMax > yMin
  else { return }
  let measurer = canvas.measurer
  let size = style.fontSize
  let ascent = measurer.ascent(size: size)
  let descent = measurer.descent(size: size)
  func px(_ x: Double) -> Double { (x - xMin) / (xMax - xMin) * spec.width }
  func py(_ y: Double) -> Double { (1 - (y - yMin) / (yMax - yMin)) * spec.height }
  for y in spec.yTicks {
    let ty = py(y)
    canvas.line(
      LineItem(
        from: Point(0, ty), to: Point(spec.width, ty),
        color: y == 0 ? FigureStyle.rule : RGBA(225, 225, 225), width: y == 0 ? 1 : 0.75,
        role: "grid"))
    canvas.text(
      TextItem(
        trimmedZeros(formatSigned(y, decimals: 2)), at: Point(-6, ty + (ascent - descent) / 2),
        size: size, color: FigureStyle.softInk, anchor: .end, role: "tick-label"))
  }
  for x in spec.xTicks {
    canvas.line(
      LineItem(
        from: Point(px(x), spec.height), to: Point(px(x), spec.height + 4),
        color: FigureStyle.rule, width: 0.75, role: "tick"))
    canvas.text(
      TextItem(
        trimmedZeros(formatFixed(x, decimals: 0)),
        at: Point(px(x), spec.height + 6 + ascent), size: size, color: FigureStyle.softInk,
        anchor: .middle, role: "tick-label"))
  }
  canvas.rect(
    RectItem(
      x: 0, y: 0, width: spec.width, height: spec.height, fill: .clear, stroke: FigureStyle.rule,
      strokeWidth: 0.75, role: "plot-frame"))
  let color = style.colorMap.color(at: 0.3)
  for (a, b) in zip(spec.points, spec.points.dropFirst()) {
    canvas.line(
      LineItem(
        from: Point(px(a.x), py(a.y)), to: Point(px(b.x), py(b.y)), color: color, width: 2,
        role: "series"))
  }
  let grid = GridGeometry(
    x: 0, y: 0, cellWidth: spec.width, cellHeight: spec.height, rows: 1, columns: 1)
  drawAxisTitles(
    row: AxisTitle(spec.yTitle), column: AxisTitle(spec.xTitle), grid: grid, columnBelow: true,
    style: style, into: &canvas)
}
