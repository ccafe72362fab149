import AttnvizRender
import AttnvizStyle

/// The tokens as a row of boxes with their position under each, wrapped onto more rows when the
/// text is long. Past `limit` tokens a note says how many more there are, so a long text still
/// gives a figure of slide size (and within the rasteriser's limits).
///
/// With `segments` (`--chat`), a bar over the boxes marks each run of a chat role's tokens, with
/// the role's name over its widest run and the colours in a line under the boxes, as the
/// heatmap's bars over its columns.
public func tokenFigure(
  _ tokens: [String], title: FigureTitle, style: FigureStyle, measurer: any TextMeasuring,
  maxWidth: Double = 1200, limit: Int = 120, segments: [ColumnSegment] = []
) -> Scene {
  let box = TokenBoxStyle(style: style, measurer: measurer)
  // Each box's line and x: lines break before a box that would pass `maxWidth`.
  var placed: [(label: String, line: Int, x: Double, width: Double)] = []
  var x = 0.0
  var line = 0
  for raw in tokens.prefix(limit) {
    let label = figureLabel(raw)
    let boxWidth = box.width(of: label)
    if x > 0 && x + boxWidth > maxWidth {
      x = 0
      line += 1
    }
    placed.append((label, line, x, boxWidth))
    x += boxWidth + box.gap
  }
  let bars = tokenRoleBars(
    segments, boxes: placed.map { (line: $0.line, x: $0.x, width: $0.width) })
  let names = roleNames(bars, style: style, measurer: measurer)
  // Over each line of boxes: room for its role bars, and for the role names some of them carry.
  let size = style.fontSize
  let barRoom = bars.isEmpty ? 0 : segmentBarSize + segmentBarGap
  let nameRoom = measurer.ascent(size: size) + measurer.descent(size: size) + segmentBarGap
  var tops: [Double] = []
  var y = 0.0
  for l in 0...line {
    y += barRoom + (names.contains { bars[$0].line == l } ? nameRoom : 0)
    tops.append(y)
    y += box.lineHeight
  }
  var items: [SceneItem] = []
  var width = 0.0
  for (position, token) in placed.enumerated() {
    items += box.items(
      token.label, position: position, x: token.x, y: tops[token.line], width: token.width)
    width = max(width, token.x + token.width)
  }
  for (index, bar) in bars.enumerated() {
    let top = tops[bar.line] - segmentBarGap - segmentBarSize
    items.append(
      .rect(
        RectItem(
          x: bar.x + 1, y: top, width: bar.width - 2, height: segmentBarSize,
          fill: bar.segment.fill, role: "role-segment")))
    guard names.contains(index) else { continue }
    items.append(
      .text(
        TextItem(
          bar.segment.kind.rawValue, at: Point(bar.x + bar.width / 2, top - segmentBarGap),
          size: size, color: bar.segment.color, anchor: .middle, weight: .bold,
          role: "role-label")))
  }
  var height = y
  func note(_ text: String) {
    height += measurer.ascent(size: size)
    items.append(
      .text(
        TextItem(text, at: Point(0, height), size: size, color: FigureStyle.softInk, role: "note")))
    height += measurer.descent(size: size) + 4
  }
  if tokens.count > limit {
    let more = tokens.count - limit
    note("… and \(more) more token\(more == 1 ? "" : "s") (\(tokens.count) in all)")
  }
  if !bars.isEmpty {
    let legend = ColumnSegment.legend(bars.map(\.segment), where: "over the tokens")
    note(legend)
    width = max(width, measurer.width(of: legend, size: size, weight: .regular))
  }
  let margin = style.margin
  return headed(
    items.map { $0.moved(margin, margin) }, width: width + 2 * margin,
    height: height + 2 * margin, title: title, style: style, measurer: measurer)
}

/// One role bar of the token figure: a segment's tokens on one line of boxes, from the left
/// edge of its first box to the right edge of its last (a segment broken across lines has a
/// bar on each).
struct TokenRoleBar {
  var segment: ColumnSegment
  var line: Int
  var x: Double
  var width: Double
}

/// The bars of `segments` over the boxes drawn (tokens past the figure's limit have none).
func tokenRoleBars(
  _ segments: [ColumnSegment], boxes: [(line: Int, x: Double, width: Double)]
) -> [TokenRoleBar] {
  var bars: [TokenRoleBar] = []
  for segment in segments where segment.columns.lowerBound < boxes.count {
    let last = min(segment.columns.upperBound, boxes.count - 1)
    var first = segment.columns.lowerBound
    for i in segment.columns.lowerBound...last where i == last || boxes[i + 1].line != boxes[i].line
    {
      let left = boxes[first].x
      bars.append(
        TokenRoleBar(
          segment: segment, line: boxes[i].line, x: left, width: boxes[i].x + boxes[i].width - left)
      )
      first = i + 1
    }
  }
  return bars
}

/// Which bars carry their role's name: for each role, its widest message bar (its widest marker
/// bar when the template wrote all its tokens), when the name fits over it; the other bars are
/// named by the legend's colours.
func roleNames(_ bars: [TokenRoleBar], style: FigureStyle, measurer: any TextMeasuring) -> Set<Int>
{
  var named = Set<Int>()
  for kind in [ColumnSegment.Kind.system, .user, .assistant] {
    let ofKind = bars.indices.filter { bars[$0].segment.kind == kind }
    let messages = ofKind.filter { !bars[$0].segment.isMarker }
    let widest = (messages.isEmpty ? ofKind : messages).max { bars[$0].width < bars[$1].width }
    guard let widest,
      measurer.width(of: kind.rawValue, size: style.fontSize, weight: .bold)
        <= bars[widest].width + 40
    else { continue }
    named.insert(widest)
  }
  return named
}

/// Sizes and colours of the token boxes: label a little larger than the figure's text.
struct TokenBoxStyle {
  let style: FigureStyle
  let measurer: any TextMeasuring
  let padding = 12.0
  let gap = 10.0
  /// A pale blue box with a darker blue edge: a token, not a cell of a matrix.
  static let fill = RGBA(236, 242, 250)
  static let stroke = RGBA(70, 100, 150)

  var size: Double { style.fontSize + 5 }
  var height: Double {
    (measurer.ascent(size: size) + measurer.descent(size: size) + 2 * padding).rounded(.up)
  }
  var lineHeight: Double { height + style.fontSize + 20 }

  func width(of label: String) -> Double {
    max(
      height, (measurer.width(of: label, size: size, weight: .regular) + 2 * padding).rounded(.up))
  }

  /// The box, its label, and the position under it.
  func items(_ label: String, position: Int, x: Double, y: Double, width: Double) -> [SceneItem] {
    let centre = x + width / 2
    return [
      .rect(
        RectItem(
          x: x, y: y, width: width, height: height, fill: Self.fill, stroke: Self.stroke,
          strokeWidth: 1.5, role: "token")),
      .text(
        TextItem(
          label, at: Point(centre, y + padding + measurer.ascent(size: size)), size: size,
          color: FigureStyle.ink, anchor: .middle, role: "token-label")),
      .text(
        TextItem(
          "\(position)", at: Point(centre, y + height + 6 + measurer.ascent(size: style.fontSize)),
          size: style.fontSize, color: FigureStyle.softInk, anchor: .middle, role: "position")),
    ]
  }
}

/// A token as a box label: the shared label rule (`tokenLabel`), long tokens shortened.
func figureLabel(_ token: String, limit: Int = 24) -> String {
  let visible = tokenLabel(token)
  guard visible.count > limit else { return visible }
  return String(visible.prefix(limit - 1)) + "…"
}
