import AttnvizRender
import Foundation
import Testing

/// `attnviz compare` through the binary: panels, headings, one scale, errors.
@Suite struct CompareTests {
  @Test func twoTextsGetOnePanelEachNamedByWhatDiffers() throws {
    let folder = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let stem = "The animal didn't cross the street because it was too"
    let run = try Binary.run([
      "compare", "\(stem) tired.", "\(stem) wide.", "--head", "1", "--format", "png,svg",
      "--out", folder.path,
    ])
    #expect(run.status == 0, "\(run.stderr)")
    #expect(listing(folder) == ["compare.png", "compare.svg"])
    let svg = try String(contentsOf: folder.appendingPathComponent("compare.svg"), encoding: .utf8)
    #expect(svg.contains(">Comparing texts · one colour scale (0–1)</text>"))
    #expect(svg.contains(">“…it was too tired.”</text>"))
    #expect(svg.contains(">“…it was too wide.”</text>"))
    #expect(svg.contains("built-in layer (random, untrained; d_model 8) · layer 1 · head 1"))
    // Both panels draw the full 0…1 colour bar: the same scale.
    #expect(svg.components(separatedBy: ">0.75</text>").count == 3)
    // The terminal gets one table per panel.
    #expect(run.stdout.components(separatedBy: "tired").count > 2)
    #expect(run.stdout.contains("wide"))
    let png = try decodePNG(
      [UInt8](try Data(contentsOf: folder.appendingPathComponent("compare.png"))))
    #expect(png.width > png.height)
  }

  @Test func causalAgainstBidirectional() throws {
    let folder = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let run = try Binary.run([
      "compare", "--versus-causal", "The cat sat.", "--format", "svg", "--out", folder.path,
      "--quiet",
    ])
    #expect(run.status == 0, "\(run.stderr)")
    let svg = try String(contentsOf: folder.appendingPathComponent("compare.svg"), encoding: .utf8)
    #expect(svg.contains(">Comparing causal and bidirectional · one colour scale (0–1)</text>"))
    #expect(svg.contains(">bidirectional</text>") && svg.contains(">causal</text>"))
    #expect(svg.contains("built-in layer (random, untrained; d_model 8) · layer 1 · average of 2 heads"))
  }

  @Test func tooFewOrTooManyPanelsAndWrongOptionsAreUsageErrors() throws {
    var run = try Binary.run(["compare", "only one text"])
    #expect(run.status == 2)
    #expect(run.stderr.contains("compare needs two or more panels"), "\(run.stderr)")
    run = try Binary.run([
      "compare", "a", "b", "c", "--head", "1", "--head", "2", "--layer", "1", "--layer", "1",
    ])
    #expect(run.status == 2)
    #expect(run.stderr.contains("too many to compare"), "\(run.stderr)")
    run = try Binary.run(["compare", "a", "b", "--format", "json"])
    #expect(run.status == 2)
    #expect(run.stderr.contains("compare writes png and svg"), "\(run.stderr)")
    run = try Binary.run(["compare", "a", "b", "--head", "0"])
    #expect(run.status == 2)
    #expect(run.stderr.split(separator: "\n").count == 1)
  }
}
