import Foundation
import Testing

/// `explain --layer L --head H`: the walk-through of any layer of a pretrained model.
@Suite struct ExplainLayerTests {
  /// Present, or required (`modelsRequired`): then a missing model fails the test.
  static func present(_ relative: String) -> Bool {
    FileManager.default.fileExists(atPath: Binary.packageRoot.appendingPathComponent(relative).path)
      || modelsRequired
  }

  /// The row of a table in explain's output, as numbers.
  func row(_ label: String, after title: String, in output: String) throws -> [String] {
    let lines = output.split(separator: "\n").map(String.init)
    let start = try #require(lines.firstIndex { $0.hasPrefix(title) }, "\(title)")
    let line = try #require(lines[start...].first { $0.hasPrefix("| \(label) ") }, "\(label)")
    return line.split(separator: "|").dropFirst().map {
      $0.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: "*", with: "")
    }
  }

  @Test(.enabled(if: present("models/SmolLM2-135M-Instruct"), "run `make model` first"))
  func theHeadWhereItAttendsToAnimal() throws {
    let folder = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let run = try Binary.run(
      [
        "explain", "--model", "SmolLM2-135M-Instruct", "--layer", "14", "--head", "9", "--step",
        "8", "--no-color", "--out", folder.path,
        "The animal didn't cross the street because it was too tired.",
      ], in: Binary.packageRoot)
    #expect(run.status == 0, "\(run.stderr)")
    #expect(run.stdout.contains("SmolLM2-135M-Instruct, layer 14 of 30 · head 9 of 9"))
    // transformers puts 0.75 of it's attention on "animal" in this head.
    let it = try row("·it", after: "Attention weights", in: run.stdout)
    #expect(it.count >= 2 && it[1] == "0.75", "\(it)")
    // A rotary model numbers its steps 1–9: the weights are step 8.
    #expect(listing(folder) == ["step-08-weights.png"])
  }

  @Test(
    .enabled(if: present("models/all-MiniLM-L6-v2/model.safetensors"), "run `make model` first"))
  func aMiddleLayerOfAnEncoder() throws {
    let folder = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let run = try Binary.run(
      [
        "explain", "--model", "all-MiniLM-L6-v2", "--layer", "4", "--head", "2", "--step", "6",
        "--no-color", "--format", "md", "--out", folder.path,
        "The animal didn't cross the street because it was too tired.",
      ], in: Binary.packageRoot)
    #expect(run.status == 0, "\(run.stderr)")
    #expect(run.stdout.contains("all-MiniLM-L6-v2, layer 4 of 6 · head 2 of 12"))
    // The heatmap of layer 4, head 2 in the main job shows it → animal 0.68.
    let it = try row("it", after: "Attention weights", in: run.stdout)
    #expect(it.count >= 3 && it[2] == "0.68", "\(it)")
  }

  @Test func aLayerTheModelLacksIsAUsageError() throws {
    let run = try Binary.run(["explain", "--layer", "2", "The cat sat."])
    #expect(run.status == 2)
    #expect(run.stderr == "attnviz: error: --layer 2 is out of range; builtin has a single layer\n")
    let zero = try Binary.run(["explain", "--layer", "0", "The cat sat."])
    #expect(zero.status == 2)
  }
}

/// ATTNVIZ_REQUIRE_MODELS=1 (CI): the tests of the models `make model` fetches run even when the
/// model is missing, so a moved model fails them instead of skipping them.
let modelsRequired = ProcessInfo.processInfo.environment["ATTNVIZ_REQUIRE_MODELS"] == "1"
