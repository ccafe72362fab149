import AttnvizRender
import AttnvizStyle

/// Puts a laid-out body under its title and subtitle, with even margins: the step every view
/// ends with.
///
/// The title is bold and the subtitle grey, both left-aligned; `notes` (such as "labels: every
/// 5th token") join the subtitle after a " · ". A line wider than the figure is shortened with
/// "…", the caller's subtitle before the notes, since the notes explain the figure.
func frameFigure(
  body: Canvas, title: FigureTitle, notes: [String], style: FigureStyle,
  measurer: any TextMeasuring
) -> Scene {
  let margin = style.margin
  let bodyBox = body.bounds ?? Box(minX: 0, minY: 0, maxX: 0, maxY: 0)
  // A small figure still gets a readable title width; a big one gives the title its own width.
  // A narrow figure widens rather than cut its title: the title says what the figure shows
  // (layer, head, step, the focused word), so it is cut only past `maximumTitleWidth`.
  // The subtitle (the sentence, and the notes) widens it up to 960 px, then is shortened.
  let titleWidth = measurer.width(
    of: tokenLabel(title.title), size: style.titleSize, weight: .bold)
  let fullSubtitle = ([title.subtitle.map(tokenLabel)].compactMap { $0 } + notes)
    .filter { !$0.isEmpty }.joined(separator: " · ")
  let subtitleWidth = measurer.width(of: fullSubtitle, size: style.fontSize, weight: .regular)
  let contentWidth = max(
    bodyBox.width, style.minimumWidth, min(titleWidth, maximumTitleWidth),
    min(subtitleWidth, 960))

  var heading = Canvas(measurer: measurer)
  var y = 0.0
  let titleText = shortened(
    tokenLabel(title.title), toWidth: contentWidth, size: style.titleSize, weight: .bold,
    measurer: measurer)
  if !title.title.isEmpty {
    y += measurer.ascent(size: style.titleSize)
    heading.text(
      TextItem(
        titleText, at: Point(0, y), size: style.titleSize, color: FigureStyle.ink, weight: .bold,
        role: "title"))
    y += measurer.descent(size: style.titleSize)
  }
  for (index, line) in subtitleLines(
    title.subtitle, notes: notes, width: contentWidth, style, measurer
  ).enumerated() {
    y += (y > 0 ? (index == 0 ? 6 : 2) : 0) + measurer.ascent(size: style.fontSize)
    heading.text(
      TextItem(
        line, at: Point(0, y), size: style.fontSize, color: FigureStyle.softInk, role: "subtitle"))
    y += measurer.descent(size: style.fontSize)
  }
  let headingWidth = heading.bounds.map { $0.maxX } ?? 0
  let width = max(bodyBox.width, headingWidth)
  let gap = y > 0 ? 18.0 : 0

  var scene = Scene(
    width: (width + 2 * margin).rounded(.up),
    height: (y + gap + bodyBox.height + 2 * margin).rounded(.up))
  scene.items = heading.items.map { $0.moved(margin, margin) }
  // Whole-pixel offsets keep cell edges on device pixels, so abutting cells show no seams.
  let dx = (margin + (width - bodyBox.width) / 2 - bodyBox.minX).rounded()
  let dy = (margin + y + gap - bodyBox.minY).rounded(.up)
  scene.items += body.items.map { $0.moved(dx, dy) }
  return scene
}

/// The widest a figure grows to hold its title uncut (a `--title` of a paragraph is still cut).
let maximumTitleWidth = 2400.0

/// The subtitle and the notes on one line when they fit; otherwise the notes go on a second
/// line rather than cut the subtitle (each line shortened with "…" only if it alone is too
/// wide).
private func subtitleLines(
  _ subtitle: String?, notes: [String], width: Double, _ style: FigureStyle,
  _ measurer: any TextMeasuring
) -> [String] {
  let separator = " · "
  let noteText = notes.joined(separator: separator)
  guard let subtitle, !subtitle.isEmpty else {
    return noteText.isEmpty
      ? []
      : [shortened(noteText, toWidth: width, size: style.fontSize, measurer: measurer)]
  }
  let shown = tokenLabel(subtitle)
  guard !noteText.isEmpty else {
    return [shortenedAtWord(shown, toWidth: width, size: style.fontSize, measurer: measurer)]
  }
  let line = shown + separator + noteText
  if measurer.width(of: line, size: style.fontSize, weight: .regular) <= width { return [line] }
  return [
    shortenedAtWord(shown, toWidth: width, size: style.fontSize, measurer: measurer),
    shortened(noteText, toWidth: width, size: style.fontSize, measurer: measurer),
  ]
}
