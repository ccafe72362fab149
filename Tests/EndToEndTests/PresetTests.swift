import AttnvizRender
import Foundation
import Testing

/// `--preset`, `--title` and `--subtitle` through the binary: files read back.
@Suite struct PresetTests {
  static let sentence = "The animal didn't cross the street because it was too tired."

  func run(_ arguments: [String]) throws -> URL {
    let folder = try temporaryFolder()
    let result = try Binary.run(arguments + ["--out", folder.path, "--quiet", Self.sentence])
    #expect(result.status == 0, "\(result.stderr)")
    return folder
  }

  func png(_ folder: URL, _ name: String) throws -> DecodedPNG {
    try decodePNG([UInt8](try Data(contentsOf: folder.appendingPathComponent(name))))
  }

  @Test func slideFiguresAreFullHD() throws {
    let folder = try run(["--preset", "slide", "--view", "heatmap,lines", "--head", "1"])
    defer { try? FileManager.default.removeItem(at: folder) }
    for name in listing(folder) where name.hasSuffix(".png") {
      let image = try png(folder, name)
      #expect((image.width, image.height) == (1920, 1080), "\(name)")
    }
    #expect(listing(folder).filter { $0.hasSuffix(".png") }.count == 2)
  }

  @Test func anExplicitScaleWinsOverThePreset() throws {
    let folder = try run(["--preset", "slide", "--view", "heatmap", "--head", "1", "--scale", "1"])
    defer { try? FileManager.default.removeItem(at: folder) }
    let image = try png(folder, "heatmap-layer1-head1.png")
    #expect(image.width < 1920)
    // Still 16:9: the canvas is the preset's, the scale the user's.
    #expect(abs(Double(image.width) / Double(image.height) - 16.0 / 9.0) < 0.01)
  }

  @Test func paperWritesSVGUnlessFormatIsGiven() throws {
    var folder = try run(["--preset", "paper", "--view", "heatmap", "--head", "1"])
    #expect(listing(folder) == ["attention.json", "heatmap-layer1-head1.svg"])
    let svg = try String(
      contentsOf: folder.appendingPathComponent("heatmap-layer1-head1.svg"), encoding: .utf8)
    #expect(svg.contains("font-size=\"11\""))
    try? FileManager.default.removeItem(at: folder)
    folder = try run(["--preset", "paper", "--view", "heatmap", "--head", "1", "--format", "png"])
    #expect(listing(folder) == ["heatmap-layer1-head1.png"])
    try? FileManager.default.removeItem(at: folder)
  }

  @Test func darkHasADarkPageAndLightTitles() throws {
    let folder = try run([
      "--preset", "dark", "--view", "heatmap", "--head", "1", "--format", "png,svg",
    ])
    defer { try? FileManager.default.removeItem(at: folder) }
    let corner = try png(folder, "heatmap-layer1-head1.png").pixel(x: 2, y: 2)
    #expect(corner == RGBA(24, 26, 31))
    let svg = try String(
      contentsOf: folder.appendingPathComponent("heatmap-layer1-head1.svg"), encoding: .utf8)
    #expect(svg.contains("class=\"title\"") && svg.contains("fill=\"#ececec\""))
  }

  @Test func titleAndSubtitleReplaceTheGeneratedOnes() throws {
    let folder = try run([
      "--view", "heatmap", "--head", "1", "--format", "svg", "--title", "It looks back",
      "--subtitle", "",
    ])
    defer { try? FileManager.default.removeItem(at: folder) }
    let svg = try String(
      contentsOf: folder.appendingPathComponent("heatmap-layer1-head1.svg"), encoding: .utf8)
    #expect(svg.contains(">It looks back</text>"))
    #expect(!svg.contains("class=\"subtitle\""))
    #expect(!svg.contains("Self-attention · head 1"))
    // The subtitle's room goes with it: the PNG is shorter by about a line, the width the same.
    let generated = try run(["--view", "heatmap", "--head", "1", "--format", "png"])
    defer { try? FileManager.default.removeItem(at: generated) }
    let without = try run(["--view", "heatmap", "--head", "1", "--format", "png", "--subtitle", ""])
    defer { try? FileManager.default.removeItem(at: without) }
    let full = try png(generated, "heatmap-layer1-head1.png")
    let cut = try png(without, "heatmap-layer1-head1.png")
    #expect(cut.width == full.width)
    #expect(full.height - cut.height >= 2 * 15 && full.height - cut.height <= 2 * 25)
  }
}
