import Foundation
import Testing

/// `--focus WORD [--callout K]`: the focused token's strongest keys, said the same way under
/// the figures and under the terminal table.
@Suite struct CalloutTests {
  static let sentence = "The animal didn't cross the street because it was too tired."

  @Test func theSameCalloutOnTheFigureAndTheTerminal() throws {
    let folder = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let run = try Binary.run([
      "--head", "1", "--view", "heatmap,lines", "--focus", "it", "--callout", "2", "--format",
      "svg", "--no-color", "--out", folder.path, Self.sentence,
    ])
    #expect(run.status == 0, "\(run.stderr)")
    let line = try #require(run.stdout.split(separator: "\n").first { $0.hasPrefix("it → ") })
    #expect(line.hasSuffix(" (head 1)"))
    // Two keys, strongest first, each with two decimals.
    let keys = line.dropFirst("it → ".count).dropLast(" (head 1)".count)
      .components(separatedBy: ", ")
    #expect(keys.count == 2)
    let weights = keys.compactMap { Double($0.split(separator: " ").last ?? "") }
    #expect(weights.count == 2 && weights[0] >= weights[1])
    for name in ["heatmap-layer1-head1.svg", "lines-layer1-head1.svg"] {
      let svg = try String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8)
      #expect(svg.contains("class=\"callout\""), "\(name)")
      let escaped = line.replacingOccurrences(of: "'", with: "&apos;")
      #expect(svg.contains(">\(escaped)</text>"), "\(name)")
    }
  }

  @Test(
    .enabled(
      if: FileManager.default.fileExists(
        atPath: Binary.packageRoot.appendingPathComponent("models/all-MiniLM-L6-v2/config.json")
          .path), "run `make model` first"))
  func itAttendsToAnimal() throws {
    let folder = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let run = try Binary.run(
      [
        "--model", "all-MiniLM-L6-v2", "--layer", "4", "--head", "2", "--hide-special",
        "--view", "heatmap,lines", "--focus", "it", "--format", "svg", "--out", folder.path,
        Self.sentence,
      ], in: Binary.packageRoot)
    #expect(run.status == 0, "\(run.stderr)")
    #expect(run.stdout.contains("it → animal 0.68 (head 2)\n"))
    for name in ["heatmap-layer4-head02.svg", "lines-layer4-head02.svg"] {
      let svg = try String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8)
      #expect(svg.contains(">it → animal 0.68</text>"), "\(name)")
    }
  }

  /// `--focus` alone: the figures mark the strongest key and write the sentence on it (the
  /// title names the head, so the sentence does not); no caption line under the figure.
  @Test func aFocusMarksTheFigureWithoutACaptionLine() throws {
    let folder = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let run = try Binary.run([
      "--head", "1", "--view", "heatmap,lines", "--focus", "it", "--format", "svg", "--no-color",
      "--out", folder.path, Self.sentence,
    ])
    #expect(run.status == 0, "\(run.stderr)")
    let line = try #require(run.stdout.split(separator: "\n").first { $0.hasPrefix("it → ") })
    #expect(line.hasSuffix(" (head 1)") && !line.contains(","))
    let sentence = String(line.dropLast(" (head 1)".count))
    for name in ["heatmap-layer1-head1.svg", "lines-layer1-head1.svg"] {
      let svg = try String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8)
      #expect(svg.contains("class=\"callout-mark\""), "\(name)")
      #expect(svg.components(separatedBy: "class=\"callout\"").count == 2, "\(name)")
      #expect(svg.contains(">\(sentence)</text>"), "\(name)")
      #expect(!svg.contains("(head 1)</text>"), "\(name)")
    }
  }

  @Test func aCalloutNeedsAFocus() throws {
    let run = try Binary.run(["--callout", "2", "a b c"])
    #expect(run.status == 2)
    #expect(run.stderr.contains("--callout names the keys of the --focus token"), "\(run.stderr)")
    let many = try Binary.run(["--focus", "a", "--callout", "99", "a b c"])
    #expect(many.status == 2)
  }
}
