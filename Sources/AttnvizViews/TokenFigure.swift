import AttnvizRender
import AttnvizStyle

/// The tokens as a row of boxes with their position under each, wrapped onto more rows when the
/// text is long. Past `limit` tokens a note says how many more there are, so a long text still
/// gives a figure of slide size (and within the rasteriser's limits).
public func tokenFigure(
  _ tokens: [String], title: FigureTitle, style: FigureStyle, measurer: any TextMeasuring,
  maxWidth: Double = 1200, limit: Int = 120
) -> Scene {
  let box = TokenBoxStyle(style: style, measurer: measurer)
  var items: [SceneItem] = []
  var x = 0.0
  var y = 0.0
  var width = 0.0
  for (position, raw) in tokens.prefix(limit).enumerated() {
    let label = figureLabel(raw)
    let boxWidth = box.width(of: label)
    if x > 0 && x + boxWidth > maxWidth {
      x = 0
      y += box.lineHeight
    }
    items += box.items(label, position: position, x: x, y: y, width: boxWidth)
    width = max(width, x + boxWidth)
    x += boxWidth + box.gap
  }
  var height = y + box.lineHeight
  if tokens.count > limit {
    let more = tokens.count - limit
    height += measurer.ascent(size: style.fontSize)
    items.append(
      .text(
        TextItem(
          "… and \(more) more token\(more == 1 ? "" : "s") (\(tokens.count) in all)",
          at: Point(0, height), size: style.fontSize, color: FigureStyle.softInk, role: "note")))
    height += measurer.descent(size: style.fontSize)
  }
  let margin = style.margin
  return headed(
    items.map { $0.moved(margin, margin) }, width: width + 2 * margin,
    height: height + 2 * margin, title: title, style: style, measurer: measurer)
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
