import AttnvizMath
import AttnvizRender
import AttnvizStyle

/// BertViz's head view: the tokens twice, queries on the left and keys on the right, and a line
/// from each query to each key it attends to, wider and more opaque the larger the weight. Each
/// head has its own colour; with `focus`, only that query's lines are drawn and its token is
/// highlighted. With `callout` (`--focus`), the line to the focused token's strongest key is
/// underlaid with a highlight, that key is set in bold and the callout is written after it.
///
/// With `segments` (`--chat`), a bar beside each column of tokens marks the chat roles, as the
/// heatmap's bars over its columns do, and the caption says what the colours are.
///
/// Weights below 0.01 are not drawn: they would be invisible and slow to render. A long text's
/// rows are a pixel or two apart, and a million faint lines would cover the band in one colour
/// (and take seconds to draw), so each query keeps only its strongest lines, at most
/// `linesBudget` in all (`linesPerQuery`); the subtitle says so when lines were left out.
public func linesFigure(
  tokens: [String], heads: [Matrix], headNames: [String], focus: Int?, title: FigureTitle,
  style: FigureStyle, measurer: any TextMeasuring, callout: CalloutMark? = nil,
  segments: [ColumnSegment] = []
) -> Scene {
  let n = tokens.count
  guard n > 0, !heads.isEmpty, heads.allSatisfy({ $0.rows == n && $0.columns == n }) else {
    return emptyFigure(title: title, style: style, measurer: measurer)
  }
  let focus = focus.flatMap { (0..<n).contains($0) ? $0 : nil }
  let size = style.fontSize
  let ascent = measurer.ascent(size: size)
  let descent = measurer.descent(size: size)
  let lineHeight = ascent + descent
  // Rows 1.6 lines apart while the column fits ~1000 px, then tighter, labelling every k-th;
  // a 4,096-token text still makes a 1000 px column (rows a quarter pixel apart).
  let spacing = min(lineHeight * 1.6, style.maxGridSize / Double(n))
  let stride = labelStride(spacing: spacing, needed: lineHeight + 2)
  let labels = tokens.map {
    shortened($0, toWidth: style.maxLabelWidth, size: size, measurer: measurer)
  }
  // The band between the columns, wide enough that lines to far tokens are not too steep.
  let band = min(420, max(220, Double(n) * spacing * 0.35)).rounded()
  let leftX = 0.0
  let rightX = band
  func rowY(_ i: Int) -> Double { (Double(i) + 0.5) * spacing }
  // The lines leave room for the role bars between them and the labels.
  let inset = segments.isEmpty ? 6 : 8 + segmentBarSize

  let callout = callout.flatMap {
    (0..<n).contains($0.query) && (0..<n).contains($0.key) ? $0 : nil
  }
  var canvas = Canvas(measurer: measurer)
  if let callout {
    canvas.line(
      LineItem(
        from: Point(leftX + inset, rowY(callout.query)),
        to: Point(rightX - inset, rowY(callout.key)),
        color: calloutFill, width: max(10, min(spacing * 0.6, 16)), role: "callout-mark"))
  }
  let perQuery = linesPerQuery(queries: focus == nil ? n : 1, heads: heads.count)
  let capped = drawLinkLines(
    heads, focus: focus, perQuery: perQuery, from: leftX + inset, to: rightX - inset, rowY: rowY,
    into: &canvas)
  let starts = (0..<n).map { Double($0) * spacing }
  for x in [leftX + 4, rightX - 4 - segmentBarSize] {
    drawSegments(
      segments, starts: starts, cellSize: spacing, placement: .beside(x: x), style: style,
      into: &canvas)
  }
  // The focused token and the callout's key are always labelled; thinned labels too close to
  // them give way.
  func labelled(_ marked: Int?) -> Set<Int> {
    Set(thinnedIndices(count: n, stride: stride, keep: Set([marked].compactMap { $0 })))
  }
  let queryLabels = labelled(focus)
  let keyLabels = callout.map { labelled($0.key) } ?? queryLabels
  for i in 0..<n {
    let baseline = rowY(i) + (ascent - descent) / 2
    if queryLabels.contains(i) {
      let isFocus = i == focus
      if isFocus {
        let width = measurer.width(of: labels[i], size: size, weight: .bold)
        canvas.rect(
          RectItem(
            x: leftX - width - 8, y: rowY(i) - lineHeight / 2 - 3, width: width + 12,
            height: lineHeight + 6, fill: calloutFill, role: "focus"))
      }
      canvas.text(
        TextItem(
          labels[i], at: Point(leftX, baseline), size: size, color: FigureStyle.ink,
          anchor: .end, weight: isFocus ? .bold : .regular, role: "row-label"))
    }
    if keyLabels.contains(i) {
      canvas.text(
        TextItem(
          labels[i], at: Point(rightX, baseline), size: size, color: FigureStyle.ink,
          weight: i == callout?.key ? .bold : .regular, role: "column-label"))
    }
  }
  if let callout {
    // After the key's label, at the key end of the line; the legend then moves right of it.
    let label = CalloutLabel(callout.text, style: style, measurer: measurer)
    let keyWidth = measurer.width(of: labels[callout.key], size: size, weight: .bold)
    label.draw(
      at: Point(
        (rightX + keyWidth + 12).rounded(), (rowY(callout.key) - label.height / 2).rounded()),
      into: &canvas)
  }
  for (text, x, anchor) in [("Query", leftX, TextAnchor.end), ("Key", rightX, .start)] {
    canvas.text(
      TextItem(
        text, at: Point(x, -10 - descent), size: size, color: FigureStyle.ink, anchor: anchor,
        weight: .bold, role: "axis-title"))
  }
  let labelsRight = canvas.bounds?.maxX ?? rightX
  drawLinesLegend(
    headNames: (0..<heads.count).map { $0 < headNames.count ? headNames[$0] : "Head \($0 + 1)" },
    x: labelsRight + 36, y: -10 - descent - ascent, style: style, into: &canvas)
  var notes: [String] = []
  if !segments.isEmpty {
    drawCaption(
      [ColumnSegment.legend(segments, where: "beside the tokens")], style: style, into: &canvas)
  }
  if capped {
    let kept = perQuery == 1 ? "strongest key" : "\(perQuery) strongest keys"
    notes.append("lines: each query's \(kept) per head")
  }
  if let note = strideNote([(stride, "token")]) { notes.append(note) }
  if style.explainsSpaceMark, let note = spaceMarkNote(tokens) { notes.append(note) }
  return frameFigure(body: canvas, title: title, notes: notes, style: style, measurer: measurer)
}

/// The threshold below which a weight gets no line.
let minimumDrawnWeight = 0.01

/// The most lines the view draws: 2,048, about two for every pixel row of the 1000-pixel band
/// (each line costs about 0.1 ms to draw at scale 2; 8,192 took 0.6 s at 1,024 tokens).
let linesBudget = 2048

/// How many lines each query may keep per head: every weight of 0.01 or more (at most 100 per
/// query) while every query fits; fewer, the strongest, beyond: `linesBudget` / (queries ×
/// heads). A text of up to 32 tokens with 2 heads is never cut; 1,024 tokens with 2 heads keep
/// one a query and head, its strongest.
func linesPerQuery(queries: Int, heads: Int) -> Int {
  min(100, max(1, linesBudget / max(1, queries * heads)))
}

/// Opacity and width both grow with the weight, so strong links read at a glance and weak ones
/// recede (BertViz uses opacity alone, which makes faint lines vanish on a projector).
func linkStyle(_ weight: Double) -> (alpha: UInt8, width: Double) {
  let w = min(max(weight, 0), 1)
  return (UInt8((40 + 215 * w).rounded()), 0.75 + 3.25 * w)
}

/// Draws the lines; true when some query had more than `perQuery` weights to draw.
private func drawLinkLines(
  _ heads: [Matrix], focus: Int?, perQuery: Int, from x0: Double, to x1: Double,
  rowY: (Int) -> Double, into canvas: inout Canvas
) -> Bool {
  struct Link {
    var weight: Double
    var head: Int
    var query: Int
    var key: Int
  }
  var links: [Link] = []
  var capped = false
  let queries = focus.map { [$0] } ?? Array(0..<(heads.first?.rows ?? 0))
  var row: [Link] = []
  for (h, m) in heads.enumerated() {
    for q in queries {
      row.removeAll(keepingCapacity: true)
      for k in 0..<m.columns where m[q, k].isFinite && m[q, k] >= minimumDrawnWeight {
        row.append(Link(weight: m[q, k], head: h, query: q, key: k))
      }
      if row.count > perQuery {
        // The strongest; of equal weights, the earlier key.
        row.sort { ($0.weight, $1.key) > ($1.weight, $0.key) }
        row.removeLast(row.count - perQuery)
        capped = true
      }
      links += row
    }
  }
  // Faint lines first so strong ones paint over them; ties in a fixed order (determinism).
  links.sort {
    ($0.weight, $0.head, $0.query, $0.key) < ($1.weight, $1.head, $1.query, $1.key)
  }
  for link in links {
    var color = headColor(link.head)
    let look = linkStyle(link.weight)
    color.a = look.alpha
    canvas.line(
      LineItem(
        from: Point(x0, rowY(link.query)), to: Point(x1, rowY(link.key)), color: color,
        width: look.width, role: "line"))
  }
  return capped
}

/// Head colours (a short thick stroke and the name each), then sample strokes for weights.
func drawLinesLegend(
  headNames: [String], x: Double, y: Double, style: FigureStyle, into canvas: inout Canvas
) {
  let measurer = canvas.measurer
  let size = style.fontSize
  let ascent = measurer.ascent(size: size)
  let descent = measurer.descent(size: size)
  let row = (ascent + descent) * 1.5
  var top = y
  func heading(_ text: String) {
    canvas.text(
      TextItem(
        text, at: Point(x, top + ascent), size: size, color: FigureStyle.ink, weight: .bold,
        role: "legend"))
    top += row
  }
  func entry(_ text: String, color: RGBA, width: Double) {
    let middle = top + (ascent + descent) / 2
    canvas.line(
      LineItem(
        from: Point(x, middle), to: Point(x + 28, middle), color: color, width: width,
        role: "legend"))
    canvas.text(
      TextItem(
        text, at: Point(x + 36, middle + (ascent - descent) / 2), size: size,
        color: FigureStyle.softInk, role: "legend"))
    top += row
  }
  if headNames.count > 1 {
    heading("Heads")
    for (h, name) in headNames.enumerated() {
      let shown = shortened(tokenLabel(name), toWidth: 160, size: size, measurer: measurer)
      entry(shown, color: headColor(h), width: 4)
    }
    top += row / 2
  }
  heading("Weight")
  for weight in [0.1, 0.5, 1.0] {
    var color = headColor(headNames.count > 1 ? 6 : 0)
    color.a = linkStyle(weight).alpha
    entry(
      trimmedZeros(formatFixed(weight, decimals: 1)), color: color, width: linkStyle(weight).width)
  }
}
