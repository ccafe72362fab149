import Foundation
import Testing

/// `--view next` and `--view lens` through the binary, read back from predictions.json and
/// compared with transformers (scripts/reference/make_prediction_references.py).
@Suite struct PredictionCLITests {
  static let fixtures = Binary.packageRoot.appendingPathComponent(
    "Tests/AttnvizModelTests/Fixtures")
  static let qwen2 = fixtures.appendingPathComponent("engine/qwen2").path
  static var smolLM2Runs: Bool {
    ExplainLayerTests.present("models/SmolLM2-135M-Instruct")
      || ProcessInfo.processInfo.environment["ATTNVIZ_REQUIRE_MODELS"] == "1"
  }

  /// The reference's cases: text, ids, top [[id, p]], lens {top1, lead}.
  static func reference(_ name: String) throws -> [[String: Any]] {
    let data = try Data(
      contentsOf: fixtures.appendingPathComponent("predictions/\(name).json"))
    let root = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    return try #require(root["cases"] as? [[String: Any]])
  }

  static func predictions(_ folder: URL) throws -> [String: Any] {
    let data = try Data(contentsOf: folder.appendingPathComponent("predictions.json"))
    return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
  }

  /// Every candidate attnviz lists is in transformers' top 20 with its probability within
  /// 1e-4, in the same order.
  static func expectSameTop(_ json: [String: Any], _ reference: [String: Any], count: Int) throws {
    let next = try #require(json["next"] as? [[String: Any]])
    let top = try #require(reference["top"] as? [[Double]])
    #expect(next.count == count)
    for (i, candidate) in next.enumerated() {
      let id = try #require(candidate["id"] as? Int)
      let p = try #require(candidate["probability"] as? Double)
      #expect(id == Int(top[i][0]), "candidate \(i + 1)")
      #expect(abs(p - top[i][1]) < 1e-4, "candidate \(i + 1): \(p) vs \(top[i][1])")
    }
  }

  @Test func nextTokenOfATinyQwen2MatchesTransformers() throws {
    let cases = try Self.reference("qwen2")
    let text = try #require(cases[2]["text"] as? String)
    let folder = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let run = try Binary.run([
      "--model", Self.qwen2, "--view", "next", "--format", "json,png", "--candidates", "20",
      "--no-color", "--out", folder.path, text,
    ])
    #expect(run.status == 0, "\(run.stderr)")
    #expect(listing(folder) == ["attention.json", "next.png", "predictions.json"])
    #expect(run.stdout.hasPrefix("Next token after"))
    #expect(!run.stdout.contains("Average of"))  // the attention table is left out
    let json = try Self.predictions(folder)
    #expect(json["position"] as? Int == (cases[2]["ids"] as? [Int])?.count.advanced(by: -1))
    try Self.expectSameTop(json, cases[2], count: 20)
  }

  @Test func lensOfATinyQwen2MatchesTransformers() throws {
    let cases = try Self.reference("qwen2")
    let item = cases[1]
    let text = try #require(item["text"] as? String)
    let ids = try #require(item["ids"] as? [Int])
    let folder = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let run = try Binary.run([
      "--model", Self.qwen2, "--view", "lens", "--format", "json,svg", "--quiet", "--out",
      folder.path, text,
    ])
    #expect(run.status == 0, "\(run.stderr)")
    #expect(listing(folder) == ["attention.json", "lens.svg", "predictions.json"])
    let json = try Self.predictions(folder)
    let lens = try #require(json["lens"] as? [String: Any])
    let positions = try #require(lens["positions"] as? [Int])
    #expect(positions == Array(max(0, ids.count - 12)..<ids.count))
    let rows = try #require(lens["top1"] as? [[[String: Any]]])
    let expected = try #require(item["lens"] as? [String: Any])
    let top1 = try #require(expected["top1"] as? [[Int]])
    let lead = try #require(expected["lead"] as? [[Double]])
    #expect(rows.count == top1.count)
    var compared = 0
    for (layer, row) in rows.enumerated() {
      for (column, cell) in row.enumerated() where lead[layer][positions[column]] > 1e-3 {
        #expect(cell["id"] as? Int == top1[layer][positions[column]], "layer \(layer + 1)")
        compared += 1
      }
    }
    #expect(compared > 10)
  }

  @Test func focusPicksThePredictingToken() throws {
    let folder = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let run = try Binary.run([
      "--model", Self.qwen2, "--view", "next", "--focus", "@3", "--format", "json", "--quiet",
      "--out", folder.path, "The animal didn't cross the street",
    ])
    #expect(run.status == 0, "\(run.stderr)")
    #expect(try Self.predictions(folder)["position"] as? Int == 2)
  }

  @Test func encodersAndBadCountsAreRefused() throws {
    let builtin = try Binary.run(["--view", "next", "--no-color", "The cat sat."])
    #expect(builtin.status == 2)
    #expect(builtin.stderr.contains("needs a decoder"), "\(builtin.stderr)")
    #expect(builtin.stderr.contains("gemma3_text, gpt2, llama, mistral, olmo2, phi3, qwen2, qwen3"))
    let zero = try Binary.run(["--view", "next", "--candidates", "0", "The cat sat."])
    #expect(zero.status == 2)
    #expect(zero.stderr.contains("--candidates must be between 1 and 50, not 0"))
    let merged = try Binary.run([
      "--model", Self.qwen2, "--view", "next", "--merge-subwords", "The cat sat.",
    ])
    #expect(merged.status == 2)
    #expect(merged.stderr.contains("drop --merge-subwords"))
  }

  @Test(.enabled(if: smolLM2Runs, "run `make model` first"))
  func smolLM2NextTokenMatchesTransformers() throws {
    let cases = try Self.reference("smollm2")
    let folder = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    for (index, item) in cases.enumerated() {
      let text = try #require(item["text"] as? String)
      let out = folder.appendingPathComponent("case\(index)")
      let run = try Binary.run(
        [
          "--model", "SmolLM2-135M-Instruct", "--view", "next", "--candidates", "20",
          "--format", "json", "--quiet", "--out", out.path, text,
        ], in: Binary.packageRoot)
      #expect(run.status == 0, "\(run.stderr)")
      try Self.expectSameTop(try Self.predictions(out), item, count: 20)
    }
    // Case 1 is apply_chat_template of this question: --chat builds the same prompt.
    let chat = folder.appendingPathComponent("chat")
    let run = try Binary.run(
      [
        "--model", "SmolLM2-135M-Instruct", "--chat", "--view", "next", "--candidates", "20",
        "--format", "json", "--quiet", "--out", chat.path, "What is the capital of France?",
      ], in: Binary.packageRoot)
    #expect(run.status == 0, "\(run.stderr)")
    let json = try Self.predictions(chat)
    #expect(json["ids"] as? [Int] == cases[1]["ids"] as? [Int])
    try Self.expectSameTop(json, cases[1], count: 20)
  }
}
