import AttnvizAnalysis
import AttnvizMath
import AttnvizRender

/// `attnviz pe --rope`, first figure: the rotation angle m·θ_i of each dimension pair i (across)
/// at each position m (down), wrapped to (−π, π] so the fast pairs on the left show as stripes
/// and the slow pairs on the right barely turn.
public func rotaryAnglesFigure(
  _ rope: RotaryEmbedding, positions: Int, title: FigureTitle, style: FigureStyle,
  measurer: any TextMeasuring
) -> Scene {
  guard positions > 0, rope.pairs > 0 else {
    return emptyFigure(title: title, style: style, measurer: measurer)
  }
  var angles = Matrix(rows: positions, columns: rope.pairs)
  for m in 0..<positions {
    for i in 0..<rope.pairs { angles[m, i] = rope.wrappedAngle(position: m, pair: i) }
  }
  let spec = HeatmapSpec(
    matrix: angles, isMasked: { _, _ in false }, isCausal: false,
    scale: .symmetric(limit: Double.pi, map: style.divergingMap),
    rowLabels: (0..<positions).map(String.init), columnLabels: (0..<rope.pairs).map(String.init),
    rowAxis: AxisSpec(title: AxisTitle("Position m"), noun: "position", numbered: true),
    columnAxis: AxisSpec(
      title: AxisTitle("Dimension pair i (angle in radians)", short: "Pair i"),
      noun: "pair", numbered: true),
    squareCells: false)
  let (canvas, notes) = drawHeatmap(spec, style: style, measurer: measurer)
  return frameFigure(body: canvas, title: title, notes: notes, style: style, measurer: measurer)
}

/// Second figure: q·k after rotation for a query and key whose pairs all point the same way,
/// against their distance m − n, divided by its value at distance 0. Only the distance matters
/// (RoPE's relative position); the product falls off with ripples as distance grows.
public func rotaryDotProductFigure(
  _ rope: RotaryEmbedding, maxDistance: Int, title: FigureTitle, caption: [String],
  style: FigureStyle, measurer: any TextMeasuring
) -> Scene {
  guard maxDistance > 0, rope.pairs > 0 else {
    return emptyFigure(title: title, style: style, measurer: measurer)
  }
  let points = (0...maxDistance).map { (x: Double($0), y: rope.normalizedDotProduct(distance: $0)) }
  let step = niceStep(Double(maxDistance) / 8)
  let end = (Double(maxDistance) / step).rounded(.up) * step
  let xTicks = Swift.stride(from: 0.0, through: end, by: step).map { $0 }
  let lowest = points.map(\.y).min() ?? 0
  let bottom = lowest < 0 ? -((-lowest * 4).rounded(.up) / 4) : 0
  let yTicks = Swift.stride(from: bottom, through: 1.0001, by: 0.25).map { $0 }
  var canvas = Canvas(measurer: measurer)
  drawLineChart(
    LineChartSpec(
      points: points, xTicks: xTicks,
      yTicks: yTicks, xTitle: "Distance m − n (tokens)",
      yTitle: "q·k / (q·k at distance 0)"),
    style: style, into: &canvas)
  drawCaption(caption, style: style, into: &canvas)
  return frameFigure(body: canvas, title: title, notes: [], style: style, measurer: measurer)
}

/// 1, 2 or 5 times a power of ten, at least `raw`.
func niceStep(_ raw: Double) -> Double {
  guard raw > 0, raw.isFinite else { return 1 }
  var power = 1.0
  while power * 10 <= raw { power *= 10 }
  while power > raw { power /= 10 }
  for factor in [1.0, 2, 5, 10] where factor * power >= raw { return max(1, factor * power) }
  return max(1, 10 * power)
}
