import AttnvizHTML
import AttnvizRender
import AttnvizViews
import Foundation

/// `slides.html` and `slides.pdf`: the deck as a slide show to present and to hand out. One
/// slide per figure file (an entry that makes several gets one slide each, "(2/5)" after its
/// title), 16:9, the entry's title at the top and its caption at the bottom. The figure is shown
/// without its empty margins (a `--preset slide` figure is padded to 16:9; on a slide with a
/// title and a caption that padding would only shrink it), and its PNG goes into the PDF as it
/// is, so it stays as sharp as the file.
public func deckSlideFiles(_ deck: Deck, figures: [DeckFigure], fontHome: String? = nil) throws
  -> [OutputFile]
{
  var fontOptions = FigureOptions()
  fontOptions.fontHome = fontHome
  let fonts = try loadFonts(fontOptions)
  var slides: [SlideShow.Slide] = []
  var pdf = PDFDocument(title: deck.title)
  let total = figures.reduce(0) { $0 + max(1, $1.images.count) }
  for figure in figures {
    let entry = figure.entry
    let images: [OutputFile?] = figure.images.isEmpty ? [nil] : figure.images
    for (index, file) in images.enumerated() {
      let title = images.count > 1 ? "\(entry.title) (\(index + 1)/\(images.count))" : entry.title
      let counter = "\(slides.count + 1) / \(total)"
      let bytes = file?.contents
      let isPNG = file?.name.hasSuffix(".png") ?? false
      let png = isPNG ? bytes : nil
      let decoded = try png.map { try decodePNG($0) }
      let crop = decoded.map(contentBox)
      // A figure on a dark page (`--preset dark`) gets a dark slide around it.
      let theme: FigureTheme =
        decoded.map { prefersDarkText(on: $0.pixel(x: 0, y: 0)) } == false ? .dark : .light
      let missing =
        png == nil
        ? "\(file?.name ?? "this entry") has no PNG for the PDF; add png to its format" : nil
      slides.append(
        SlideShow.Slide(
          title: title, caption: entry.caption, image: bytes,
          imageType: isPNG ? "image/png" : "image/svg+xml",
          size: decoded.map { ($0.width, $0.height) }, crop: crop,
          missing: bytes == nil ? missing : nil, dark: theme == .dark))
      pdf.pages.append(
        try slidePage(
          title: title, caption: entry.caption, counter: counter, png: png, crop: crop,
          missing: missing, theme: theme, fonts: fonts))
    }
  }
  return [
    OutputFile(name: "slides.html", text: SlideShow(title: deck.title, slides: slides).html()),
    OutputFile(name: "slides.pdf", contents: pdf.bytes()),
  ]
}

/// Points per slide pixel: a 1920×1080 slide is a 960×540 pt page (13.33 × 7.5 inches, the
/// size of a 16:9 presentation).
private let pointsPerPixel = 0.5

/// One PDF page: the frame (title, caption, number) drawn as an image, the figure's PNG placed
/// into the frame's figure area and cropped to its content, and the frame's text as an invisible
/// layer for search and copy.
private func slidePage(
  title: String, caption: String?, counter: String, png: [UInt8]?,
  crop: (x: Int, y: Int, width: Int, height: Int)?, missing: String?, theme: FigureTheme,
  fonts: FontSet
) throws -> PDFPage {
  let frame = slideFrame(
    title: title, caption: caption, counter: counter, missing: png == nil ? missing : nil,
    theme: theme, measurer: fonts)
  var page = PDFPage(
    width: SlideText.width * pointsPerPixel, height: SlideText.height * pointsPerPixel)
  let background = try PDFImage(png: renderPNG(frame.scene, scale: 1, fonts: fonts))
  page.images.append(
    PDFPlacement(
      image: background,
      frame: PDFRect(x: 0, y: 0, width: page.width, height: page.height)))
  if let png, let crop {
    let image = try PDFImage(png: png)
    let area = frame.figureArea
    let fit = min(area.width / Double(crop.width), area.height / Double(crop.height))
    let width = Double(crop.width) * fit
    let height = Double(crop.height) * fit
    let placed = PDFRect(
      x: (area.x + (area.width - width) / 2) * pointsPerPixel,
      y: (area.y + (area.height - height) / 2) * pointsPerPixel,
      width: width * pointsPerPixel, height: height * pointsPerPixel)
    page.images.append(
      PDFPlacement(
        image: image, frame: placed,
        crop: PDFRect(
          x: Double(crop.x), y: Double(crop.y), width: Double(crop.width),
          height: Double(crop.height))))
  }
  page.hiddenText = frame.lines.map {
    PDFHiddenLine(
      $0.text, x: $0.x * pointsPerPixel, y: $0.baseline * pointsPerPixel,
      size: $0.size * pointsPerPixel)
  }
  return page
}

/// The box of pixels that differ from the image's corner (its background), with a margin of 16
/// pixels kept; the whole image when nothing differs.
func contentBox(_ image: DecodedPNG) -> (x: Int, y: Int, width: Int, height: Int) {
  let background = image.pixel(x: 0, y: 0)
  var minX = image.width
  var minY = image.height
  var maxX = -1
  var maxY = -1
  image.rgba.withUnsafeBufferPointer { pixels in
    for y in 0..<image.height {
      let row = y * image.width * 4
      for x in 0..<image.width {
        let i = row + x * 4
        if pixels[i] != background.r || pixels[i + 1] != background.g
          || pixels[i + 2] != background.b
        {
          minX = min(minX, x)
          maxX = max(maxX, x)
          minY = min(minY, y)
          maxY = max(maxY, y)
        }
      }
    }
  }
  guard maxX >= minX, maxY >= minY else { return (0, 0, image.width, image.height) }
  let pad = 16
  let x0 = max(0, minX - pad)
  let y0 = max(0, minY - pad)
  let x1 = min(image.width, maxX + 1 + pad)
  let y1 = min(image.height, maxY + 1 + pad)
  return (x0, y0, x1 - x0, y1 - y0)
}
