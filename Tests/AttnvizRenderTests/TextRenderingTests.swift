import Testing

@testable import AttnvizRender

@Suite("Text rendering")
struct TextRenderingTests {
  /// Ink of one text item on white at scale 2, with the item's measured box in device pixels.
  func render(_ item: TextItem, fonts: FontSet = Fonts.system) throws -> (DecodedPNG, InkBox?) {
    var scene = Scene(width: 200, height: 200)
    scene.add(.text(item))
    let image = try roundTrip(scene, scale: 2, fonts: fonts)
    return (image, inkBox(image, background: .white))
  }

  @Test("ink lies inside the measured box", arguments: [TextAnchor.start, .middle, .end])
  func inkInsideMeasuredBox(anchor: TextAnchor) throws {
    let item = TextItem(
      "Wavy gjq|", at: Point(100, 100), size: 14, anchor: anchor, weight: .bold)
    let fonts = Fonts.system
    let width = fonts.width(of: item.string, size: 14, weight: .bold)
    let left = 100 - width * (anchor == .start ? 0 : anchor == .middle ? 0.5 : 1)
    let (_, box) = try render(item)
    let ink = try #require(box)
    // Device coordinates are logical × 2; allow one device pixel of anti-aliasing.
    #expect(Double(ink.minX) >= 2 * left - 1)
    #expect(Double(ink.maxX) <= 2 * (left + width) + 1)
    #expect(Double(ink.minY) >= 2 * (100 - fonts.ascent(size: 14)) - 1)
    #expect(Double(ink.maxY) <= 2 * (100 + fonts.descent(size: 14)) + 1)
    // And the ink really fills the box: it starts near the left and ends near the right edge.
    #expect(Double(ink.minX) <= 2 * left + 4)
    #expect(Double(ink.maxX) >= 2 * (left + width) - 6)
  }

  @Test("rotation 90 reads bottom to top: ink above the anchor, left of it")
  func rotation90() throws {
    let item = TextItem("Rotated", at: Point(100, 150), size: 14, rotation: 90)
    let width = Fonts.system.width(of: item.string, size: 14, weight: .regular)
    let ink = try #require(try render(item).1)
    #expect(ink.maxY <= 300 + 1)  // starts at the anchor and runs up
    #expect(Double(ink.minY) >= 2 * (150 - width) - 1)
    #expect(Double(ink.minY) <= 2 * (150 - width) + 6)
    #expect(ink.maxX <= 200 + 1)  // glyphs stand on the baseline, which is now a vertical line
    #expect(ink.minX >= 200 - 2 * 14)
  }

  @Test("rotation 45 rises to the right")
  func rotation45() throws {
    let item = TextItem("Slanted label", at: Point(50, 150), size: 14, rotation: 45)
    let ink = try #require(try render(item).1)
    #expect(ink.minX >= 100 - 20 && ink.maxY <= 300 + 20)
    #expect(ink.maxX > 150 && ink.minY < 250)  // up and to the right of the anchor
  }

  @Test("measured width is the drawn pen travel at every scale")
  func widthMatchesPen() throws {
    let fonts = Fonts.system
    let layout = fonts.layout("AVAVA To", weight: .regular)
    #expect(fonts.width(of: "AVAVA To", size: 10, weight: .regular) == layout.width * 10)
    // DejaVu kerns "AV": the kerned run is narrower than the sum of single glyphs.
    let unkerned = "AVAVA To".map { fonts.width(of: String($0), size: 10, weight: .regular) }
    #expect(layout.width * 10 < unkerned.reduce(0, +) - 0.1)
    #expect(fonts.width(of: "", size: 10, weight: .regular) == 0)
  }

  @Test("a character no font has draws a visible box, and does not crash")
  func missingGlyph() throws {
    for fonts in [Fonts.system, Fonts.builtIn] {
      #expect(!fonts.hasGlyph(for: "\u{E000}"))
      let item = TextItem("\u{E000}", at: Point(20, 100), size: 16)
      let (_, box) = try render(item, fonts: fonts)
      let ink = try #require(box)
      #expect(ink.maxX - ink.minX >= 8 && ink.maxY - ink.minY >= 12)
      #expect(fonts.width(of: "\u{E000}", size: 16, weight: .regular) > 4)
    }
  }

  @Test("control characters are drawn as U+FFFD, not skipped")
  func controlCharacters() throws {
    let fonts = Fonts.system
    let withControl = fonts.width(of: "a\u{1B}b", size: 10, weight: .regular)
    let withReplacement = fonts.width(of: "a\u{FFFD}b", size: 10, weight: .regular)
    #expect(withControl == withReplacement)
  }
}
