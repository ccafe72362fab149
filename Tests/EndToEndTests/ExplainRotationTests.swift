import Foundation
import Testing

/// `explain` on a rotary model through the binary: the rotation is step 5 of 9.
@Suite struct ExplainRotationCLITests {
  static let tinyLlama = Binary.packageRoot.appendingPathComponent(
    "Tests/AttnvizModelTests/Fixtures/engine/llama"
  ).path

  @Test func theTinyLlamaShowsTheRotationAsStepFive() throws {
    let folder = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let run = try Binary.run([
      "explain", "--model", Self.tinyLlama, "--no-color", "--out", folder.path,
      "The cat sat on the mat.",
    ])
    #expect(run.status == 0, "\(run.stderr)")
    #expect(
      stepStems(listing(folder)) == [
        "step-01-tokens", "step-02-embeddings", "step-03-positional-encoding", "step-04-qkv",
        "step-05-rotation", "step-06-scores", "step-07-causal-mask", "step-08-weights",
        "step-09-output", "step-10-residual", "step-11-norm", "step-12-feed-forward",
        "step-13-block-output", "step-14-next-token",
      ])
    #expect(listing(folder).filter { $0.hasPrefix("step-05-rotation-") }.count == 4)
    let out = run.stdout.replacingOccurrences(of: "\n  ", with: " ")
    #expect(out.contains("Step 5 · Rotary position (RoPE): Q and K turned by position"))
    #expect(out.contains("θᵢ = 10000^(−2i/8), rescaled (llama3, factor 8)"))
    #expect(out.contains("over these 13 positions (0–12)"))
    #expect(out.contains("Q before rotation, head 1, pairs side by side"))
    #expect(out.contains("Step 3 · Position: nothing added to X (rotary, step 5)"))
  }

  @Test func stepFiveAloneAndStepNineExist() throws {
    let folder = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let run = try Binary.run([
      "explain", "--model", Self.tinyLlama, "--step", "5", "--format", "png,svg", "--quiet",
      "--out", folder.path, "The cat sat.",
    ])
    #expect(run.status == 0, "\(run.stderr)")
    #expect(
      listing(folder)
        == (1...4).flatMap { ["step-05-rotation-\($0).png", "step-05-rotation-\($0).svg"] }
        .sorted())
    let nine = try Binary.run([
      "explain", "--model", Self.tinyLlama, "--step", "9", "--format", "txt", "--quiet",
      "--out", folder.appendingPathComponent("nine").path, "The cat sat.",
    ])
    #expect(nine.status == 0, "\(nine.stderr)")
    #expect(listing(folder.appendingPathComponent("nine")) == ["explain.txt"])
  }

  @Test(
    .enabled(
      if: ExplainLayerTests.present("models/SmolLM2-135M-Instruct"), "run `make model` first"))
  func smolLM2ShowsTheRotationWithItsTheta() throws {
    let folder = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let run = try Binary.run(
      [
        "explain", "--model", "SmolLM2-135M-Instruct", "--step", "5", "--no-color", "--out",
        folder.path, "The cat sat on the mat.",
      ], in: Binary.packageRoot)
    #expect(run.status == 0, "\(run.stderr)")
    let out = run.stdout.replacingOccurrences(of: "\n  ", with: " ")
    #expect(out.contains("Step 5 · Rotary position (RoPE)"))
    #expect(out.contains("32 pairs, head size 64"))
    #expect(out.contains("θᵢ = 100000^(−2i/64): over these 7 positions (0–6)"))
    #expect(listing(folder) == (1...4).map { "step-05-rotation-\($0).png" })
    // The distance chart's caption quotes its own numbers and says how pe --rope differs.
    #expect(out.contains("Chart: this head's real q(.)·k(The), moved apart, goes "))
    #expect(out.contains("pe --rope (q = k) falls with distance"))
  }
}
