import Foundation
import Testing

/// `attnviz explain` on a translator through the built binary: the Firefox English→Portuguese
/// model (`make model`; its numbers are checked against the numpy reference in
/// FirefoxExplainStepsTests) and the tiny Hugging Face fixtures (committed), and the refusals.
@Suite struct ExplainTranslatorTests {
  static let fixtures = Binary.packageRoot.appendingPathComponent(
    "Tests/AttnvizModelTests/Fixtures/encoder-decoder")

  func run(_ arguments: [String], in folder: URL) throws -> Run {
    try Binary.run(
      ["explain"] + arguments + ["--out", folder.appendingPathComponent("out").path],
      in: folder, environment: ["ATTNVIZ_MODELS": TranslateTests.models.path])
  }

  /// Every step's figure, the text's steps, and step 13's weight equal to the cross-attention
  /// `attnviz translate` writes for the same step: one translation, not a second pass.
  @Test(.enabled(if: TranslateTests.present, "run `make model` for models/firefox-en-pt"))
  func walksTheFirefoxTranslator() throws {
    let folder = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let run = try run(
      ["--model", "firefox-en-pt", "--format", "txt,png", TranslateTests.lecture], in: folder)
    #expect(run.status == 0, "\(run.stderr)")
    let out = folder.appendingPathComponent("out")
    let written = try FileManager.default.contentsOfDirectory(atPath: out.path).sorted()
    let stems = Set(written.map { String($0.prefix(7)) })
    #expect(stems == Set((1...14).map { String(format: "step-%02d", $0) } + ["explain"]))
    #expect(written.contains("step-12-decoder-step-1.png"))
    #expect(written.contains("step-13-cross-attention-3.png"))
    let text = try String(contentsOf: out.appendingPathComponent("explain.txt"), encoding: .utf8)
    #expect(text.hasPrefix("Encoder–decoder, step by step · firefox-en-pt, English → Portuguese"))
    #expect(text.contains("Step 12 · Decoder step 2: the recurrent unit where self-attention was"))
    #expect(
      text.contains("Step 13 · Cross-attention: the decoder's query reads the encoder's keys"))
    #expect(text.contains("Step 14 · The next token: output layer, softmax"))
    let quoted = text.replacingOccurrences(of: "\n  ", with: " ")
    #expect(quoted.contains("head 1 reads “·cat” most (0.94)"), "\(quoted)")
    #expect(quoted.contains("reads “·cat” (0.64), the row attnviz translate draws"))
    #expect(quoted.contains("Most probable: “·gato” at 0.997; greedy decoding writes it"))

    let translated = try Binary.run(
      [
        "translate", "--format", "json", "--out", folder.appendingPathComponent("json").path,
        TranslateTests.lecture,
      ], in: folder, environment: ["ATTNVIZ_MODELS": TranslateTests.models.path])
    #expect(translated.status == 0, "\(translated.stderr)")
    let data = try Data(
      contentsOf: folder.appendingPathComponent("json").appendingPathComponent("attention.json"))
    let document = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    let cross = try #require(document["cross_attention"] as? [[[[Double]]]])
    // Decoder layer 2, head 1, step 2 (gato), source token 2 (cat): 0.94 as explain prints it.
    #expect(String(format: "%.2f", cross[1][0][1][2]) == "0.94")
    let average = cross[1].map { $0[1][2] }.reduce(0, +) / 8
    #expect(String(format: "%.2f", average) == "0.64")
  }

  /// A MarianMT folder has masked self-attention where the Firefox model has its SSRU.
  @Test func walksAHuggingFaceMarianFolder() throws {
    let folder = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let model = Self.fixtures.appendingPathComponent("marian").path
    let run = try run(
      ["--model", model, "--step", "12", "--decoder-step", "3", "--format", "txt", "The cat."],
      in: folder)
    #expect(run.status == 0, "\(run.stderr)")
    #expect(
      run.stdout.contains(
        "Step 12 · Decoder step 3: masked self-attention over the translation so far"))
    #expect(run.stdout.contains("Its query reads the 3 positions written so far"))
  }

  @Test(arguments: [
    (
      ["--model", "marian", "--decoder-step", "99", "The cat."], "--decoder-step 99 is out of range"
    ),
    (
      ["--model", "marian", "--decoder-layer", "3", "The cat."], "--decoder-layer 3 is out of range"
    ),
    (["--model", "marian", "--layer", "7", "The cat."], "--layer 7 is out of range"),
    (["--model", "marian", "--step", "15", "The cat."], "--step 15 does not exist"),
    (["--model", "marian", "--chat", "The cat."], "--chat applies to decoders"),
    (["--model", "t5", "The cat."], "is pre-norm with relative position buckets (T5)"),
    (["--decoder-step", "2", "The cat."], "--decoder-step and --decoder-layer walk a translator"),
  ])
  func refusesWhatTheTranslatorLacks(arguments: [String], message: String) throws {
    let folder = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let resolved = arguments.map {
      ["marian", "t5"].contains($0) ? Self.fixtures.appendingPathComponent($0).path : $0
    }
    let run = try run(resolved, in: folder)
    #expect(run.status == 2, "\(run.stderr)")
    #expect(run.stderr.hasPrefix("attnviz: error: "), "\(run.stderr)")
    #expect(run.stderr.contains(message), "\(run.stderr)")
    #expect(run.stderr.split(separator: "\n").count == 1)
    #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("out").path))
  }
}
