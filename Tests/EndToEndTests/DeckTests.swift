import AttnvizRender
import Foundation
import Testing

/// `attnviz deck` as a lecturer runs it: a TOML file in, a numbered folder with an index out.
@Suite(.serialized) struct DeckTests {
  static let deck = """
    title = "Self-attention in three figures"

    [defaults]
    text = "The cat sat on the mat."

    [[figure]]
    title = "One head of the random layer"
    caption = "Rows are queries, columns keys."
    view = "heatmap"
    head = 2

    [[figure]]
    title = "Positions"
    view = "pe"
    positions = 12
    dim = 16

    [[figure]]
    title = "The scores step"
    view = "explain"
    step = 5
    text = "the cat sat"
    """

  func writeDeck(_ text: String, in folder: URL) throws -> String {
    let path = folder.appendingPathComponent("deck.toml").path
    try text.write(toFile: path, atomically: true, encoding: .utf8)
    return path
  }

  @Test func deckWritesNumberedFiguresAndAnIndex() throws {
    let folder = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let out = folder.appendingPathComponent("lecture")
    let run = try Binary.run(["deck", try writeDeck(Self.deck, in: folder), "--out", out.path])
    #expect(run.status == 0, "\(run.stderr)")
    #expect(
      listing(out) == [
        "01-heatmap-layer1-head2.png", "02-pe.png", "03-step-05-scores.png", "index.html",
        "index.md", "slides.html", "slides.pdf",
      ])
    let index = try String(contentsOf: out.appendingPathComponent("index.md"), encoding: .utf8)
    #expect(index.hasPrefix("# Self-attention in three figures\n"))
    #expect(index.contains("## 1. One head of the random layer\n\nRows are queries, columns keys."))
    #expect(index.contains("![One head of the random layer](01-heatmap-layer1-head2.png)"))
    #expect(index.contains("attnviz pe --dim 16 --positions 12\n"))
    let html = try String(contentsOf: out.appendingPathComponent("index.html"), encoding: .utf8)
    #expect(html.components(separatedBy: "src=\"data:image/png;base64,").count == 4)
    #expect(!html.contains("http://") && !html.contains("https://"))
  }

  /// The index's command, run alone, makes the same bytes as the deck did.
  @Test func theIndexCommandMakesTheFigureAlone() throws {
    let folder = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let out = folder.appendingPathComponent("lecture")
    let deck = try writeDeck(Self.deck, in: folder)
    #expect(try Binary.run(["deck", deck, "--out", out.path, "--quiet"]).status == 0)
    let alone = folder.appendingPathComponent("alone")
    let run = try Binary.run([
      "show", "--view", "heatmap", "--format", "png", "--head", "2", "--out", alone.path,
      "--quiet", "--", "The cat sat on the mat.",
    ])
    #expect(run.status == 0, "\(run.stderr)")
    let fromDeck = try Data(contentsOf: out.appendingPathComponent("01-heatmap-layer1-head2.png"))
    let byItself = try Data(contentsOf: alone.appendingPathComponent("heatmap-layer1-head2.png"))
    #expect(fromDeck == byItself)
    let index = try String(contentsOf: out.appendingPathComponent("index.md"), encoding: .utf8)
    #expect(
      index.contains(
        "attnviz show --view heatmap --format png --head 2 -- 'The cat sat on the mat.'"))
  }

  /// The tools that read a PDF as a reader's viewer would (poppler-utils); CI installs them.
  static func tool(_ name: String) -> String? {
    ["/usr/bin/", "/usr/local/bin/"].map { $0 + name }.first {
      FileManager.default.isExecutableFile(atPath: $0)
    }
  }
  static let pdfToolsPresent =
    tool("pdftotext") != nil && tool("pdftoppm") != nil && tool("pdfinfo") != nil
    || ProcessInfo.processInfo.environment["ATTNVIZ_REQUIRE_BROWSER"] == "1"

  /// slides.pdf as poppler reads it: one 16:9 page per figure, the deck's titles and filled
  /// captions as its text, each page drawn with its figure's colours between the title and the
  /// caption; qpdf finds no error in its structure.
  @Test(.enabled(if: pdfToolsPresent, "needs poppler-utils (apt-get install poppler-utils)"))
  func slidesPDFHoldsOnePagePerFigureWithTitleAndCaption() throws {
    let folder = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let deck = Self.deck.replacingOccurrences(
      of: "caption = \"Rows are queries, columns keys.\"",
      with: "caption = \"Rows are queries; 'cat' gives 'mat' {cat->mat} (head {head}).\""
    )
    .replacingOccurrences(of: "[defaults]", with: "[defaults]\npreset = \"slide\"")
    let out = folder.appendingPathComponent("lecture")
    let run = try Binary.run(["deck", try writeDeck(deck, in: folder), "--out", out.path])
    #expect(run.status == 0, "\(run.stderr)")
    let pdf = out.appendingPathComponent("slides.pdf").path
    let info = try runProcess(
      URL(fileURLWithPath: try #require(Self.tool("pdfinfo"))), [pdf], environment: [:])
    #expect(info.stdout.contains("Pages:           3"), "\(info.stdout)")
    #expect(info.stdout.contains("Page size:       960 x 540 pts"), "\(info.stdout)")
    #expect(info.stdout.contains("Title:           Self-attention in three figures"))
    let text = try runProcess(
      URL(fileURLWithPath: try #require(Self.tool("pdftotext"))), ["-layout", pdf, "-"],
      environment: [:]
    ).stdout
    #expect(text.contains("One head of the random layer"), "\(text)")
    #expect(text.contains("The scores step"))
    // The caption as the index says it, its placeholder filled.
    let index = try String(contentsOf: out.appendingPathComponent("index.md"), encoding: .utf8)
    let caption = try #require(
      index.split(separator: "\n").first { $0.hasPrefix("Rows are queries;") })
    #expect(!caption.contains("{"))
    #expect(text.contains(caption.replacingOccurrences(of: "\\", with: "")), "\(text)")
    if let qpdf = Self.tool("qpdf") {
      let check = try runProcess(URL(fileURLWithPath: qpdf), ["--check", pdf], environment: [:])
      #expect(check.status == 0, "\(check.stdout)")
      #expect(check.stdout.contains("No syntax or stream encoding errors"))
    }
    // Page 1 at 144 dpi is the 1920×1080 slide: dark title ink at the top, the heatmap's
    // viridis colours in the middle, white margins at the sides.
    let prefix = folder.appendingPathComponent("page").path
    let render = try runProcess(
      URL(fileURLWithPath: try #require(Self.tool("pdftoppm"))),
      ["-r", "144", "-f", "1", "-l", "1", "-png", "-singlefile", pdf, prefix], environment: [:])
    #expect(render.status == 0, "\(render.stderr)")
    let page = try decodePNG([UInt8](try Data(contentsOf: URL(fileURLWithPath: prefix + ".png"))))
    #expect(page.width == 1920 && page.height == 1080)
    func count(_ rows: Range<Int>, _ test: (RGBA) -> Bool) -> Int {
      var n = 0
      for y in rows {
        for x in stride(from: 0, to: page.width, by: 2) where test(page.pixel(x: x, y: y)) {
          n += 1
        }
      }
      return n
    }
    let ink = count(40..<110) { $0.r < 80 && $0.g < 80 && $0.b < 80 }
    #expect(ink > 500, "title ink \(ink)")
    // viridis: green or blue well above red.
    let colour = count(300..<800) { Int($0.g) > Int($0.r) + 40 || Int($0.b) > Int($0.r) + 40 }
    #expect(colour > 20_000, "figure colour \(colour)")
  }

  /// `preset = "slide,dark"`: the slide around a dark figure is dark too, in the PDF (the
  /// frame's corners and margins dark, its title light) and in slides.html; a light deck's
  /// slides stay light.
  @Test(.enabled(if: pdfToolsPresent, "needs poppler-utils (apt-get install poppler-utils)"))
  func aDarkDeckHasDarkSlides() throws {
    let folder = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let dark = Self.deck.replacingOccurrences(
      of: "[defaults]", with: "[defaults]\npreset = \"slide,dark\"")
    let out = folder.appendingPathComponent("dark")
    let run = try Binary.run(["deck", try writeDeck(dark, in: folder), "--out", out.path])
    #expect(run.status == 0, "\(run.stderr)")
    let html = try String(contentsOf: out.appendingPathComponent("slides.html"), encoding: .utf8)
    #expect(html.components(separatedBy: "<section class=\"slide dark\"").count == 4)
    let prefix = folder.appendingPathComponent("page").path
    let render = try runProcess(
      URL(fileURLWithPath: try #require(Self.tool("pdftoppm"))),
      [
        "-r", "144", "-f", "1", "-l", "1", "-png", "-singlefile",
        out.appendingPathComponent("slides.pdf").path, prefix,
      ], environment: [:])
    #expect(render.status == 0, "\(render.stderr)")
    let page = try decodePNG([UInt8](try Data(contentsOf: URL(fileURLWithPath: prefix + ".png"))))
    func isDark(_ p: RGBA) -> Bool { Int(p.r) + Int(p.g) + Int(p.b) < 3 * 60 }
    for (x, y) in [(4, 4), (page.width - 4, 4), (4, page.height - 4), (20, page.height / 2)] {
      #expect(isDark(page.pixel(x: x, y: y)), "slide pixel (\(x), \(y)) is light")
    }
    var light = 0
    for y in 40..<110 {
      for x in stride(from: 0, to: page.width, by: 2) {
        let p = page.pixel(x: x, y: y)
        if p.r > 200 && p.g > 200 && p.b > 200 { light += 1 }
      }
    }
    #expect(light > 500, "title ink \(light)")
    let lightOut = folder.appendingPathComponent("light")
    #expect(
      try Binary.run(["deck", try writeDeck(Self.deck, in: folder), "--out", lightOut.path])
        .status == 0)
    let lightHTML = try String(
      contentsOf: lightOut.appendingPathComponent("slides.html"), encoding: .utf8)
    #expect(!lightHTML.contains("slide dark"))
  }

  @Test func anInvalidEntryNamesItselfAndItsKeyAndWritesNothing() throws {
    let folder = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let out = folder.appendingPathComponent("lecture")
    let bad = Self.deck + "\n\n[[figure]]\ntitle = \"Broken\"\nview = \"heatmap\"\nlayer = 0\n"
    let run = try Binary.run(["deck", try writeDeck(bad, in: folder), "--out", out.path])
    #expect(run.status == 2)
    #expect(run.stderr.hasPrefix("attnviz: error: "))
    #expect(run.stderr.contains("figure 4 (“Broken”): key \"layer\": "), "\(run.stderr)")
    #expect(run.stderr.split(separator: "\n").count == 1)
    #expect(!FileManager.default.fileExists(atPath: out.path))
  }

  @Test func aFailureWhileRunningLeavesNoFiles() throws {
    let folder = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let out = folder.appendingPathComponent("lecture")
    // Valid to the parser, fails when run: the built-in layer has 2 heads, not 7.
    let bad = Self.deck + "\n\n[[figure]]\ntitle = \"Too far\"\nview = \"heatmap\"\nhead = 7\n"
    let run = try Binary.run(["deck", try writeDeck(bad, in: folder), "--out", out.path])
    #expect(run.status != 0)
    #expect(run.stderr.contains("figure 4 (“Too far”)"), "\(run.stderr)")
    #expect(listing(out).isEmpty, "\(listing(out))")
  }

  @Test func keysTheDeckOwnsAndBrokenTOMLAreUsageErrors() throws {
    let folder = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let owned = "[[figure]]\ntext = \"a b\"\nout = \"/tmp/elsewhere\"\n"
    var run = try Binary.run(["deck", try writeDeck(owned, in: folder), "--out", folder.path])
    #expect(run.status == 2)
    #expect(run.stderr.contains("figure 1 (“Figure 1”): key \"out\""), "\(run.stderr)")
    run = try Binary.run(["deck", try writeDeck("[[figure]\ntext = 1", in: folder)])
    #expect(run.status == 2)
    #expect(run.stderr.contains("line 1"), "\(run.stderr)")
    run = try Binary.run(["deck", try writeDeck("title = \"empty\"\n", in: folder)])
    #expect(run.status == 2)
    #expect(run.stderr.contains("lists no figures"), "\(run.stderr)")
  }

  @Test(
    .enabled(
      if: FileManager.default.fileExists(
        atPath: Binary.packageRoot.appendingPathComponent(
          "models/all-MiniLM-L6-v2/model.safetensors"
        )
        .path), "run `make model` first"))
  func theLectureDeckBuilds() throws {
    let folder = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let deck = Binary.packageRoot.appendingPathComponent("samples/lecture.toml").path
    let run = try Binary.run(
      ["deck", deck, "--out", folder.path, "--quiet"], in: Binary.packageRoot)
    #expect(run.status == 0, "\(run.stderr)")
    #expect(listing(folder).contains("index.html"))
    #expect(listing(folder).filter { $0.hasSuffix(".png") }.count >= 10)
  }
}
