import AttnvizRender

/// What `--focus` marks on a figure: the focused query's strongest key and the sentence that
/// says so ("it → animal 0.68"), in the figure's own token indexes (rows and columns shown).
public struct CalloutMark: Sendable, Equatable {
  public var query: Int
  public var key: Int
  public var text: String

  public init(query: Int, key: Int, text: String) {
    self.query = query
    self.key = key
    self.text = text
  }
}

/// The light box behind a callout and a focused token (the head view's highlight colour).
let calloutFill = RGBA(255, 230, 153)

/// A callout's label: bold ink on a highlighted box with a thin ink border, `origin` its box's
/// top-left corner.
struct CalloutLabel {
  var text: String
  var size: Double
  var width: Double
  var height: Double
  private let ascent: Double
  static let padX = 6.0
  static let padY = 3.0

  init(_ text: String, style: FigureStyle, measurer: any TextMeasuring) {
    self.text = tokenLabel(text)
    size = style.fontSize
    ascent = measurer.ascent(size: size)
    width = (measurer.width(of: self.text, size: size, weight: .bold) + 2 * Self.padX).rounded(.up)
    height = (ascent + measurer.descent(size: size) + 2 * Self.padY).rounded(.up)
  }

  func box(at origin: Point) -> Box {
    Box(minX: origin.x, minY: origin.y, maxX: origin.x + width, maxY: origin.y + height)
  }

  func draw(at origin: Point, into canvas: inout Canvas) {
    canvas.rect(
      RectItem(
        x: origin.x, y: origin.y, width: width, height: height, fill: calloutFill,
        stroke: FigureStyle.ink, strokeWidth: 1, role: "callout-box"))
    canvas.text(
      TextItem(
        text, at: Point(origin.x + Self.padX, origin.y + Self.padY + ascent), size: size,
        color: FigureStyle.ink, weight: .bold, role: "callout"))
  }
}

/// The first of `candidates` (top-left corners) where `label` stays inside `room` and covers
/// no text already on the canvas; nil when none does.
func placeLabel(
  _ label: CalloutLabel, candidates: [Point], room: Box, canvas: Canvas
) -> Point? {
  let texts: [Box] = canvas.items.compactMap {
    if case .text = $0 { return bounds(of: $0, measurer: canvas.measurer) }
    return nil
  }
  return candidates.first { origin in
    let box = label.box(at: origin)
    guard box.minX >= room.minX, box.maxX <= room.maxX, box.minY >= room.minY,
      box.maxY <= room.maxY
    else { return false }
    return !texts.contains { $0.overlaps(box) }
  }
}

extension Box {
  func overlaps(_ other: Box) -> Bool {
    minX < other.maxX && other.minX < maxX && minY < other.maxY && other.minY < maxY
  }
}

/// A heatmap's callout: the cell (query row, strongest key column) outlined in ink around a
/// white ring, so it shows on bright and dark cells alike, and the sentence next to it — beside
/// the cell in its row, else in the row above or below, inside the grid and clear of any text
/// (printed values); failing all of those, above the grid over the cell's column.
func drawCalloutMark(
  _ mark: CalloutMark, row: Int, column: Int, grid: GridGeometry, style: FigureStyle,
  into canvas: inout Canvas
) {
  // The outlined box: the cell, or at least 12 px around a tiny (pooled) cell, so it shows.
  let width = max(grid.cellWidth, 12)
  let height = max(grid.cellHeight, 12)
  let x = grid.x + Double(column) * grid.cellWidth - (width - grid.cellWidth) / 2
  let y = grid.y + Double(row) * grid.cellHeight - (height - grid.cellHeight) / 2
  let label = CalloutLabel(mark.text, style: style, measurer: canvas.measurer)
  let gap = 6.0
  let middle = (y + height / 2 - label.height / 2).rounded()
  let centred = min(
    max(grid.x, (x + width / 2 - label.width / 2).rounded()), grid.maxX - label.width)
  let candidates = [
    Point(x + width + gap, middle), Point(x - gap - label.width, middle),
    Point(centred, y - gap - label.height), Point(centred, y + height + gap),
  ]
  let room = Box(minX: grid.x, minY: grid.y, maxX: grid.maxX, maxY: grid.maxY)
  let placed = placeLabel(label, candidates: candidates, room: room, canvas: canvas)
  drawCellOutline(row: row, column: column, grid: grid, minimum: 12, into: &canvas)
  if let placed {
    label.draw(at: placed, into: &canvas)
    return
  }
  let above = Point(
    min(max(grid.x, centred), max(grid.x, grid.maxX - label.width)),
    grid.y - gap * 2 - label.height)
  // A short tick down to the top of the cell's column; a leader through the cells would cross
  // the values printed in them.
  canvas.line(
    LineItem(
      from: Point(x + width / 2, above.y + label.height),
      to: Point(x + width / 2, grid.y), color: FigureStyle.ink, width: 1.5,
      role: "callout-mark"))
  label.draw(at: above, into: &canvas)
}
