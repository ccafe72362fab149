import Foundation
import Testing

/// Gemma 3's sandwich norms: the attention block's output passes a norm of its own before the
/// residual stream. Credit (a head's direct effect on the logit) is undefined there and refused
/// in one line; contribution is drawn but marked as not exact for the stream; ablation, which
/// runs the model, works.
@Suite(.enabled(if: ExplainLayerTests.present("models/gemma-3-270m"), "run `make model` first"))
struct GemmaAttributionTests {
  static let text = "The animal didn't cross the street because it was too"

  @Test func creditIsRefusedInOneLineThatSaysWhy() throws {
    let folder = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let run = try Binary.run([
      "--model", "gemma-3-270m", "--view", "credit", "--out", folder.path, Self.text,
    ])
    #expect(run.status == 2)
    let lines = run.stderr.split(separator: "\n").filter { $0.hasPrefix("attnviz: error:") }
    #expect(lines.count == 1, "\(run.stderr)")
    #expect(run.stderr.contains("post-attention norm"), "\(run.stderr)")
    #expect(run.stderr.contains("--ablate and --view ablation measure a head's effect"))
    #expect(listing(folder).isEmpty)
  }

  @Test func contributionIsMarkedAndAblationRuns() throws {
    let folder = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    var run = try Binary.run([
      "--model", "gemma-3-270m", "--view", "contribution", "--format", "json", "--no-color",
      "--out", folder.path, Self.text,
    ])
    #expect(run.status == 0, "\(run.stderr)")
    #expect(run.stdout.contains("Not exact for gemma-3-270m"), "\(run.stdout)")
    let json = try String(
      contentsOf: folder.appendingPathComponent("contribution.json"), encoding: .utf8)
    #expect(json.contains("\"exact_for_residual_stream\": false"))
    run = try Binary.run([
      "--model", "gemma-3-270m", "--ablate", "3.1", "--format", "json", "--quiet", "--out",
      folder.appendingPathComponent("ablated").path, Self.text,
    ])
    #expect(run.status == 0, "\(run.stderr)")
    #expect(listing(folder.appendingPathComponent("ablated")).contains("ablation.json"))
  }
}
