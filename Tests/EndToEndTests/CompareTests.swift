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
    #expect(
      svg.contains("built-in layer (random, untrained; d_model 8) · layer 1 · average of 2 heads"))
  }

  /// `--hide-special` leaves rows summing to less than 1, and each panel's subtitle says how
  /// much; `--renormalize` divides each shown row by its sum, and the subtitle says that instead.
  @Test func hiddenSpecialTokensSayTheirRowSumsOrAreRenormalised() throws {
    let folder = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let model = Binary.packageRoot.appendingPathComponent(
      "Tests/AttnvizModelTests/Fixtures/tiny-bert"
    ).path
    let texts = ["the cat sat", "the dog ran"]
    func svg() throws -> String {
      try String(contentsOf: folder.appendingPathComponent("compare.svg"), encoding: .utf8)
    }
    var run = try Binary.run(
      [
        "compare", "--model", model, "--hide-special", "--format", "svg", "--quiet", "--out",
        folder.path,
      ] + texts)
    #expect(run.status == 0, "\(run.stderr)")
    #expect(try svg().components(separatedBy: "special tokens hidden: rows sum to ").count == 3)
    run = try Binary.run(
      [
        "compare", "--model", model, "--hide-special", "--renormalize", "--no-color",
        "--format", "svg", "--out", folder.path,
      ] + texts)
    #expect(run.status == 0, "\(run.stderr)")
    #expect(
      try svg().components(separatedBy: "special tokens hidden, rows renormalised to 1").count
        == 3)
    // Every printed row of the tables sums to 1 (two decimals each, five tokens a row).
    let rows = run.stdout.split(separator: "\n").filter {
      $0.hasPrefix("| ") && $0.contains(".")
    }
    #expect(rows.count == 10)
    for row in rows {
      let numbers = row.split(separator: "|").dropFirst().compactMap {
        Double($0.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: "*", with: ""))
      }
      #expect(numbers.count == 5 && abs(numbers.reduce(0, +) - 1) <= 0.03, "\(row)")
    }
    run = try Binary.run(["compare", "--renormalize", "a", "b"])
    #expect(run.status == 2)
    #expect(run.stderr.contains("add --hide-special"), "\(run.stderr)")
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
