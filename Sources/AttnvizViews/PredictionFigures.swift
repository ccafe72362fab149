import AttnvizMath
import AttnvizRender
import AttnvizStyle

/// One bar of the next-token chart: a token and its probability.
public struct ProbabilityBar: Sendable, Equatable {
  public var label: String
  public var probability: Double

  public init(label: String, probability: Double) {
    self.label = label
    self.probability = probability
  }
}

/// `--view next`: the context the model read (its last tokens, the predicting one in bold),
/// then the most probable next tokens as horizontal bars, most probable on top, each bar's
/// length and colour its probability on the fixed 0…1 scale of the attention figures.
///
///     … because it was too ▸
///     ·tired   ███████████████ 0.604
///     ·far     ████ 0.169
public func nextTokenFigure(
  context: [String], bars: [ProbabilityBar], title: FigureTitle, caption: [String],
  style: FigureStyle, measurer: any TextMeasuring
) -> Scene {
  guard !bars.isEmpty else { return emptyFigure(title: title, style: style, measurer: measurer) }
  var canvas = Canvas(measurer: measurer)
  let size = style.fontSize
  let ascent = measurer.ascent(size: size)
  let descent = measurer.descent(size: size)
  let labels = bars.map {
    shortened(figureLabel($0.label), toWidth: style.maxLabelWidth, size: size, measurer: measurer)
  }
  let labelWidth = labels.map { measurer.width(of: $0, size: size, weight: .regular) }.max() ?? 0
  let barX = (labelWidth + 10).rounded(.up)
  let barLength = 420.0
  let rowHeight = (ascent + descent + 10).rounded(.up)
  // The context line: the last tokens read, the one whose prediction this is in bold.
  var x = 0.0
  let baseline = ascent
  for (i, token) in context.enumerated() {
    let last = i == context.count - 1
    let text = figureLabel(token, limit: 16)
    canvas.text(
      TextItem(
        text, at: Point(x, baseline), size: size,
        color: last ? FigureStyle.ink : FigureStyle.softInk,
        weight: last ? .bold : .regular, role: "context"))
    x += measurer.width(of: text, size: size, weight: last ? .bold : .regular) + 6
  }
  canvas.text(
    TextItem(
      "→ next token", at: Point(x + 2, baseline), size: size, color: FigureStyle.softInk,
      role: "context"))
  let top = (baseline + descent + 14).rounded(.up)
  let scale = ColorScale.probabilities(style.colorMap)
  for (i, bar) in bars.enumerated() {
    let y = top + Double(i) * rowHeight
    let middle = y + rowHeight / 2 + (ascent - descent) / 2
    canvas.text(
      TextItem(
        labels[i], at: Point(labelWidth, middle), size: size, color: FigureStyle.ink,
        anchor: .end, role: "row-label"))
    let p = min(max(bar.probability, 0), 1)
    let width = max(1, (p * barLength).rounded())
    canvas.rect(
      RectItem(
        x: barX, y: y + 3, width: width, height: rowHeight - 6, fill: scale.color(p), role: "bar"))
    canvas.text(
      TextItem(
        formatFixed(bar.probability, decimals: 3), at: Point(barX + width + 6, middle), size: size,
        color: FigureStyle.ink, role: "value"))
  }
  // The scale's axis: 0 and 1 under the bars' full length.
  let axisY = top + Double(bars.count) * rowHeight + 4
  canvas.line(
    LineItem(
      from: Point(barX, axisY), to: Point(barX + barLength, axisY), color: FigureStyle.rule,
      width: 1, role: "axis"))
  for (value, text) in [(0.0, "0"), (0.5, "0.5"), (1.0, "1")] {
    let tickX = barX + value * barLength
    canvas.line(
      LineItem(
        from: Point(tickX, axisY), to: Point(tickX, axisY + 4), color: FigureStyle.rule, width: 1,
        role: "tick"))
    canvas.text(
      TextItem(
        text, at: Point(tickX, axisY + 6 + ascent), size: size, color: FigureStyle.softInk,
        anchor: .middle, role: "tick-label"))
  }
  drawCaption(caption, style: style, into: &canvas)
  return frameFigure(body: canvas, title: title, notes: [], style: style, measurer: measurer)
}

/// One cell of the logit lens: the token the residual stream would predict and its
/// probability.
public struct LensCell: Sendable, Equatable {
  public var label: String
  public var probability: Double
  /// The prediction is the token that really comes next in the text.
  public var matchesNext: Bool

  public init(label: String, probability: Double, matchesNext: Bool) {
    self.label = label
    self.probability = probability
    self.matchesNext = matchesNext
  }
}

/// `--view lens` (nostalgebraist's logit lens): layers down (the first at the top), input
/// positions across; each cell the top-1 token of the residual stream after that layer through
/// the final norm and the head, coloured by its probability (fixed 0…1 scale), outlined when it
/// is the text's real next token.
public func logitLensFigure(
  cells: [[LensCell]], positions: [String], layerNames: [String], title: FigureTitle,
  caption: [String], style: FigureStyle, measurer: any TextMeasuring
) -> Scene {
  guard !cells.isEmpty, let columns = cells.first?.count, columns > 0 else {
    return emptyFigure(title: title, style: style, measurer: measurer)
  }
  var canvas = Canvas(measurer: measurer)
  let size = annotationFontSize(style)
  let ascent = measurer.ascent(size: style.fontSize)
  let descent = measurer.descent(size: style.fontSize)
  let maxCell = 86.0
  let cellLabels = cells.map { row in
    row.map {
      shortened(
        figureLabel($0.label, limit: 12), toWidth: maxCell - 8, size: size, measurer: measurer)
    }
  }
  let headers = positions.map {
    shortened(
      figureLabel($0, limit: 12), toWidth: maxCell - 4, size: style.fontSize,
      measurer: measurer)
  }
  let widest =
    (cellLabels.flatMap { $0 }.map { measurer.width(of: $0, size: size, weight: .regular) }
    + headers.map { measurer.width(of: $0, size: style.fontSize, weight: .regular) }).max() ?? 0
  let cellWidth = min(maxCell, max(44, (widest + 10).rounded(.up)))
  let cellHeight = (measurer.ascent(size: size) + measurer.descent(size: size) + 10).rounded(.up)
  let rowLabelWidth =
    layerNames.map { measurer.width(of: $0, size: style.fontSize, weight: .regular) }.max() ?? 0
  let gridX = (rowLabelWidth + 10).rounded(.up)
  let gridY = (ascent + descent + 8 + ascent + descent + 6).rounded(.up)
  let scale = ColorScale.probabilities(style.colorMap)
  canvas.text(
    TextItem(
      "Input token (predicting the one after it)", at: Point(gridX, ascent), size: style.fontSize,
      color: FigureStyle.ink, weight: .bold, role: "axis-title"))
  for (c, header) in headers.enumerated() {
    canvas.text(
      TextItem(
        header, at: Point(gridX + (Double(c) + 0.5) * cellWidth, gridY - 6 - descent),
        size: style.fontSize, color: FigureStyle.ink, anchor: .middle, role: "column-label"))
  }
  for (r, row) in cells.enumerated() {
    let y = gridY + Double(r) * cellHeight
    canvas.text(
      TextItem(
        layerNames[r], at: Point(gridX - 8, y + cellHeight / 2 + (ascent - descent) / 2),
        size: style.fontSize, color: FigureStyle.ink, anchor: .end, role: "row-label"))
    for (c, cell) in row.enumerated() {
      let x = gridX + Double(c) * cellWidth
      let fill = scale.color(cell.probability)
      canvas.rect(
        RectItem(x: x, y: y, width: cellWidth, height: cellHeight, fill: fill, role: "cell"))
      if cell.matchesNext {
        let ink = textColor(on: fill)
        for (a, b) in [
          (Point(x + 1.5, y + 1.5), Point(x + cellWidth - 1.5, y + 1.5)),
          (Point(x + cellWidth - 1.5, y + 1.5), Point(x + cellWidth - 1.5, y + cellHeight - 1.5)),
          (Point(x + cellWidth - 1.5, y + cellHeight - 1.5), Point(x + 1.5, y + cellHeight - 1.5)),
          (Point(x + 1.5, y + cellHeight - 1.5), Point(x + 1.5, y + 1.5)),
        ] {
          canvas.line(LineItem(from: a, to: b, color: ink, width: 1.5, role: "match"))
        }
      }
      canvas.text(
        TextItem(
          cellLabels[r][c],
          at: Point(
            x + cellWidth / 2,
            y + cellHeight / 2 + (measurer.ascent(size: size) - measurer.descent(size: size)) / 2),
          size: size, color: textColor(on: fill), anchor: .middle, role: "annotation"))
    }
  }
  let gridHeight = Double(cells.count) * cellHeight
  drawColorBar(
    scale, x: gridX + Double(columns) * cellWidth + 18, y: gridY, height: max(gridHeight, 120),
    showsMasked: false, style: style, into: &canvas)
  drawCaption(caption, style: style, into: &canvas)
  return frameFigure(body: canvas, title: title, notes: [], style: style, measurer: measurer)
}

/// `attnviz generate`'s whole answer: rows are the generated tokens, columns every token read
/// (the prompt, then the answer), each row the attention of the position that chose that row's
/// token; keys not yet written are masked, and a rule separates the prompt from the answer.
public func generationFigure(
  _ matrix: Matrix, rowLabels: [String], columnLabels: [String], promptCount: Int,
  segments: [ColumnSegment] = [], title: FigureTitle, caption: [String], style: FigureStyle,
  measurer: any TextMeasuring
) -> Scene {
  guard matrix.rows > 0, matrix.columns > 0 else {
    return emptyFigure(title: title, style: style, measurer: measurer)
  }
  // Row r chose generated token r: its query is position promptCount − 1 + r.
  let isMasked: (Int, Int) -> Bool = { r, c in c > promptCount - 1 + r }
  let spec = HeatmapSpec(
    matrix: matrix, isMasked: isMasked, isCausal: true,
    scale: .probabilities(style.colorMap), rowLabels: rowLabels, columnLabels: columnLabels,
    rowAxis: AxisSpec(
      title: AxisTitle("Generated token (row: the attention that chose it)", short: "Generated"),
      noun: "token", numbered: false),
    columnAxis: AxisSpec(
      title: AxisTitle("Token read: prompt | answer", short: "Token read"), noun: "token",
      numbered: false),
    squareCells: false)
  var (canvas, notes) = drawHeatmap(spec, style: style, measurer: measurer)
  // The rule between prompt and answer, at the left edge of the first answer column (only
  // when each column is one token: a pooled grid has no such edge).
  let cells = canvas.items.compactMap { item -> RectItem? in
    if case .rect(let r) = item, r.role == "cell" { return r }
    return nil
  }
  let lefts = Array(Set(cells.map(\.x))).sorted()
  if lefts.count == matrix.columns, promptCount < lefts.count, let top = cells.map(\.y).min(),
    let bottom = cells.map({ $0.y + $0.height }).max()
  {
    let x = lefts[promptCount]
    canvas.line(
      LineItem(
        from: Point(x, top - 4), to: Point(x, bottom + 4), color: FigureStyle.ink, width: 2,
        role: "prompt-rule"))
  } else if promptCount < matrix.columns {
    notes.append("prompt and answer columns pooled")
  }
  drawSegments(segments, over: cells, columns: matrix.columns, style: style, into: &canvas)
  drawCaption(caption, style: style, into: &canvas)
  return frameFigure(body: canvas, title: title, notes: notes, style: style, measurer: measurer)
}
