import AttnvizRender

/// A vertical colour bar with its top-left corner at (x, y): the scale's colours from `upper`
/// at the top to `lower` at the bottom, tick marks and labels on its right, and, when the figure
/// has masked cells, a swatch below it saying what they mean. `label` (for weights: "attention
/// weight") runs up beside the tick labels, so a slide says what the colours measure.
func drawColorBar(
  _ scale: ColorScale, x: Double, y: Double, height: Double, showsMasked: Bool,
  style: FigureStyle, label: String? = nil, into canvas: inout Canvas
) {
  let width = 14.0
  // One slice per logical pixel (at most 256, the table's resolution); each slice overlaps the
  // next by half a pixel so anti-aliased edges leave no seams.
  let slices = max(2, min(256, Int(height)))
  let sliceHeight = height / Double(slices)
  for i in 0..<slices {
    let t = 1 - (Double(i) + 0.5) / Double(slices)
    canvas.rect(
      RectItem(
        x: x, y: y + Double(i) * sliceHeight, width: width,
        height: sliceHeight + (i == slices - 1 ? 0 : 0.5),
        fill: scale.map.color(at: t), role: "colorbar"))
  }
  canvas.rect(
    RectItem(
      x: x, y: y, width: width, height: height, fill: .clear, stroke: FigureStyle.rule,
      strokeWidth: 0.75, role: "colorbar"))

  let ascent = canvas.measurer.ascent(size: style.fontSize)
  let descent = canvas.measurer.descent(size: style.fontSize)
  var tickRight = x + width + 7
  for tick in thinnedTicks(scale.ticks, height: height, lineHeight: ascent + descent) {
    tickRight = max(
      tickRight,
      x + width + 7
        + canvas.measurer.width(of: tick.label, size: style.fontSize, weight: .regular))
    let ty = y + (1 - scale.normalized(tick.value)) * height
    canvas.line(
      LineItem(
        from: Point(x + width, ty), to: Point(x + width + 4, ty), color: FigureStyle.rule,
        width: 0.75, role: "colorbar-tick"))
    canvas.text(
      TextItem(
        tick.label, at: Point(x + width + 7, ty + (ascent - descent) / 2), size: style.fontSize,
        color: FigureStyle.softInk, role: "colorbar-tick"))
  }

  if let label {
    // Read bottom to top: the glyphs stand to the left of the baseline.
    canvas.text(
      TextItem(
        label, at: Point(tickRight + 8 + ascent, y + height / 2), size: style.fontSize,
        color: FigureStyle.softInk, anchor: .middle, rotation: 90, role: "colorbar-label"))
  }

  if showsMasked {
    let top = y + height + 14
    drawMaskedCell(x: x, y: top, width: width, height: width, into: &canvas, role: "legend")
    canvas.text(
      TextItem(
        // A masked score is −∞ (its weight 0): the legend says which, as the captions do.
        scale.isSigned ? "masked (−∞)" : "masked (0)",
        at: Point(x + width + 7, top + width / 2 + (ascent - descent) / 2),
        size: style.fontSize, color: FigureStyle.softInk, role: "legend"))
  }
}

/// How a causally masked cell looks: pale grey with a diagonal stroke, so it never reads as a
/// weight of 0.
func drawMaskedCell(
  x: Double, y: Double, width: Double, height: Double, into canvas: inout Canvas,
  role: String = "cell"
) {
  canvas.rect(
    RectItem(x: x, y: y, width: width, height: height, fill: maskedFill, role: role))
  if min(width, height) >= 10 {
    let inset = min(width, height) * 0.25
    canvas.line(
      LineItem(
        from: Point(x + inset, y + height - inset), to: Point(x + width - inset, y + inset),
        color: maskedStroke, width: 1, role: role == "cell" ? "masked" : role))
  }
}

let maskedFill = RGBA(236, 236, 236)
let maskedStroke = RGBA(196, 196, 196)

/// Ticks spaced at least a line apart: all five, else the ends and the middle, else the ends.
private func thinnedTicks(
  _ ticks: [(value: Double, label: String)], height: Double, lineHeight: Double
) -> [(value: Double, label: String)] {
  guard ticks.count > 2 else { return ticks }
  let needed = lineHeight + 4
  if height / Double(ticks.count - 1) >= needed { return ticks }
  if ticks.count % 2 == 1, height / 2 >= needed {
    return [ticks[0], ticks[ticks.count / 2], ticks[ticks.count - 1]]
  }
  return [ticks[0], ticks[ticks.count - 1]]
}
