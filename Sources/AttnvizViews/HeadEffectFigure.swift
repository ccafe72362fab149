import AttnvizRender

/// `--view credit` and `--view ablation`: a layers × heads map of signed numbers (each head's
/// direct effect on the predicted token's logit, or the change in its log-probability when the
/// head is ablated) on a scale symmetric about 0, so white means "no effect"; the heads named in
/// the caption outlined; an optional extra column set apart (a per-layer term such as the
/// feed-forward's share). The scale fits the heads; a larger extra value takes the end colour.
/// With `signed` false the values are sizes (0 up, the sequential map).
public func headEffectFigure(
  values: [[Double]], extraColumn: (title: String, values: [Double])?, outlined: [(Int, Int)],
  signed: Bool = true, title: FigureTitle, caption: [String], style: FigureStyle,
  measurer: any TextMeasuring
) -> Scene {
  guard !values.isEmpty, values.allSatisfy({ !$0.isEmpty }) else {
    return emptyFigure(title: title, style: style, measurer: measurer)
  }
  var canvas = Canvas(measurer: measurer)
  let limit = values.joined().filter(\.isFinite).reduce(0) { max($0, abs($1)) }
  let spec = ValueGridSpec(
    values: values, extraColumn: extraColumn,
    scale: signed
      ? .symmetric(limit: limit, map: style.divergingMap)
      : measureScale(upper: limit, map: style.colorMap, decimals: 2),
    format: { signed ? formatSigned($0, decimals: 2) : formatFixed($0, decimals: 2) },
    panelTitle: nil)
  let grid = drawValueGrid(spec, style: style, into: &canvas)
  // Ink around a white ring, as the heatmaps' callouts: visible on the darkest cell too.
  for (layer, head) in outlined
  where values.indices.contains(layer) && values[layer].indices.contains(head) {
    drawCellOutline(row: layer, column: head, grid: grid, role: "outline", into: &canvas)
  }
  drawCaption(caption, style: style, into: &canvas)
  return frameFigure(body: canvas, title: title, notes: [], style: style, measurer: measurer)
}
