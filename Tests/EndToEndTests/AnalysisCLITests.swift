import Foundation
import Testing

/// The analysis views, --top, --json-precision and pe --rope through the built binary.
@Suite struct AnalysisCLITests {
  static let fixtures = Binary.packageRoot.appendingPathComponent(
    "Tests/AttnvizModelTests/Fixtures")

  @Test func analysisViewsWriteTheirFiguresAndData() throws {
    let folder = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let model = Self.fixtures.appendingPathComponent("tiny-gpt2").path
    let run = try Binary.run(
      [
        "--model", model, "--view", "patterns,sinks,rollout,stats", "--format", "png,svg,json",
        "--rollout-from", "2", "--out", folder.path, "The cat sat on the mat.",
      ])
    #expect(run.status == 0, "\(run.stderr)")
    #expect(run.stdout.contains("Head patterns · 2 layers × "))
    for name in ["patterns", "sinks", "rollout", "stats"] {
      #expect(listing(folder).contains("\(name).png") && listing(folder).contains("\(name).svg"))
    }
    let stats = try #require(
      try JSONSerialization.jsonObject(
        with: Data(contentsOf: folder.appendingPathComponent("stats.json"))) as? [String: Any])
    // GPT-2 is causal: the sink is the first token.
    #expect(stats["sink_keys"] as? [Int] == [0])
    let svg = try String(contentsOf: folder.appendingPathComponent("rollout.svg"), encoding: .utf8)
    #expect(svg.contains("Rollout · layer 2"))
  }

  @Test func rolloutFromOutsideTheModelIsAUsageError() throws {
    let folder = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let run = try Binary.run([
      "--view", "rollout", "--rollout-from", "3", "--out", folder.path, "a b c",
    ])
    #expect(run.status == 2)
    #expect(
      run.stderr
        == "attnviz: error: --rollout-from 3 is out of range; the model has 1 layer (1–1)\n")
  }

  @Test func ropeWritesBothFiguresAndItsNumbers() throws {
    let folder = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let run = try Binary.run(
      [
        "pe", "--rope", "--theta", "500000", "--head-size", "8", "--positions", "16", "--format",
        "png,json", "--out", folder.path,
      ])
    #expect(run.status == 0, "\(run.stderr)")
    #expect(listing(folder) == ["rope-angles.png", "rope-dot.png", "rope.json"])
    let document = try #require(
      try JSONSerialization.jsonObject(
        with: Data(contentsOf: folder.appendingPathComponent("rope.json"))) as? [String: Any])
    let frequencies = try #require(document["frequencies"] as? [Double])
    #expect(frequencies.count == 4 && frequencies[0] == 1)
    #expect(abs(frequencies[1] - 1 / 500_000.0.squareRoot().squareRoot()) < 1e-12)
    #expect((document["dot_product"] as? [Double])?.first == 1)
    let odd = try Binary.run(["pe", "--rope", "--head-size", "7", "--out", folder.path])
    #expect(odd.status == 2 && odd.stderr.contains("--head-size must be an even number"))
  }
}
