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

  /// `--format html`: generation.html, one self-contained page whose data are the JSON's steps
  /// (the browser test in scripts/browser/test_page.py drives it).
  @Test func pageHoldsEveryStep() throws {
    let out = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: out) }
    let arguments = [
      "generate", "--model", Self.folder("llama"), "--tokens", "3", "--format", "html,json",
      "--quiet", "--out", out.path, "The animal",
    ]
    let run = try Binary.run(arguments)
    #expect(run.status == 0, "\(run.stderr)")
    #expect(listing(out) == ["generation.html", "generation.json"])
    let html = try String(
      contentsOf: out.appendingPathComponent("generation.html"), encoding: .utf8)
    #expect(html.hasPrefix("<!DOCTYPE html>"))
    #expect(html.contains("content=\"default-src 'none'; script-src 'unsafe-inline'"))
    #expect(!html.contains("https://") && !html.contains("<img"))
    let start = try #require(html.range(of: "id=\"generation-data\">"))
    let end = try #require(html.range(of: "</script>", range: start.upperBound..<html.endIndex))
    let data = try #require(
      try JSONSerialization.jsonObject(with: Data(html[start.upperBound..<end.lowerBound].utf8))
        as? [String: Any])
    let json = try Self.generation(out)
    let steps = try #require(json["steps"] as? [[String: Any]])
    let pageSteps = try #require(data["steps"] as? [[String: Any]])
    #expect(pageSteps.count == steps.count)
    let promptCount = try #require((json["prompt"] as? [String: Any])?["ids"] as? [Int]).count
    #expect(data["prompt"] as? Int == promptCount)
    #expect((data["tokens"] as? [Any])?.count == promptCount + steps.count)
    // Each step's weights: per layer the heads' average then each head, in hundredths.
    let attention = try #require(steps.last?["attention"] as? [[[Double]]])
    let weights = try #require(pageSteps.last?["w"] as? [[[Int]]])
    #expect(weights.count == attention.count)
    let heads = attention[0]
    #expect(weights[0].count == heads.count + 1)
    for (k, value) in heads[1].enumerated() {
      #expect(abs(Double(weights[0][2][k]) / 100 - value) <= 0.005 + 1e-12)
    }
    // Same input, same bytes.
    let again = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: again) }
    var second = arguments
    second[second.count - 2] = again.path
    #expect(try Binary.run(second).status == 0)
    #expect(
      try Data(contentsOf: again.appendingPathComponent("generation.html"))
        == Data(contentsOf: out.appendingPathComponent("generation.html")))
  }

  /// --chat marks the roles: the page's prompt tokens carry system, user and assistant, the
  /// template's markers flagged; generation.png is drawn with the role bars.
  @Test func chatRolesReachThePage() throws {
    let out = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: out) }
    let run = try Binary.run([
      "generate", "--model", Self.folder("qwen2"), "--tokens", "2", "--chat", "--chat-template",
      "chatml", "--system", "Be brief.", "--format", "html,png", "--no-steps", "--quiet",
      "--out", out.path, "Why?",
    ])
    #expect(run.status == 0, "\(run.stderr)")
    #expect(listing(out) == ["generation.html", "generation.png"])
    let html = try String(
      contentsOf: out.appendingPathComponent("generation.html"), encoding: .utf8)
    let start = try #require(html.range(of: "id=\"generation-data\">"))
    let end = try #require(html.range(of: "</script>", range: start.upperBound..<html.endIndex))
    let data = try #require(
      try JSONSerialization.jsonObject(with: Data(html[start.upperBound..<end.lowerBound].utf8))
        as? [String: Any])
    let tokens = try #require(data["tokens"] as? [[String: Any]])
    let prompt = try #require(data["prompt"] as? Int)
    let roles = tokens.map { ($0["t"] as? String ?? "", $0["r"] as? String, $0["m"] as? Bool) }
    #expect(roles.first?.0 == "<|im_start|>" && roles.first?.1 == "system")
    #expect(roles.first?.2 == true)
    // The tiny tokenizer cuts the messages into letters: "B" of "Be brief.", "W" of "Why?".
    #expect(roles.contains { $0.0 == "B" && $0.1 == "system" && $0.2 == false })
    #expect(roles.contains { $0.0 == "W" && $0.1 == "user" && $0.2 == false })
    #expect(roles.filter { $0.0 == "<|im_start|>" }.map(\.1) == ["system", "user", "assistant"])
    #expect(roles[prompt - 1].1 == "assistant" && roles[prompt - 1].2 == true)
    #expect(roles[prompt...].allSatisfy { $0.1 == "assistant" && $0.2 == false })
  }

  /// show --chat: the heatmap marks the roles over its columns, one bar per run of system,
  /// user and assistant tokens (template markers and message text apart), with a legend.
  @Test func showChatHeatmapMarksTheRoles() throws {
    let out = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: out) }
    let run = try Binary.run([
      "--model", Self.folder("qwen2"), "--chat", "--chat-template", "chatml", "--system",
      "Be brief.", "--view", "heatmap", "--head", "1", "--format", "svg", "--quiet", "--out",
      out.path, "Why?",
    ])
    #expect(run.status == 0, "\(run.stderr)")
    let name = try #require(listing(out).first { $0.hasSuffix(".svg") })
    let svg = try String(contentsOf: out.appendingPathComponent(name), encoding: .utf8)
    // system: marker, "Be brief.", marker; user: marker, "Why?", marker; assistant: marker.
    #expect(svg.components(separatedBy: "class=\"role-segment\"").count - 1 == 7)
    for role in ["system", "user", "assistant"] {
      #expect(svg.contains(">\(role)</text>"), "\(role)")
    }
    #expect(svg.contains("Bars over the columns: the chat roles (system green, user blue"))
    // Without --chat: no bars.
    let plain = try Binary.run([
      "--model", Self.folder("qwen2"), "--view", "heatmap", "--head", "1", "--format", "svg",
      "--quiet", "--out", out.path, "Why?",
    ])
    #expect(plain.status == 0)
    let again = try String(contentsOf: out.appendingPathComponent(name), encoding: .utf8)
    #expect(!again.contains("role-segment"))
  }

  /// The same role bars, through the same layout rule, in the lines view (beside both columns
  /// of tokens), over every panel of the heads view, and in generate's step figures (the answer
  /// written so far marked as the assistant's).
  @Test func linesHeadsAndStepFiguresMarkTheRoles() throws {
    let out = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: out) }
    let chat = ["--chat", "--chat-template", "chatml", "--system", "Be brief."]
    let show = try Binary.run(
      ["--model", Self.folder("qwen2")] + chat + [
        "--view", "heads,lines", "--format", "svg", "--quiet", "--out", out.path, "Why?",
      ])
    #expect(show.status == 0, "\(show.stderr)")
    func svg(_ prefix: String) throws -> String {
      let name = try #require(listing(out).first { $0.hasPrefix(prefix) && $0.hasSuffix(".svg") })
      return try String(contentsOf: out.appendingPathComponent(name), encoding: .utf8)
    }
    func bars(_ text: String) -> Int {
      text.components(separatedBy: "class=\"role-segment\"").count - 1
    }
    // Seven runs (system: marker, "Be brief.", marker; user: marker, "Why?", marker; assistant:
    // marker), beside the queries and beside the keys.
    let lines = try svg("lines-")
    #expect(bars(lines) == 14)
    #expect(lines.contains("Bars beside the tokens: the chat roles (system green, user blue"))
    // Over each of the fixture's 4 heads.
    let heads = try svg("heads-")
    #expect(bars(heads) == 4 * 7)
    #expect(heads.contains("Bars over the columns: the chat roles (system green, user blue"))
    try FileManager.default.removeItem(at: out)
    let generate = try Binary.run(
      ["generate", "--model", Self.folder("qwen2")] + chat + [
        "--tokens", "2", "--format", "svg", "--quiet", "--out", out.path, "Why?",
      ])
    #expect(generate.status == 0, "\(generate.stderr)")
    // Step 1 reads the prompt; step 2 also the first answer token, the assistant's.
    let (step1, step2) = (try svg("step-01"), try svg("step-02"))
    #expect(bars(step1) == 14)
    #expect(bars(step2) == 16)
    #expect(step2.contains("Bars beside the tokens: the chat roles"))
    // explain: over the columns of its score and weight grids.
    try FileManager.default.removeItem(at: out)
    let explain = try Binary.run(
      ["explain", "--model", Self.folder("qwen2")] + chat + [
        "--format", "svg", "--quiet", "--out", out.path, "Why?",
      ])
    #expect(explain.status == 0, "\(explain.stderr)")
    let names = listing(out)
    let weightsFile = try #require(names.first { $0.contains("weights") && $0.hasSuffix(".svg") })
    let weightsSVG = try String(
      contentsOf: out.appendingPathComponent(weightsFile), encoding: .utf8)
    #expect(bars(weightsSVG) == 7, "\(weightsFile)")
    #expect(weightsSVG.contains("Bars over the columns: the chat roles"))
    // Beside the rows of the token × dimension matrices, the columns being dimensions.
    let embeddings = try #require(names.first { $0.contains("embed") && $0.hasSuffix(".svg") })
    let embeddingsSVG = try String(
      contentsOf: out.appendingPathComponent(embeddings), encoding: .utf8)
    #expect(bars(embeddingsSVG) == 7, "\(embeddings)")
    #expect(embeddingsSVG.contains("Bars beside the rows: the chat roles (system green, user blue"))
    #expect(!embeddingsSVG.contains("Bars over the columns"))
    // Over the token boxes of step 1, each role named once.
    let tokensSVG = try String(
      contentsOf: out.appendingPathComponent("step-01-tokens.svg"), encoding: .utf8)
    #expect(bars(tokensSVG) >= 7, "a turn broken across lines has a bar on each")
    for role in ["system", "user", "assistant"] {
      #expect(tokensSVG.components(separatedBy: ">\(role)</text>").count - 1 >= 1, "\(role)")
    }
    #expect(tokensSVG.contains("Bars over the tokens: the chat roles (system green, user blue"))
    // Every figure whose rows or columns are the tokens has bars, and says so once; the
    // rotation's angles by position and its distance curve, and the next-token bars, have none.
    let figures = names.filter { $0.hasSuffix(".svg") }.sorted()
    let unmarked = ["step-05-rotation-1.svg", figures.last { $0.contains("next-token") }]
    #expect(figures.count > 15)
    for name in figures {
      let svg = try String(contentsOf: out.appendingPathComponent(name), encoding: .utf8)
      #expect((bars(svg) > 0) == !unmarked.contains(name), "\(name)")
      #expect(
        svg.components(separatedBy: ": the chat roles (").count - 1 == (bars(svg) > 0 ? 1 : 0),
        "\(name)")
    }
    // Without --chat: no bars.
    let plain = try Binary.run([
      "--model", Self.folder("qwen2"), "--view", "heads,lines", "--format", "svg", "--quiet",
      "--out", out.path, "Why?",
    ])
    #expect(plain.status == 0)
    let (plainLines, plainHeads) = (try svg("lines-"), try svg("heads-"))
    #expect(bars(plainLines) == 0 && bars(plainHeads) == 0)
  }

  /// explain and compare take the same --chat, --system and --chat-template as generate.
  @Test func explainAndCompareTakeChat() throws {
    let out = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: out) }
    let explain = try Binary.run([
      "explain", "--model", Self.folder("qwen2"), "--chat", "--chat-template", "chatml",
      "--step", "1", "--format", "txt", "--out", out.path, "Why?",
    ])
    #expect(explain.status == 0, "\(explain.stderr)")
    #expect(explain.stdout.contains("<|im_start|>"), "\(explain.stdout)")
    #expect(explain.stdout.contains("assistant"))
    let compare = try Binary.run([
      "compare", "--model", Self.folder("qwen2"), "--chat", "--chat-template", "chatml",
      "--system", "Be brief.", "--out", out.path, "Why?", "How?",
    ])
    #expect(compare.status == 0, "\(compare.stderr)")
    #expect(compare.stdout.contains("<|im_start|>") && compare.stdout.contains("<|im_end|>"))
    #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent("compare.png").path))
    let builtin = try Binary.run(["explain", "--chat", "Why?"])
    #expect(builtin.status == 2)
    #expect(builtin.stderr.contains("--chat puts the text into a decoder's chat template"))
    let alone = try Binary.run(["compare", "--system", "Be brief.", "Why?", "How?"])
    #expect(alone.status == 2)
    #expect(alone.stderr.contains("--system shapes the --chat prompt; add --chat"))
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
    (
      ["--format", "csv"],
      "generate writes png, svg, json and html; --format csv is for attnviz show"
    ),
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
    #expect(run.stderr.contains("gemma3_text, gpt2, llama, mistral, olmo2, phi3, qwen2, qwen3"))
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
