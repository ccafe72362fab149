import Foundation
import Testing

/// `--model` through the built binary, on the tiny fixtures the model tests use: name
/// resolution, the JSON's model fields and numbers against transformers' reference, special
/// tokens, truncation, and the default views for a multi-layer model.
@Suite struct ModelCLITests {
  static let fixtures = Binary.packageRoot.appendingPathComponent("Tests/AttnvizModelTests/Fixtures")

  func json(_ data: Data) throws -> [String: Any] {
    try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
  }

  @Test func nameResolvesUnderATTNVIZ_MODELSAndMatchesTransformers() throws {
    let folder = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let reference = try json(Data(contentsOf: Self.fixtures.appendingPathComponent("tiny-bert/reference.json")))
    let scale = try #require(reference["attention_scale"] as? Double)
    let cases = try #require(reference["cases"] as? [[String: Any]])
    let first = cases[0]
    let run = try Binary.run(
      ["--model", "tiny-bert", "--json", "--out", folder.path, try #require(first["text"] as? String)],
      in: folder, environment: ["ATTNVIZ_MODELS": Self.fixtures.path])
    #expect(run.status == 0, "\(run.stderr)")
    let document = try json(run.stdoutBytes)
    #expect(document["tokens"] as? [String] == first["tokens"] as? [String])
    #expect(document["token_ids"] as? [Int] == first["ids"] as? [Int])
    let model = try #require(document["model"] as? [String: Any])
    #expect(model["name"] as? String == "tiny-bert")
    #expect(model["architecture"] as? String == "bert")
    #expect(model["layers"] as? Int == 2 && model["heads"] as? Int == 4 && model["d_model"] as? Int == 32)
    #expect(model["causal"] as? Bool == false)
    let ours = try #require(document["attention"] as? [[[[Double]]]])
    let theirs = try #require(first["attentions"] as? [[[[Double]]]])
    var worst = 0.0
    for (l, layer) in theirs.enumerated() {
      for (h, head) in layer.enumerated() {
        for (q, row) in head.enumerated() {
          for (k, value) in row.enumerated() { worst = max(worst, abs(ours[l][h][q][k] - value / scale)) }
        }
      }
    }
    #expect(worst < 1e-4, "max |attnviz − transformers| = \(worst)")
    // Default views for a multi-layer model: the last layer's heads, its lines, the whole model.
    #expect(listing(folder).filter { $0.hasSuffix(".png") } == ["heads-layer2.png", "lines-layer2-all-heads.png", "model.png"])
  }

  @Test func hideSpecialDropsCLSAndSEPFromTablesButNotFromJSON() throws {
    let folder = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let model = Self.fixtures.appendingPathComponent("tiny-bert").path
    let run = try Binary.run(["--model", model, "--hide-special", "--head", "1", "--layer", "1", "--format", "json,csv", "--out", folder.path, "The cat sat."])
    #expect(run.status == 0, "\(run.stderr)")
    #expect(!run.stdout.contains("[CLS]") && !run.stdout.contains("[SEP]"))
    #expect(run.stdout.contains("Head 1 of 4") && run.stdout.contains("layer 1 of 2"))
    #expect(run.stderr.contains("special tokens are hidden"))
    let document = try json(Data(contentsOf: folder.appendingPathComponent("attention.json")))
    let tokens = try #require(document["tokens"] as? [String])
    #expect(tokens.first == "[CLS]" && tokens.last == "[SEP]")
    let csv = try String(contentsOf: folder.appendingPathComponent("attention-layer1-head1.csv"), encoding: .utf8)
    #expect(!csv.contains("[CLS]"))
  }

  @Test func tooLongTextFailsWithTheLimitOrIsCutWithTruncate() throws {
    let folder = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let model = Self.fixtures.appendingPathComponent("tiny-bert").path
    let text = Array(repeating: "the cat", count: 40).joined(separator: " ")  // 80 words + 2 specials
    let refused = try Binary.run(["--model", model, "--out", folder.appendingPathComponent("a").path, text])
    #expect(refused.status == 1)
    #expect(refused.stderr.contains("82 tokens") && refused.stderr.contains("at most 64") && refused.stderr.contains("--truncate"))
    #expect(listing(folder).isEmpty)
    let cut = try Binary.run(["--model", model, "--truncate", "--json", "--format", "json", "--out", folder.path, text])
    #expect(cut.status == 0, "\(cut.stderr)")
    let document = try json(cut.stdoutBytes)
    #expect((document["tokens"] as? [String])?.count == 64)
    #expect((document["tokens"] as? [String])?.last == "[SEP]")
    #expect(document["truncated_from"] as? Int == 82)
  }

  @Test func gpt2IsCausalAndShowsItsSpaceMarker() throws {
    let folder = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let model = Self.fixtures.appendingPathComponent("tiny-gpt2").path
    let run = try Binary.run(["--model", model, "--json", "--format", "json", "--out", folder.path, "Hello world"])
    #expect(run.status == 0, "\(run.stderr)")
    let document = try json(run.stdoutBytes)
    #expect((document["model"] as? [String: Any])?["causal"] as? Bool == true)
    let tokens = try #require(document["tokens"] as? [String])
    #expect(tokens.dropFirst().allSatisfy { !$0.contains("Ġ") })
    #expect(tokens.contains { $0.hasPrefix("·") })
    for layer in try #require(document["attention"] as? [[[[Double]]]]) {
      for head in layer {
        for (q, row) in head.enumerated() {
          #expect(row[(q + 1)...].allSatisfy { $0 == 0 })
        }
      }
    }
  }

  @Test(.enabled(if: FileManager.default.fileExists(atPath: Binary.packageRoot.appendingPathComponent("models/all-MiniLM-L6-v2/model.safetensors").path), "run `make model` first"))
  func miniLMHeadWhereItAttendsToAnimal() throws {
    let folder = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    // By name, from a folder that has no models/: found in the binary's own project folder.
    let run = try Binary.run(
      ["--model", "all-MiniLM-L6-v2", "--json", "--format", "json", "--out", folder.path, lectureSentence], in: folder)
    #expect(run.status == 0, "\(run.stderr)")
    let document = try json(run.stdoutBytes)
    let tokens = try #require(document["tokens"] as? [String])
    let attention = try #require(document["attention"] as? [[[[Double]]]])
    let it = try #require(tokens.firstIndex(of: "it"))
    let animal = try #require(tokens.firstIndex(of: "animal"))
    // Layer 4, head 2 (1-based): the gallery's figure.
    #expect(attention[3][1][it][animal] > 0.6)
  }
}
