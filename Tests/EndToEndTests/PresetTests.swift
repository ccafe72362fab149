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

  /// `--preset slide,dark` and `--preset slide --preset dark` both give a 1920×1080 figure on a
  /// dark page (neither keeps only one of them); slide with paper is refused.
  @Test(arguments: [["--preset", "slide,dark"], ["--preset", "slide", "--preset", "dark"]])
  func presetsCombine(_ presets: [String]) throws {
    let folder = try run(presets + ["--view", "heatmap", "--head", "1", "--causal"])
    defer { try? FileManager.default.removeItem(at: folder) }
    let image = try png(folder, "heatmap-layer1-head1.png")
    #expect((image.width, image.height) == (1920, 1080))
    let corner = image.pixel(x: 2, y: 2)
    #expect(relativeLuminance(corner) < 0.05, "\(corner)")
    // No light block anywhere: the masked triangle is dark too (the brightest pixels are the
    // text and the colour map's yellow).
    var light = 0
    for y in stride(from: 0, to: image.height, by: 2) {
      for x in stride(from: 0, to: image.width, by: 2) {
        let p = image.pixel(x: x, y: y)
        if p.r > 200 && p.g > 200 && p.b > 200 { light += 1 }
      }
    }
    #expect(light < 6000, "\(light) light pixels")
    let refused = try Binary.run(["--preset", "slide,paper", "x"])
    #expect(refused.status == 2)
    #expect(refused.stderr.contains("choose one"), "\(refused.stderr)")
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

/// `--hide-special` leaves rows that sum to less than 1: the subtitle says how much, or
/// `--renormalize` rescales them and says so.
@Suite struct HiddenTokenRowsTests {
  static let model = Binary.packageRoot.appendingPathComponent("models/all-MiniLM-L6-v2").path
  static let present =
    FileManager.default.fileExists(atPath: model + "/model.safetensors")
    || ProcessInfo.processInfo.environment["ATTNVIZ_REQUIRE_MODELS"] == "1"

  func subtitle(_ extra: [String]) throws -> String {
    let folder = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let run = try Binary.run(
      [
        "--model", Self.model, "--layer", "4", "--head", "2", "--hide-special", "--view",
        "heatmap", "--format", "svg", "--out", folder.path, "--quiet",
      ] + extra + [PresetTests.sentence])
    #expect(run.status == 0, "\(run.stderr)")
    return try String(
      contentsOf: folder.appendingPathComponent("heatmap-layer4-head02.svg"), encoding: .utf8)
  }

  @Test(.enabled(if: present, "run `make model` first"))
  func theSubtitleSaysTheRowSumsOrTheRenormalisation() throws {
    let plain = try subtitle([])
    let range = try #require(
      plain.range(of: #"rows sum to 0\.[0-9]{2}–0\.[0-9]{2}"#, options: .regularExpression))
    #expect(!plain.contains("renormalised"))
    _ = range
    let renormalised = try subtitle(["--renormalize"])
    #expect(renormalised.contains("rows renormalised to 1"), "\(renormalised.prefix(2000))")
    #expect(!renormalised.contains("rows sum to"))
    let refused = try Binary.run(["--renormalize", "x"])
    #expect(refused.status == 2)
    #expect(refused.stderr.contains("add --hide-special"), "\(refused.stderr)")
  }
}
