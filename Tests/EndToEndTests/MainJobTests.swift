import AttnvizRender
import Foundation
import Testing

let lectureSentence = "The animal didn't cross the street because it was too tired."

@Suite(.serialized) struct MainJobTests {
  @Test func lectureSentenceWritesTablesFiguresAndJSON() throws {
    let folder = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let out = folder.appendingPathComponent("figs")
    let run = try Binary.run([lectureSentence, "--out", out.path])
    #expect(run.status == 0, "\(run.stderr)")
    #expect(listing(out) == ["attention.json", "heads-layer1.png", "heatmap-layer1-head1.png", "heatmap-layer1-head2.png", "lines-layer1-all-heads.png"])
    // Not a terminal: plain ASCII tables, no escape codes.
    #expect(!run.stdout.contains("\u{1B}"))
    #expect(run.stdout.contains("+--"))
    #expect(run.stdout.contains("animal"))
    // The written paths go to stderr, one a line.
    let paths = run.stderr.split(separator: "\n").map(String.init)
    #expect(paths.contains(out.appendingPathComponent("attention.json").path))

    let json = try JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("attention.json"))) as! [String: Any]
    let tokens = json["tokens"] as! [String]
    #expect(tokens == ["The", "animal", "didn't", "cross", "the", "street", "because", "it", "was", "too", "tired", "."])
    let model = json["model"] as! [String: Any]
    #expect(model["name"] as? String == "builtin")
    #expect(model["layers"] as? Int == 1 && model["heads"] as? Int == 2 && model["d_model"] as? Int == 8)
    #expect(model["causal"] as? Bool == false)
    let attention = json["attention"] as! [[[[Double]]]]
    #expect(attention.count == 1 && attention[0].count == 2)
    for head in attention[0] {
      #expect(head.count == 12)
      for row in head { #expect(abs(row.reduce(0, +) - 1) < 1e-9) }
    }
    // The table shows the JSON's numbers to two decimals: the first head's "it" row.
    let itRow = attention[0][0][7].map { String(format: "%.2f", $0) }
    let tableLine = try #require(run.stdout.split(separator: "\n").first { $0.contains("| it ") || $0.hasPrefix("| it") })
    for value in itRow.prefix(4) { #expect(tableLine.contains(value)) }

    let png = try decodePNG(Array(Data(contentsOf: out.appendingPathComponent("heatmap-layer1-head1.png"))))
    #expect(png.width > 400 && png.height > 300)
  }

  @Test func sameInputSameBytes() throws {
    let folder = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let a = folder.appendingPathComponent("a")
    let b = folder.appendingPathComponent("b")
    try Binary.run([lectureSentence, "--out", a.path, "--format", "png,svg,json,csv,md,txt"])
    try Binary.run([lectureSentence, "--out", b.path, "--format", "png,svg,json,csv,md,txt"])
    #expect(listing(a) == listing(b))
    #expect(!listing(a).isEmpty)
    for name in listing(a) {
      #expect(try Data(contentsOf: a.appendingPathComponent(name)) == Data(contentsOf: b.appendingPathComponent(name)), "\(name)")
    }
  }

  @Test func jsonFlagPrintsOnlyJSON() throws {
    let folder = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let run = try Binary.run(["--json", "--out", folder.path, "-"], stdin: "Attention is all you need.")
    #expect(run.status == 0)
    let json = try JSONSerialization.jsonObject(with: run.stdoutBytes) as? [String: Any]
    #expect((json?["tokens"] as? [String]) == ["Attention", "is", "all", "you", "need", "."])
    #expect(try Data(contentsOf: folder.appendingPathComponent("attention.json")) == run.stdoutBytes)
  }

  @Test func quietPrintsNothing() throws {
    let folder = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let run = try Binary.run(["--quiet", "--out", folder.path, "a b c"])
    #expect(run.status == 0 && run.stdout.isEmpty && run.stderr.isEmpty)
  }

  @Test func fileInputAndCausal() throws {
    let folder = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let text = folder.appendingPathComponent("in.txt")
    try "One two three.".write(to: text, atomically: true, encoding: .utf8)
    let run = try Binary.run(["--file", text.path, "--causal", "--json", "--out", folder.appendingPathComponent("o").path])
    #expect(run.status == 0)
    let json = try JSONSerialization.jsonObject(with: run.stdoutBytes) as! [String: Any]
    let head = (json["attention"] as! [[[[Double]]]])[0][0]
    #expect(head[0] == [1, 0, 0, 0])
    #expect(head[1][2] == 0 && head[1][3] == 0)
  }

  @Test func writesNothingOutsideOut() throws {
    let folder = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    try Binary.run(["hello world", "--out", "figs"], in: folder)
    #expect(listing(folder) == ["figs"])
    // Only our fixed names, and no temporaries left.
    #expect(listing(folder.appendingPathComponent("figs")).allSatisfy { !$0.hasPrefix(".") })
  }

  @Test func controlCharactersNeverReachTheTerminalRaw() throws {
    let folder = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let run = try Binary.run(["evil \u{1B}[31mred\u{07} \u{202E}txt \r x", "--out", folder.path])
    #expect(run.status == 0, "\(run.stderr)")
    for forbidden in ["\u{1B}", "\u{07}", "\u{202E}", "\r"] {
      #expect(!run.stdout.contains(forbidden))
      #expect(!run.stderr.contains(forbidden))
    }
  }
}
