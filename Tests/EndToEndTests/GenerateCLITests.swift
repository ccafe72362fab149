import Foundation
import Testing

/// `attnviz generate` through the binary: the ids transformers' generate(do_sample=False) gives,
/// each step's attention rows from a full forward pass, seeded sampling, the refusals.
@Suite struct GenerateCLITests {
  static let fixtures = PredictionCLITests.fixtures

  static func folder(_ name: String) -> String {
    name == "tiny-gpt2"
      ? fixtures.appendingPathComponent("tiny-gpt2").path
      : fixtures.appendingPathComponent("engine/\(name)").path
  }

  static func generation(_ folder: URL) throws -> [String: Any] {
    let data = try Data(contentsOf: folder.appendingPathComponent("generation.json"))
    return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
  }

  /// Runs generate on a reference case and compares ids and every kept attention row.
  static func expectReference(
    model: String, reference name: String, caseIndex: Int, extra: [String] = [],
    text: String? = nil
  ) throws {
    let item = try PredictionCLITests.reference(name)[caseIndex]
    let expected = try #require(item["generation"] as? [String: Any])
    let ids = try #require(expected["ids"] as? [Int])
    let rowsLayers = try #require(expected["rows_layers"] as? [Int])
    let rows = try #require(expected["rows"] as? [[[[Int]]]])
    let out = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: out) }
    let run = try Binary.run(
      ["generate", "--model", model, "--tokens", "24", "--format", "json", "--out", out.path]
        + extra + [text ?? (item["text"] as? String ?? "")], in: Binary.packageRoot)
    #expect(run.status == 0, "\(run.stderr)")
    let json = try generation(out)
    let prompt = try #require(json["prompt"] as? [String: Any])
    #expect(prompt["ids"] as? [Int] == item["ids"] as? [Int], "\(name): prompt ids")
    let steps = try #require(json["steps"] as? [[String: Any]])
    #expect(steps.compactMap { $0["id"] as? Int } == ids, "\(name): generated ids")
    var worst = 0.0
    for (s, step) in steps.enumerated() where s < rows.count {
      let attention = try #require(step["attention"] as? [[[Double]]])
      for (index, layer) in rowsLayers.enumerated() {
        for (head, expectedRow) in rows[s][index].enumerated() {
          let row = attention[layer][head]
          #expect(row.count == expectedRow.count)
          for (k, value) in expectedRow.enumerated() where k < row.count {
            worst = max(worst, abs(row[k] - Double(value) / 1e6))
          }
        }
      }
    }
    #expect(worst < 1e-4, "\(name): attention rows differ by \(worst)")
  }

  @Test(arguments: ["llama", "qwen2", "tiny-gpt2"])
  func greedyGenerationMatchesTransformers(_ name: String) throws {
    try Self.expectReference(model: Self.folder(name), reference: name, caseIndex: 0)
  }

  @Test(.enabled(if: PredictionCLITests.smolLM2Runs, "run `make model` first"))
  func smolLM2ChatAnswerMatchesTransformers() throws {
    // Case 1 is apply_chat_template of this question: --chat must give the same prompt ids,
    // and the answer ends at <|im_end|> as transformers' generate does.
    try Self.expectReference(
      model: "SmolLM2-135M-Instruct", reference: "smollm2", caseIndex: 1, extra: ["--chat"],
      text: "What is the capital of France?")
    try Self.expectReference(model: "SmolLM2-135M-Instruct", reference: "smollm2", caseIndex: 0)
  }

  @Test func figuresPrintedTextAndStepFiles() throws {
    let out = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: out) }
    let run = try Binary.run([
      "generate", "--model", Self.folder("qwen2"), "--tokens", "3", "--layer", "2", "--head", "1",
      "--out", out.path, "The animal didn't cross the street",
    ])
    #expect(run.status == 0, "\(run.stderr)")
    #expect(
      listing(out) == [
        "generation.json", "generation.png", "step-01.png", "step-02.png", "step-03.png",
      ])
    #expect(run.stderr.contains("note: stopped at --tokens 3"))
    let json = try Self.generation(out)
    #expect(json["layers"] as? [Int] == [2])
    #expect(json["heads"] as? [Int] == [1])
    #expect(!run.stdout.isEmpty && run.stdout.hasSuffix("\n"))
    #expect(!run.stdout.unicodeScalars.contains { $0.value < 0x20 && $0 != "\n" && $0 != "\t" })
  }

  @Test func seededSamplingRepeats() throws {
    func sample(_ seed: String) throws -> [Int] {
      let out = try temporaryFolder()
      defer { try? FileManager.default.removeItem(at: out) }
      let run = try Binary.run([
        "generate", "--model", Self.folder("llama"), "--tokens", "12", "--temperature", "1.5",
        "--top-k", "50", "--top-p", "0.95", "--seed", seed, "--format", "json", "--quiet",
        "--out", out.path, "The animal",
      ])
      #expect(run.status == 0, "\(run.stderr)")
      let steps = try #require(try Self.generation(out)["steps"] as? [[String: Any]])
      return steps.compactMap { $0["id"] as? Int }
    }
    let first = try sample("7")
    #expect(first.count == 12)
    #expect(try sample("7") == first)
    #expect(try sample("8") != first)
  }

  @Test func answerStreamsOnATerminal() throws {
    let out = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: out) }
    let run = try Binary.runInTerminal([
      "generate", "--model", Self.folder("qwen2"), "--tokens", "4", "--format", "json", "--out",
      out.path, "The animal",
    ])
    #expect(run.status == 0, "\(run.stderr)")
    // The random model writes control bytes (U+0003): the terminal gets U+FFFD instead.
    let text = try #require(try Self.generation(out)["text"] as? String)
    let safe = String(
      String.UnicodeScalarView(
        text.unicodeScalars.map { $0.value < 0x20 && $0 != "\n" ? "\u{FFFD}" : $0 }))
    #expect(!text.isEmpty)
    #expect(run.stdout.replacingOccurrences(of: "\r\n", with: "\n").hasPrefix(safe))
    #expect(!run.stdout.unicodeScalars.contains { $0.value == 3 })
  }

  @Test(arguments: [
    (["--tokens", "0"], "--tokens must be between 1 and 2048, not 0"),
    (["--tokens", "1000000000"], "--tokens must be between 1 and 2048, not 1000000000"),
    (["--temperature", "-1"], "--temperature must be a number of 0 or more (0 is greedy), not -1"),
    (["--temperature", "nan"], "--temperature must be a number of 0 or more"),
    (["--top-p", "0"], "--top-p must be above 0 and at most 1, not 0"),
    (["--top-p", "1.5"], "--top-p must be above 0 and at most 1, not 1.5"),
    (["--top-k", "0"], "--top-k must be 1 or more, not 0"),
    (["--seed", "3"], "--seed only matters when sampling"),
    (["--system", "Be brief."], "--system shapes the --chat prompt; add --chat"),
    (["--format", "html"], "generate writes png, svg and json"),
  ])
  func badOptionsAreUsageErrors(_ options: [String], _ message: String) throws {
    let run = try Binary.run(["generate"] + options + ["Hello"])
    #expect(run.status == 2)
    #expect(run.stderr.contains(message), "\(run.stderr)")
  }

  @Test func encodersDoNotGenerate() throws {
    let run = try Binary.run([
      "generate", "--model", Self.folder("roberta"), "The cat sat.",
    ])
    #expect(run.status == 2)
    #expect(run.stderr.contains("encoders read a whole text at once"), "\(run.stderr)")
    #expect(run.stderr.contains("gpt2, llama, mistral, qwen2, qwen3"))
  }

  @Test func tooManyPositionsIsRefusedBeforeRunning() throws {
    // The tiny GPT-2 has 64 positions.
    let run = try Binary.run([
      "generate", "--model", Self.folder("tiny-gpt2"), "--tokens", "100", "The cat sat.",
    ])
    #expect(run.status == 2)
    #expect(run.stderr.contains("positions"), "\(run.stderr)")
  }
}
