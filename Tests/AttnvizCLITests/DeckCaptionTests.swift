import ArgumentParser
import AttnvizKit
import Foundation
import Testing

@testable import AttnvizCLI

/// The sample deck's captions say only what their figures' numbers carry: every number in a
/// caption comes from a placeholder, and each filled caption is recomputed here from the
/// attention.json of the figure's own run (text, model, layer, head, hidden tokens), by a
/// reading of the JSON written for this test, not by the deck's code.
@Suite(.serialized) struct DeckCaptionTests {
  static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent()
  static let modelsPresent =
    ["models/all-MiniLM-L6-v2/model.safetensors", "models/SmolLM2-135M-Instruct"].allSatisfy {
      FileManager.default.fileExists(atPath: root.appendingPathComponent($0).path)
    } || ProcessInfo.processInfo.environment["ATTNVIZ_REQUIRE_MODELS"] == "1"

  static var samplePath: String { root.appendingPathComponent("samples/lecture.toml").path }

  @Test func noSampleCaptionWritesAWeightByHand() throws {
    let deck = try readDeck(path: Self.samplePath)
    #expect(deck.entries.count >= 15)
    for entry in deck.entries {
      let caption = entry.caption ?? ""
      #expect(
        caption.range(of: #"[0-9]\.[0-9]"#, options: .regularExpression) == nil,
        "figure \(entry.number) states a weight by hand: \(caption)")
      #expect(!entry.arguments.contains("--title"), "figure \(entry.number)")
    }
    // The sample deck is made for projection.
    #expect(deck.entries.allSatisfy { $0.arguments.contains("--preset") })
  }

  @Test(.enabled(if: modelsPresent, "run `make model` first"))
  func everySampleCaptionIsItsFiguresNumbers() throws {
    let deck = try readDeck(path: Self.samplePath)
    let out = FileManager.default.temporaryDirectory
      .appendingPathComponent("attnviz-captions-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: out) }
    #expect(
      Attnviz.exitCode(running: ["deck", Self.samplePath, "--out", out.path, "--quiet"]) == 0)
    let index = try String(contentsOf: out.appendingPathComponent("index.md"), encoding: .utf8)
    let paragraphs = index.components(separatedBy: "\n\n").map(unescapedMarkdown)
    var checked = 0
    for entry in deck.entries {
      guard let template = entry.caption, template.contains("{") else { continue }
      let runs = try jsonRuns(try Attnviz.parseAsRoot(entry.arguments))
      let documents = try runs.enumerated().map { index, run in
        try attentionDocument(
          run, folder: out.appendingPathComponent("json-\(entry.number)-\(index)"))
      }
      let expected = try filled(template, documents)
      #expect(
        paragraphs.contains(expected),
        "figure \(entry.number): the index does not say \(expected)")
      checked += 1
    }
    #expect(checked >= 7)
  }

  /// What one panel's JSON is made from.
  struct JSONRun {
    var text: String
    var model: String
    var layer: Int
    var head: Int?
    var hideSpecial: Bool
  }

  func jsonRuns(_ command: ParsableCommand) throws -> [JSONRun] {
    switch command {
    case let show as Show:
      return [
        JSONRun(
          text: show.input.words.joined(separator: " "), model: try #require(show.model.model),
          layer: try #require(show.layer), head: show.head, hideSpecial: show.hideSpecial)
      ]
    case let compare as CompareCommand:
      #expect(compare.models.count == 1 && compare.layers.count == 1 && compare.heads.count <= 1)
      return compare.texts.map {
        JSONRun(
          text: $0, model: compare.models[0], layer: compare.layers[0],
          head: compare.heads.first, hideSpecial: compare.hideSpecial)
      }
    case let explain as ExplainCommand:
      return [
        JSONRun(
          text: explain.input.words.joined(separator: " "),
          model: try #require(explain.model.model),
          layer: explain.layer ?? 1, head: explain.head, hideSpecial: false)
      ]
    default:
      Issue.record("no numbers for \(type(of: command))")
      return []
    }
  }

  struct Document {
    var tokens: [String]
    /// The figure's matrix: its head, or the average of the layer's heads.
    var weights: [[Double]]
    var run: JSONRun
  }

  func attentionDocument(_ run: JSONRun, folder: URL) throws -> Document {
    var words = [
      "show", "--format", "json", "--quiet", "--out", folder.path, "--model", run.model,
      "--layer", String(run.layer),
    ]
    if let head = run.head { words += ["--head", String(head)] }
    words += ["--", run.text]
    #expect(Attnviz.exitCode(running: words) == 0)
    let data = try Data(contentsOf: folder.appendingPathComponent("attention.json"))
    let json = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    let tokens = try #require(json["tokens"] as? [String])
    let layer = try #require((json["attention"] as? [[[[Double]]]])?.first)
    let n = tokens.count
    var weights = Array(repeating: Array(repeating: 0.0, count: n), count: n)
    for head in layer {
      for i in 0..<n { for j in 0..<n { weights[i][j] += head[i][j] / Double(layer.count) } }
    }
    let shown = tokens.indices.filter { !run.hideSpecial || !isSpecial(tokens[$0]) }
    return Document(
      tokens: shown.map { tokens[$0] }, weights: shown.map { i in shown.map { weights[i][$0] } },
      run: run)
  }

  func isSpecial(_ token: String) -> Bool {
    (token.hasPrefix("[") && token.hasSuffix("]")) || (token.hasPrefix("<") && token.hasSuffix(">"))
  }

  /// The token as a sentence reads it: without the space mark.
  func word(_ token: String) -> String {
    token.hasPrefix("·") || token.hasPrefix("Ġ") ? String(token.dropFirst()) : token
  }

  /// `word` or `word@K`: the K-th token that reads as the word (case-insensitive).
  func index(_ written: String, in document: Document) throws -> Int {
    var name = written
    var k = 1
    if let at = written.lastIndex(of: "@"), let number = Int(written[written.index(after: at)...]) {
      name = String(written[..<at])
      k = number
    }
    let found = document.tokens.indices.filter { word(document.tokens[$0]).lowercased() == name }
    return try #require(found.count >= k ? found[k - 1] : nil, "\(written) in \(document.tokens)")
  }

  func filled(_ template: String, _ documents: [Document]) throws -> String {
    var out = ""
    var rest = Substring(template)
    while let open = rest.firstIndex(of: "{") {
      out += rest[..<open]
      let close = try #require(rest[open...].firstIndex(of: "}"))
      var inside = String(rest[rest.index(after: open)..<close])
      rest = rest[rest.index(after: close)...]
      var panel = 0
      if let hash = inside.firstIndex(of: "#") {
        panel = try #require(Int(inside[inside.index(after: hash)...])) - 1
        inside = String(inside[..<hash])
      }
      let document = documents[panel]
      if inside == "layer" {
        out += String(document.run.layer)
        continue
      }
      if inside == "head" {
        out += String(try #require(document.run.head))
        continue
      }
      let parts = inside.components(separatedBy: "->")
      #expect(parts.count == 2, "\(inside)")
      let row = document.weights[try index(parts[0], in: document)]
      let order = row.indices.sorted { row[$0] > row[$1] || (row[$0] == row[$1] && $0 < $1) }
      switch parts[1] {
      case "top": out += word(document.tokens[order[0]])
      case "top.weight": out += String(format: "%.2f", row[order[0]])
      default: out += String(format: "%.2f", row[try index(parts[1], in: document)])
      }
    }
    return out + rest
  }

  func unescapedMarkdown(_ text: String) -> String {
    var out = ""
    var escaped = false
    for character in text {
      if character == "\\" && !escaped {
        escaped = true
        continue
      }
      escaped = false
      out.append(character)
    }
    return out
  }
}
