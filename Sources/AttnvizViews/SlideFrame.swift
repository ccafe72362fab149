import AttnvizRender

/// A deck slide around one figure: the entry's title at the top, its caption at the bottom, the
/// slide's number in the corner, and the room between them for the figure (drawn by whoever
/// places the image: the PDF page, the HTML slide). 1920×1080 logical pixels, 16:9.
public struct SlideFrame: Sendable {
  public var scene: Scene
  /// Where the figure goes, in the scene's pixels.
  public var figureArea: (x: Double, y: Double, width: Double, height: Double)
  /// The lines as drawn (title lines, then caption lines), with their baseline and size, for a
  /// text layer over the image.
  public var lines: [(text: String, x: Double, baseline: Double, size: Double)]
}

/// Sizes of a slide's text: read from the back of a lecture hall on a 1080p projector, and at
/// least as large as the figures' own labels with `--preset slide` (22 px).
public enum SlideText {
  public static let width = 1920.0
  public static let height = 1080.0
  public static let margin = 56.0
  public static let titleSize = 46.0
  /// The caption shrinks to the next size when it would take more than `captionLines` lines.
  public static let captionSizes = [32.0, 28.0, 24.0]
  public static let captionLines = 4
  public static let counterSize = 22.0
}

/// The slide's frame. `counter` ("3 / 18") goes at the bottom right; `missing` is said in the
/// figure's place when there is no image to place there. `theme` is the figure's: a dark figure
/// (`--preset dark`) sits on a dark slide, in the dark preset's colours.
public func slideFrame(
  title: String, caption: String?, counter: String, missing: String? = nil,
  theme: FigureTheme = .light, measurer: any TextMeasuring
) -> SlideFrame {
  var frame = lightSlideFrame(
    title: title, caption: caption, counter: counter, missing: missing, measurer: measurer)
  frame.scene = themed(frame.scene, theme)
  return frame
}

private func lightSlideFrame(
  title: String, caption: String?, counter: String, missing: String?,
  measurer: any TextMeasuring
) -> SlideFrame {
  let m = SlideText.margin
  let width = SlideText.width - 2 * m
  var scene = Scene(width: SlideText.width, height: SlideText.height)
  var lines: [(text: String, x: Double, baseline: Double, size: Double)] = []

  let titleSize = SlideText.titleSize
  let titleLines = wrappedLines(
    tokenLabel(title), width: width, size: titleSize, weight: .bold, measurer: measurer,
    maximum: 2)
  var y = m
  for line in titleLines {
    y += measurer.ascent(size: titleSize)
    scene.items.append(
      .text(
        TextItem(
          line, at: Point(m, y), size: titleSize, color: FigureStyle.ink, weight: .bold,
          role: "title")))
    lines.append((line, m, y, titleSize))
    y += measurer.descent(size: titleSize) + 6
  }
  let figureTop = y + 18

  // The caption from the bottom up: the largest size at which it fits its lines.
  let counterSize = SlideText.counterSize
  var bottom = SlideText.height - m
  var captionLines: [String] = []
  var captionSize = SlideText.captionSizes[0]
  if let caption, !caption.isEmpty {
    for size in SlideText.captionSizes {
      captionSize = size
      captionLines = wrappedLines(
        tokenLabel(caption), width: width, size: size, weight: .regular, measurer: measurer,
        maximum: size == SlideText.captionSizes.last ? SlideText.captionLines + 2 : nil)
      if captionLines.count <= SlideText.captionLines { break }
    }
  }
  let leading = captionSize * 1.3
  let captionTop = bottom - Double(captionLines.count) * leading
  for (index, line) in captionLines.enumerated() {
    let baseline = captionTop + Double(index) * leading + measurer.ascent(size: captionSize)
    scene.items.append(
      .text(
        TextItem(
          line, at: Point(m, baseline), size: captionSize, color: FigureStyle.ink,
          role: "caption")))
    lines.append((line, m, baseline, captionSize))
  }
  bottom = captionLines.isEmpty ? bottom - counterSize * 1.5 : captionTop - 18
  scene.items.append(
    .text(
      TextItem(
        counter, at: Point(SlideText.width - 20, SlideText.height - 16), size: counterSize,
        color: FigureStyle.softInk, anchor: .end, role: "slide-number")))
  let area = (x: m, y: figureTop, width: width, height: max(1, bottom - figureTop))
  if let missing {
    scene.items.append(
      .text(
        TextItem(
          missing, at: Point(SlideText.width / 2, area.y + area.height / 2),
          size: SlideText.captionSizes[0], color: FigureStyle.softInk, anchor: .middle,
          role: "note")))
  }
  return SlideFrame(scene: scene, figureArea: area, lines: lines)
}

/// `text` broken at spaces into lines at most `width` wide (a word wider than the line is cut
/// with "…"); with `maximum`, the last line kept ends with "…" when more would follow.
public func wrappedLines(
  _ text: String, width: Double, size: Double, weight: FontWeight, measurer: any TextMeasuring,
  maximum: Int? = nil
) -> [String] {
  var lines: [String] = []
  var current = ""
  for word in text.split(separator: " ", omittingEmptySubsequences: true) {
    let candidate = current.isEmpty ? String(word) : current + " " + word
    if measurer.width(of: candidate, size: size, weight: weight) <= width || current.isEmpty {
      current = candidate
    } else {
      lines.append(current)
      current = String(word)
    }
  }
  if !current.isEmpty { lines.append(current) }
  lines = lines.map {
    shortened($0, toWidth: width, size: size, weight: weight, measurer: measurer)
  }
  if let maximum, lines.count > maximum {
    let kept = lines[maximum - 1] + " …"
    lines = Array(lines.prefix(maximum - 1))
    lines.append(shortened(kept, toWidth: width, size: size, weight: weight, measurer: measurer))
  }
  return lines
}
