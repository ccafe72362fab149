import AttnvizMath
import AttnvizRender

/// What the model grid can carry besides the thumbnails: a label under each head (the head
/// patterns of `--view patterns`), grouped-query brackets, and legend lines under the grid.
public struct ModelGridMarks: Sendable, Equatable {
  /// `labels[layer][head]`: the full label, and a short form for thumbnails too narrow for it.
  public var labels: [[ThumbnailLabel]]?
  /// Query heads per key/value head when the model shares keys and values (GQA), else nil.
  public var queryHeadsPerKeyValueHead: Int?
  /// Lines under the grid (the labelling rule, "9 query heads, 3 key/value heads").
  public var legend: [String]
  /// A word after each layer's row label ("Layer 1 · local" for Gemma 3's sliding-window
  /// layers), or nil for none; empty strings leave a row as it is.
  public var layerTags: [String]?
  /// Each layer's sliding window (nil: none): keys more than W − 1 before the query are drawn
  /// masked, so a local layer's band shows on a text longer than its window.
  public var layerWindows: [Int?]?

  public init(
    labels: [[ThumbnailLabel]]? = nil, queryHeadsPerKeyValueHead: Int? = nil,
    legend: [String] = [], layerTags: [String]? = nil, layerWindows: [Int?]? = nil
  ) {
    self.labels = labels
    self.queryHeadsPerKeyValueHead = queryHeadsPerKeyValueHead
    self.legend = legend
    self.layerTags = layerTags
    self.layerWindows = layerWindows
  }

  /// The row label of layer `l` (from 0).
  func rowLabel(_ l: Int) -> String {
    guard let tag = layerTags?[safe: l], !tag.isEmpty else { return "Layer \(l + 1)" }
    return "Layer \(l + 1) · \(tag)"
  }
}

/// A label under a thumbnail, with a short form and a one-letter form for thumbnails too narrow
/// for the full one (the legend then says what they stand for).
public struct ThumbnailLabel: Sendable, Equatable {
  public var full: String
  public var short: String
  public var letter: String

  public init(full: String, short: String, letter: String? = nil) {
    self.full = full
    self.short = short
    self.letter = letter ?? String(short.prefix(1))
  }
}

/// Which form of the labels the whole grid uses: the longest that fits every thumbnail.
private func labelForm(
  _ labels: [[ThumbnailLabel]], room: Double, size: Double,
  measurer: any TextMeasuring
) -> KeyPath<ThumbnailLabel, String> {
  let all = labels.flatMap { $0 }
  for form in [\ThumbnailLabel.full, \.short] {
    if all.allSatisfy({
      measurer.width(of: $0[keyPath: form], size: size, weight: .regular) <= room
    }) {
      return form
    }
  }
  return \.letter
}

/// "prev = previous token, …" for the forms shown, in order of first appearance.
private func labelKey(_ labels: [[ThumbnailLabel]], form: KeyPath<ThumbnailLabel, String>)
  -> String?
{
  guard form != \ThumbnailLabel.full else { return nil }
  var seen: [String] = []
  var parts: [String] = []
  for label in labels.flatMap({ $0 }) where !seen.contains(label.full) {
    seen.append(label.full)
    parts.append("\(label[keyPath: form]) = \(label.full)")
  }
  return parts.joined(separator: ", ")
}

/// The whole model on one slide: a thumbnail per head, layers down and heads across, on one
/// shared 0…1 scale, like BertViz's model view. Thumbnails carry no token labels; sequences too
/// long for a pixel per token show the largest weight of each block (said in the subtitle).
public func modelFigure(
  _ layers: [[Matrix]], tokens: [String], causal: Bool = false, title: FigureTitle,
  marks: ModelGridMarks = ModelGridMarks(), style: FigureStyle, measurer: any TextMeasuring
) -> Scene {
  let headCount = layers.map(\.count).max() ?? 0
  guard headCount > 0, !tokens.isEmpty,
    layers.allSatisfy({ $0.allSatisfy { $0.rows == tokens.count && $0.columns == tokens.count } })
  else {
    return emptyFigure(title: title, style: style, measurer: measurer)
  }
  let gap = 8.0
  let labelSize = style.fontSize
  let lineHeight = measurer.ascent(size: labelSize) + measurer.descent(size: labelSize)
  let captionSize = max(12, style.fontSize - 1)
  let captionHeight =
    marks.labels == nil
    ? 0 : measurer.ascent(size: captionSize) + measurer.descent(size: captionSize) + 4
  // Thumbnails up to 110 px, smaller so the grid fits a 16:9 slide (~1600 × 1000 px). Many
  // layers of few heads (SmolLM2: 30 × 9) would be a tall strip of tiny thumbnails: the layers
  // then wrap into blocks side by side, each with its own layer and head labels.
  let rowLabelWidth =
    layers.indices.map {
      measurer.width(of: marks.rowLabel($0), size: labelSize, weight: .regular)
    }.max().map { $0 + labelGap + 2 } ?? 0
  let blockGap = 24.0
  func span(blocks: Int) -> Double {
    let rows = (layers.count + blocks - 1) / blocks
    let labels = Double(blocks - 1) * (rowLabelWidth + blockGap)
    return max(
      lineHeight + 4,
      min(
        110, (1600 - labels) / Double(blocks * headCount) - gap,
        1000 / Double(rows) - gap - captionHeight))
  }
  // A block more only when it makes the thumbnails a quarter larger (MiniLM's 6 × 12 and
  // BERT-base's 12 × 12 stay one block).
  var blocks = 1
  for candidate in 2...4 where candidate <= layers.count {
    if span(blocks: candidate) >= 1.25 * span(blocks: blocks) { blocks = candidate }
  }
  let perBlock = (layers.count + blocks - 1) / blocks
  let cell = PanelCells(
    rows: tokens.count, columns: tokens.count, span: span(blocks: blocks),
    base: span(blocks: blocks))
  let scale = ColorScale.probabilities(style.colorMap)
  var notes: [String] = []
  if let note = cell.poolingNote { notes.append(note) }

  var canvas = Canvas(measurer: measurer)
  var grids: [GridGeometry] = []
  let step = cell.panelWidth + gap
  let blockStride = Double(headCount) * step - gap + blockGap + rowLabelWidth
  let form = labelForm(
    marks.labels ?? [], room: step - 2, size: captionSize, measurer: measurer)
  let rowStep = step + captionHeight
  for (l, heads) in layers.enumerated() {
    let window = marks.layerWindows?[safe: l] ?? nil
    let isMasked: (Int, Int) -> Bool = { row, column in
      (causal && column > row) || window.map { row - column >= $0 } ?? false
    }
    let left = Double(l / perBlock) * blockStride
    for (h, weights) in heads.enumerated() {
      let grid = GridGeometry(
        x: left + Double(h) * step, y: Double(l % perBlock) * rowStep, cellWidth: cell.width,
        cellHeight: cell.height, rows: cell.pooledRows, columns: cell.pooledColumns)
      grids.append(grid)
      let shown = pooled(
        weights, maxRows: cell.pooledRows, maxColumns: cell.pooledColumns, isMasked: isMasked)
      drawCells(
        shown.matrix, isMasked: { _, _ in false }, scale: scale, grid: grid,
        annotationSize: nil, into: &canvas)
      if let label = marks.labels?[safe: l]?[safe: h] {
        drawThumbnailLabel(label[keyPath: form], grid: grid, size: captionSize, into: &canvas)
      }
    }
  }
  for block in 0..<blocks {
    let first = block * perBlock
    let left = Double(block) * blockStride
    let labelTop = drawModelLabels(
      layers: first..<min(layers.count, first + perBlock), heads: headCount, left: left,
      step: step, rowStep: rowStep, cell: cell, rowLabel: marks.rowLabel, style: style,
      into: &canvas)
    if let group = marks.queryHeadsPerKeyValueHead, group > 1 {
      drawKeyValueBrackets(
        heads: headCount, group: group, left: left, step: step, panelWidth: cell.panelWidth,
        bottom: labelTop, style: style, into: &canvas)
    }
  }

  let whole = spanning(grids)
  drawColorBar(
    scale, x: whole.maxX + 18, y: whole.y, height: whole.height, showsMasked: causal,
    style: style, label: "attention weight", into: &canvas)
  let key = marks.labels.flatMap { labelKey($0, form: form) }
  drawCaption((key.map { [$0] } ?? []) + marks.legend, style: style, into: &canvas)
  return frameFigure(body: canvas, title: title, notes: notes, style: style, measurer: measurer)
}

/// The head's label centred under its thumbnail.
private func drawThumbnailLabel(
  _ text: String, grid: GridGeometry, size: Double, into canvas: inout Canvas
) {
  let measurer = canvas.measurer
  canvas.text(
    TextItem(
      text, at: Point(grid.x + grid.width / 2, grid.maxY + 2 + measurer.ascent(size: size)),
      size: size, color: FigureStyle.ink, anchor: .middle, role: "pattern-label"))
}

/// "Layer 1…" left of each row and "Head 1…" over each column of one block of layers (its
/// left edge at `left`); when a column is too narrow for "Head 12", just the number, with
/// "Head" as the axis title. Returns the top of the labels.
private func drawModelLabels(
  layers: Range<Int>, heads: Int, left: Double, step: Double, rowStep: Double, cell: PanelCells,
  rowLabel: (Int) -> String, style: FigureStyle, into canvas: inout Canvas
) -> Double {
  let measurer = canvas.measurer
  let size = style.fontSize
  let ascent = measurer.ascent(size: size)
  let descent = measurer.descent(size: size)
  let longest = "Head \(heads)"
  let spelledOut = measurer.width(of: longest, size: size, weight: .regular) + 6 <= step
  for h in 0..<heads {
    canvas.text(
      TextItem(
        spelledOut ? "Head \(h + 1)" : "\(h + 1)",
        at: Point(left + Double(h) * step + cell.panelWidth / 2, -labelGap - descent), size: size,
        color: FigureStyle.ink, anchor: .middle, role: "column-label"))
  }
  var top = -labelGap - descent - ascent
  if !spelledOut {
    let y = -labelGap - descent - ascent - descent - 6
    canvas.text(
      TextItem(
        "Head", at: Point(left + (Double(heads) * step - 8) / 2, y), size: size,
        color: FigureStyle.ink, anchor: .middle, weight: .bold, role: "axis-title"))
    top = y - ascent
  }
  for (row, l) in layers.enumerated() {
    canvas.text(
      TextItem(
        rowLabel(l),
        at: Point(
          left - labelGap - 2, Double(row) * rowStep + cell.panelWidth / 2 + (ascent - descent) / 2
        ),
        size: size, color: FigureStyle.ink, anchor: .end, role: "row-label"))
  }
  return top
}

/// Grouped-query attention: a bracket over each run of query heads that share a key/value
/// head, labelled "KV 1", "KV 2", … (role "kv-group"), above everything at `bottom`.
func drawKeyValueBrackets(
  heads: Int, group: Int, left: Double = 0, step: Double, panelWidth: Double, bottom: Double,
  style: FigureStyle, into canvas: inout Canvas
) {
  let measurer = canvas.measurer
  let size = style.fontSize
  let lineY = bottom - 6
  for g in 0..<((heads + group - 1) / group) {
    let first = g * group
    let last = min(heads, first + group) - 1
    let x0 = left + Double(first) * step
    let x1 = left + Double(last) * step + panelWidth
    for (from, to) in [
      (Point(x0, lineY), Point(x1, lineY)), (Point(x0, lineY), Point(x0, lineY + 4)),
      (Point(x1, lineY), Point(x1, lineY + 4)),
    ] {
      canvas.line(LineItem(from: from, to: to, color: FigureStyle.rule, width: 1, role: "kv-group"))
    }
    let name =
      measurer.width(of: "KV head \(g + 1)", size: size, weight: .regular) <= x1 - x0
      ? "KV head \(g + 1)" : "KV \(g + 1)"
    canvas.text(
      TextItem(
        name, at: Point((x0 + x1) / 2, lineY - 3 - measurer.descent(size: size)), size: size,
        color: FigureStyle.softInk, anchor: .middle, role: "kv-group"))
  }
}

extension Array {
  subscript(safe index: Int) -> Element? { indices.contains(index) ? self[index] : nil }
}
