import AttnvizRender

/// Puts whole figures (each a `Scene` with its own title and colour bar) together as panels of
/// one figure under a common heading: Q, K and V side by side, raw and scaled scores, …
///
/// Panels go in a row while the row stays slide-sized, else one under another. Offsets are whole
/// pixels so cell edges stay on device pixels.
public func composePanels(
  _ panels: [Scene], title: FigureTitle, style: FigureStyle, measurer: any TextMeasuring,
  maxRowWidth: Double = 2000
) -> Scene {
  let rowWidth = panels.reduce(0) { $0 + $1.width }
  let inRow = rowWidth <= maxRowWidth || panels.count < 2
  var items: [SceneItem] = []
  var x = 0.0
  var y = 0.0
  var width = 0.0
  var height = 0.0
  for panel in panels {
    items.append(
      .rect(RectItem(x: x, y: y, width: panel.width, height: panel.height, fill: panel.background)))
    items += panel.items.map { $0.moved(x, y) }
    width = max(width, x + panel.width)
    height = max(height, y + panel.height)
    if inRow { x += panel.width.rounded(.up) } else { y += panel.height.rounded(.up) }
  }
  return headed(items, width: width, height: height, title: title, style: style, measurer: measurer)
}

/// Panels in rows: each inner array side by side, the rows one under another (explain's
/// rotation step: Q before and after, K before and after, the scores and their distance).
public func composePanelRows(
  _ rows: [[Scene]], title: FigureTitle, style: FigureStyle, measurer: any TextMeasuring
) -> Scene {
  var items: [SceneItem] = []
  var y = 0.0
  var width = 0.0
  for row in rows {
    var x = 0.0
    var rowHeight = 0.0
    for panel in row {
      items.append(
        .rect(
          RectItem(x: x, y: y, width: panel.width, height: panel.height, fill: panel.background)))
      items += panel.items.map { $0.moved(x, y) }
      x += panel.width.rounded(.up)
      rowHeight = max(rowHeight, panel.height.rounded(.up))
    }
    width = max(width, x)
    y += rowHeight
  }
  return headed(items, width: width, height: y, title: title, style: style, measurer: measurer)
}

/// A body (in its own coordinates, origin top left, already with its margins) under a bold
/// title and a grey subtitle, set at the style's margin; the body alone when both are empty.
/// (`frameFigure` does the same for the views with a different gap and centring; merging the
/// two would move explain's pixels.)
func headed(
  _ body: [SceneItem], width: Double, height: Double, title: FigureTitle, style: FigureStyle,
  measurer: any TextMeasuring
) -> Scene {
  let margin = style.margin
  if title.title.isEmpty && (title.subtitle ?? "").isEmpty {
    var scene = Scene(width: width.rounded(.up), height: height.rounded(.up))
    scene.items = body
    return scene
  }
  var heading: [SceneItem] = []
  var y = margin + measurer.ascent(size: style.titleSize)
  heading.append(
    .text(
      TextItem(
        title.title, at: Point(margin, y), size: style.titleSize, color: FigureStyle.ink,
        weight: .bold,
        role: "title")))
  var headingWidth = measurer.width(of: title.title, size: style.titleSize, weight: .bold)
  y += measurer.descent(size: style.titleSize)
  if let subtitle = title.subtitle, !subtitle.isEmpty {
    y += 6 + measurer.ascent(size: style.fontSize)
    heading.append(
      .text(
        TextItem(
          subtitle, at: Point(margin, y), size: style.fontSize, color: FigureStyle.softInk,
          role: "subtitle")))
    headingWidth = max(
      headingWidth, measurer.width(of: subtitle, size: style.fontSize, weight: .regular))
    y += measurer.descent(size: style.fontSize)
  }
  // The body brings its own top margin; half of it is enough between heading and body.
  let top = (y + margin / 2).rounded(.up)
  let total = max(width, headingWidth + 2 * margin).rounded(.up)
  let left = ((total - width) / 2).rounded()
  var scene = Scene(width: total, height: (top + height).rounded(.up))
  scene.items = heading + body.map { $0.moved(left, top) }
  return scene
}

/// `scene` with caption lines under everything drawn, at the margin (a figure of panels that
/// says once what all its panels share, such as the role bars' colours); wider when a line is.
public func captioned(
  _ scene: Scene, _ lines: [String], style: FigureStyle, measurer: any TextMeasuring
) -> Scene {
  guard !lines.isEmpty else { return scene }
  var out = scene
  let size = style.fontSize
  var y = scene.height - style.margin + 14
  for line in lines {
    y += measurer.ascent(size: size)
    out.items.append(
      .text(
        TextItem(
          line, at: Point(style.margin, y), size: size, color: FigureStyle.softInk,
          role: "caption")))
    out.width = max(
      out.width,
      (2 * style.margin + measurer.width(of: line, size: size, weight: .regular))
        .rounded(.up))
    y += measurer.descent(size: size) + 4
  }
  out.height = (y + style.margin).rounded(.up)
  return out
}
