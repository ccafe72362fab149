import AttnvizRender

/// `--view stats`: two small multiples side by side, mean attention distance (tokens) and mean
/// row entropy (bits), each a layers × heads grid of printed values on its own 0…max scale.
public func statsFigure(
  distances: [[Double]], entropies: [[Double]], maxEntropy: Double, title: FigureTitle,
  caption: [String], style: FigureStyle, measurer: any TextMeasuring
) -> Scene {
  guard !distances.isEmpty, distances.allSatisfy({ !$0.isEmpty }) else {
    return emptyFigure(title: title, style: style, measurer: measurer)
  }
  let largestDistance = distances.flatMap { $0 }.max() ?? 1
  let panels = [
    ValueGridSpec(
      values: distances, extraColumn: nil,
      scale: measureScale(upper: largestDistance, map: style.colorMap, decimals: 1),
      format: { formatFixed($0, decimals: 1) },
      panelTitle: "Mean attention distance (tokens)"),
    ValueGridSpec(
      values: entropies, extraColumn: nil,
      scale: measureScale(upper: maxEntropy, map: style.colorMap, decimals: 1),
      format: { formatFixed($0, decimals: 2) },
      panelTitle: "Mean row entropy (bits; uniform = \(formatFixed(maxEntropy, decimals: 2)))"),
  ]
  var canvas = Canvas(measurer: measurer)
  for spec in panels {
    var panel = Canvas(measurer: measurer)
    drawValueGrid(spec, style: style, into: &panel)
    guard let box = panel.bounds else { continue }
    let x = canvas.bounds.map { $0.maxX + 40 } ?? 0
    canvas.add(panel, dx: (x - box.minX).rounded(), dy: 0)
  }
  drawCaption(caption, style: style, into: &canvas)
  return frameFigure(body: canvas, title: title, notes: [], style: style, measurer: measurer)
}

extension Canvas {
  /// Another canvas's items, moved by (dx, dy): how small multiples are placed side by side.
  mutating func add(_ other: Canvas, dx: Double, dy: Double) {
    for item in other.items { add(item.moved(dx, dy)) }
  }
}
