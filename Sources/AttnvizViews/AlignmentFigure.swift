import AttnvizMath
import AttnvizRender
import AttnvizStyle

/// The alignment a translator draws (Bahdanau et al. 2015, Figure 3 of "Attention Is All You
/// Need" in its lecture form): the source sentence along the top, the translation along the
/// bottom, and a line from each generated token up to each source token it read, wider and more
/// opaque the larger its cross-attention weight. `weights` is (target, source); weights below
/// 0.05 get no line. For each target token, the line to its strongest source token is drawn in
/// the accent colour, the others in grey, so "gato ← cat" and the crossing "preto ← black" read
/// at a glance.
public func alignmentFigure(
  source: [String], target: [String], weights: Matrix, sourceTitle: String,
  targetTitle: String, title: FigureTitle, style: FigureStyle, measurer: any TextMeasuring
) -> Scene {
  guard !source.isEmpty, !target.isEmpty, weights.rows == target.count,
    weights.columns == source.count
  else {
    return emptyFigure(title: title, style: style, measurer: measurer)
  }
  let size = style.fontSize
  let ascent = measurer.ascent(size: size)
  let descent = measurer.descent(size: size)
  func labels(_ tokens: [String]) -> [String] {
    tokens.map {
      shortened(tokenLabel($0), toWidth: style.maxLabelWidth, size: size, measurer: measurer)
    }
  }
  let (top, bottom) = (labels(source), labels(target))
  // Token slots side by side: each as wide as its label plus a gap, at least 28 px so a line
  // lands on a one-letter token without touching its neighbour.
  func centres(_ shown: [String]) -> (centres: [Double], width: Double) {
    var x = 0.0
    var out: [Double] = []
    for label in shown {
      let slot = max(28, measurer.width(of: label, size: size, weight: .regular) + 14)
      out.append(x + slot / 2)
      x += slot
    }
    return (out, x)
  }
  let (sourceX, sourceWidth) = centres(top)
  let (targetX, targetWidth) = centres(bottom)
  let width = max(sourceWidth, targetWidth)
  let sourceShift = (width - sourceWidth) / 2
  let targetShift = (width - targetWidth) / 2
  let titleWidth =
    [sourceTitle, targetTitle].map {
      measurer.width(of: $0, size: size, weight: .bold)
    }.max() ?? 0
  let left = titleWidth + 24
  // The band the lines cross: tall enough that a line to a token ten places away is not flat.
  let band = min(360, max(180, width * 0.18)).rounded()
  let sourceBaseline = ascent
  let lineTop = sourceBaseline + descent + 6
  let lineBottom = lineTop + band
  let targetBaseline = lineBottom + 6 + ascent

  var canvas = Canvas(measurer: measurer)
  struct Link {
    var weight: Double
    var target: Int
    var source: Int
    var strongest: Bool
  }
  var links: [Link] = []
  for t in 0..<weights.rows {
    let row = Array(weights.row(t))
    let best = row.indices.max { row[$0] < row[$1] || (row[$0] == row[$1] && $0 > $1) } ?? 0
    // Grey lines from 0.05: below that they are a haze between the rows.
    for s in 0..<weights.columns
    where row[s].isFinite && (row[s] >= 0.05 || (s == best && row[s] >= minimumDrawnWeight)) {
      links.append(Link(weight: row[s], target: t, source: s, strongest: s == best))
    }
  }
  // Grey lines first, then the strongest links, each group faint to strong (fixed order).
  links.sort {
    ($0.strongest ? 1 : 0, $0.weight, $0.target, $0.source)
      < ($1.strongest ? 1 : 0, $1.weight, $1.target, $1.source)
  }
  for link in links {
    var color = link.strongest ? headColor(0) : FigureStyle.rule
    let look = linkStyle(link.weight)
    color.a = look.alpha
    canvas.line(
      LineItem(
        from: Point(left + sourceShift + sourceX[link.source], lineTop),
        to: Point(left + targetShift + targetX[link.target], lineBottom), color: color,
        width: look.width, role: "line"))
  }
  for (i, label) in top.enumerated() {
    canvas.text(
      TextItem(
        label, at: Point(left + sourceShift + sourceX[i], sourceBaseline), size: size,
        color: FigureStyle.ink, anchor: .middle, role: "column-label"))
  }
  for (i, label) in bottom.enumerated() {
    canvas.text(
      TextItem(
        label, at: Point(left + targetShift + targetX[i], targetBaseline), size: size,
        color: FigureStyle.ink, anchor: .middle, role: "row-label"))
  }
  for (text, baseline) in [(sourceTitle, sourceBaseline), (targetTitle, targetBaseline)] {
    canvas.text(
      TextItem(
        text, at: Point(0, baseline), size: size, color: FigureStyle.ink, weight: .bold,
        role: "axis-title"))
  }
  drawLinesLegend(
    headNames: ["average"], x: left + width + 36, y: lineTop + band / 2 - 3 * (ascent + descent),
    style: style, into: &canvas)
  return frameFigure(body: canvas, title: title, notes: [], style: style, measurer: measurer)
}
