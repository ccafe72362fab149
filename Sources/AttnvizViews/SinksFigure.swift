import AttnvizRender

/// `--view sinks`: for each layer (down) and head (across) the share of attention that goes to
/// the sink tokens (the first token of a decoder, the special tokens of an encoder), with each
/// layer's mean set apart on the right. One fixed 0…1 scale, so models compare.
public func sinksFigure(
  shares: [[Double]], layerMeans: [Double], title: FigureTitle, caption: [String],
  style: FigureStyle, measurer: any TextMeasuring
) -> Scene {
  guard !shares.isEmpty, shares.allSatisfy({ !$0.isEmpty }) else {
    return emptyFigure(title: title, style: style, measurer: measurer)
  }
  var canvas = Canvas(measurer: measurer)
  let spec = ValueGridSpec(
    values: shares, extraColumn: (title: "mean", values: layerMeans),
    scale: .probabilities(style.colorMap), format: { formatFixed($0, decimals: 2) },
    panelTitle: nil)
  drawValueGrid(spec, style: style, into: &canvas)
  drawCaption(caption, style: style, into: &canvas)
  return frameFigure(body: canvas, title: title, notes: [], style: style, measurer: measurer)
}

/// Lines of explanation under everything drawn so far, left-aligned, in the soft ink.
func drawCaption(_ lines: [String], style: FigureStyle, into canvas: inout Canvas) {
  guard !lines.isEmpty, let drawn = canvas.bounds else { return }
  let ascent = canvas.measurer.ascent(size: style.fontSize)
  let descent = canvas.measurer.descent(size: style.fontSize)
  var y = drawn.maxY + 14
  for line in lines {
    y += ascent
    canvas.text(
      TextItem(
        line, at: Point(drawn.minX, y), size: style.fontSize,
        color: FigureStyle.softInk, role: "caption"))
    y += descent + 4
  }
}
