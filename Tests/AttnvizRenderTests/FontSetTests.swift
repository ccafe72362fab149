import Foundation
import Testing

@testable import AttnvizRender

@Suite("FontSet")
struct FontSetTests {
  @Test("the built-in DejaVu renders text without any font file")
  func builtInFont() throws {
    let fonts = Fonts.builtIn
    #expect(fonts.usesBuiltInFont)
    #expect(fonts.primaryFontName == "DejaVu Sans Book")
    #expect(fonts.report.allSatisfy { $0.hasSuffix("(built in)") })
    for scalar in ["A", "é", "Ġ", "Σ", "Ж", "→", "∑"] as [Unicode.Scalar] {
      #expect(fonts.hasGlyph(for: scalar), "built-in font lacks \(scalar)")
      #expect(fonts.hasGlyph(for: scalar, weight: .bold), "built-in bold lacks \(scalar)")
    }
    var scene = Scene(width: 100, height: 30)
    scene.add(.text(TextItem("Hello", at: Point(5, 20), size: 14)))
    let image = try roundTrip(scene, scale: 1, fonts: fonts)
    #expect(inkBox(image, background: .white) != nil)
  }

  @Test(
    "system DejaVu and the built-in subset give the same pixels and widths",
    .enabled(if: !Fonts.system.usesBuiltInFont, "no system DejaVu installed"))
  func builtInMatchesSystem() throws {
    for weight in [FontWeight.regular, .bold] {
      let text = "Attention Ġthe ##ing Σ→"
      #expect(
        Fonts.system.width(of: text, size: 13, weight: weight)
          == Fonts.builtIn.width(of: text, size: 13, weight: weight))
    }
    #expect(Fonts.system.ascent(size: 10) == Fonts.builtIn.ascent(size: 10))
    let system = try roundTrip(demoScene(), scale: 2, fonts: Fonts.system)
    let builtIn = try roundTrip(demoScene(), scale: 2, fonts: Fonts.builtIn)
    let differing = zip(system.rgba, builtIn.rgba).filter { $0 != $1 }.count
    #expect(differing == 0)
  }

  @Test("DejaVu metrics: ascent 1901/2048 em, descent 483/2048 em")
  func metrics() {
    #expect(Fonts.builtIn.ascent(size: 2048) == 1901)
    #expect(Fonts.builtIn.descent(size: 2048) == 483)
    // Advance of "0" in DejaVu Sans is 1303 units.
    #expect(Fonts.builtIn.width(of: "0", size: 2048, weight: .regular) == 1303)
  }

  @Test("--font with a missing file or a non-font is a clear error")
  func badUserFont() throws {
    #expect(
      throws: FontError.unreadable(
        path: "/no/such/font.ttf", reason: "does not exist; check the path")
    ) {
      try FontSet(fontPath: "/no/such/font.ttf")
    }
    let notAFont = FileManager.default.temporaryDirectory
      .appendingPathComponent("attnviz-not-a-font-\(getpid()).ttf")
    try Data("hello".utf8).write(to: notAFont)
    defer { try? FileManager.default.removeItem(at: notAFont) }
    do {
      _ = try FontSet(fontPath: notAFont.path)
      Issue.record("a text file was accepted as a font")
    } catch let error as FontError {
      guard case .notAFont = error else { throw error }
      #expect(error.description.contains(notAFont.path))
    }
    #expect(throws: FontError.self) { try FontSet(fontPath: "/tmp") }
  }

  static let serifPath = "/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf"

  @Test(
    "--font with a real font puts it first, DejaVu after it",
    .enabled(if: FileManager.default.isReadableFile(atPath: serifPath), "no DejaVu Serif"))
  func userFont() throws {
    let path = Self.serifPath
    let fonts = try FontSet(fontPath: path)
    #expect(fonts.primaryFontName == "DejaVu Serif Book")
    #expect(fonts.report[0].contains(path))
    #expect(
      fonts.width(of: "Serif", size: 10, weight: .regular)
        != Fonts.system.width(of: "Serif", size: 10, weight: .regular))
    var scene = Scene(width: 100, height: 30)
    scene.add(.text(TextItem("Bold", at: Point(5, 20), size: 14, weight: .bold)))
    #expect(inkBox(try roundTrip(scene, scale: 1, fonts: fonts), background: .white) != nil)
    // "∅" (U+2205) is in DejaVu Sans but not DejaVu Serif: it falls back to Sans.
    #expect(
      fonts.width(of: "\u{2205}", size: 10, weight: .regular)
        == Fonts.system.width(of: "\u{2205}", size: 10, weight: .regular))
    #expect(fonts.hasGlyph(for: "\u{2205}"))
  }

  @Test("the user's font folders are searched only under the home folder the caller gives")
  func homeFontFolders() throws {
    let home = FileManager.default.temporaryDirectory
      .appendingPathComponent("attnviz-font-home-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: home) }
    let folder = home.appendingPathComponent(".local/share/fonts")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    let font = folder.appendingPathComponent("AttnvizTestOnly-Regular.ttf")
    try Data([0]).write(to: font)
    #expect(FontSearch.folders(home: nil) == ["/usr/share/fonts", "/usr/local/share/fonts"])
    #expect(FontSearch.installed(home: home.path)["AttnvizTestOnly-Regular.ttf"] == font.path)
    #expect(FontSearch.installed(home: nil)["AttnvizTestOnly-Regular.ttf"] == nil)
  }
}
