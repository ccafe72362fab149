import AttnvizRender
import Foundation

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

/// One series as a small figure of its own (a panel of explain's rotation step): ticks chosen
/// from the data, the x axis in whole numbers. The y axis includes 0 unless `fromZero` is
/// false, so a change of 2% is not drawn as a cliff.
public func lineChartFigure(
  _ points: [(x: Double, y: Double)], xTitle: String, yTitle: String, title: FigureTitle,
  style: FigureStyle, measurer: any TextMeasuring, width: Double = 420, height: Double = 240,
  fromZero: Bool = true
) -> Scene {
  guard let first = points.first, let last = points.last else {
    return emptyFigure(title: title, style: style, measurer: measurer)
  }
  // A single point still gets an axis one unit long.
  let end = max(last.x, first.x + 1)
  let xStep = niceStep((end - first.x) / 8)
  let xTicks = Swift.stride(
    from: (first.x / xStep).rounded(.down) * xStep, through: end + xStep * 0.999, by: xStep
  ).map { $0 }
  let ys = points.map(\.y)
  var low = ys.min() ?? 0
  var high = ys.max() ?? 1
  if fromZero {
    low = min(low, 0)
    high = max(high, 0)
  }
  if high - low < 1e-9 * max(1, abs(high)) {
    low -= 1
    high += 1
  }
  // Tick labels have two decimals, so steps stay at 0.01 or more.
  let yStep = max(0.01, niceFractionStep((high - low) / 4))
  let yTicks = Swift.stride(
    from: (low / yStep).rounded(.down) * yStep, through: high + yStep * 0.999, by: yStep
  ).map { $0 }
  var canvas = Canvas(measurer: measurer)
  drawLineChart(
    LineChartSpec(
      points: points, xTicks: xTicks, yTicks: yTicks, xTitle: xTitle, yTitle: yTitle,
      width: width, height: height),
    style: style, into: &canvas)
  return frameFigure(body: canvas, title: title, notes: [], style: style, measurer: measurer)
}

/// 1, 2 or 5 times a power of ten (any power, also below 1), at least `raw`.
func niceFractionStep(_ raw: Double) -> Double {
  guard raw > 0, raw.isFinite else { return 1 }
  let power = pow(10, (log10(raw)).rounded(.down))
  for factor in [1.0, 2, 5, 10] where factor * power >= raw * (1 - 1e-12) {
    return factor * power
  }
  return 10 * power
}
