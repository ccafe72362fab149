import Foundation
import Testing

/// `--merge-subwords` through the binary.
@Suite struct MergeSubwordsTests {
  static let modelPresent = FileManager.default.fileExists(
    atPath: Binary.packageRoot.appendingPathComponent("models/all-MiniLM-L6-v2/model.safetensors")
      .path)

  @Test(.enabled(if: modelPresent || modelsRequired, "run `make model` first"))
  func wordPiecesBecomeWordsAndBothJSONsAreWritten() throws {
    let folder = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let run = try Binary.run(
      [
        "--model", "all-MiniLM-L6-v2", "--merge-subwords", "--layer", "4", "--head", "2",
        "--view", "heatmap", "--format", "json,svg", "--out", folder.path,
        "The animal didn't cross the street because it was too tired.",
      ], in: Binary.packageRoot)
    #expect(run.status == 0, "\(run.stderr)")
    let words = try JSONSerialization.jsonObject(
      with: Data(contentsOf: folder.appendingPathComponent("attention-words.json")))
    let tokens = try JSONSerialization.jsonObject(
      with: Data(contentsOf: folder.appendingPathComponent("attention.json")))
    let wordTokens = try #require((words as? [String: Any])?["tokens"] as? [String])
    let pieceTokens = try #require((tokens as? [String: Any])?["tokens"] as? [String])
    #expect(pieceTokens.contains("didn") && !wordTokens.contains("didn"))
    #expect(wordTokens.contains("didn't") && wordTokens.contains("tired"))
    #expect(wordTokens.count == pieceTokens.count - 2)
    let attention = try #require((words as? [String: Any])?["attention"] as? [[[[Double]]]])
    // --layer 4 --head 2: the JSON holds that head only.
    #expect((words as? [String: Any])?["layers_included"] as? [Int] == [4])
    #expect(attention.count == 1 && attention[0].count == 1)
    for row in attention[0][0] { #expect(abs(row.reduce(0, +) - 1) < 1e-9) }
    let svg = try String(
      contentsOf: folder.appendingPathComponent("heatmap-layer4-head02.svg"), encoding: .utf8)
    #expect(svg.contains("words: pieces merged (to = sum, from = mean)"))
    #expect(run.stdout.contains("didn't"))
  }

  @Test func onWholeWordTokensItSaysItChangedNothing() throws {
    let folder = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let run = try Binary.run(
      ["--merge-subwords", "--format", "json", "--out", folder.path, "a b c"])
    #expect(run.status == 0)
    #expect(run.stderr.contains("--merge-subwords changed nothing"))
    #expect(listing(folder) == ["attention.json"])
  }
}
