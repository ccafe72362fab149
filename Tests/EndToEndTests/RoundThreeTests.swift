import AttnvizStyle
import Foundation
import Testing

/// Robustness round 3 (issue #27) through the built binary: shared decks and figures cannot
/// write outside `--out` or run what attnviz would not have recorded, nothing unsafe reaches the
/// terminal, failures leave no folder behind, a shrinking model file is an error, not a crash.
@Suite(.serialized) struct RoundThreeTests {
  func write(_ text: String, _ name: String, in folder: URL) throws -> String {
    let path = folder.appendingPathComponent(name).path
    try text.write(toFile: path, atomically: true, encoding: .utf8)
    return path
  }

  /// Every way a deck can spell `--out`: refused with exit 2, nothing written anywhere.
  @Test(arguments: [
    "[[figure]]\ntext = \"the cat\"\noptions = [\"--out\", \"EVIL\"]\n",
    "[[figure]]\ntext = \"the cat\"\noptions = [\"--out=EVIL\"]\n",
    "[[figure]]\ntext = \"the cat\"\n\"out=EVIL\" = true\n",
    "[defaults]\noptions = [\"--out=EVIL\"]\n[[figure]]\ntext = \"the cat\"\n",
    "[[figure]]\nview = \"compare\"\ntexts = [\"a b\", \"c d\"]\noptions = [\"--out=EVIL\"]\n",
    "[[figure]]\nview = \"explain\"\nstep = 5\ntext = \"a b\"\noptions = [\"--out\", \"EVIL\"]\n",
    "[[figure]]\nview = \"pe\"\noptions = [\"--out=EVIL\"]\n",
  ])
  func aDeckCannotWriteOutsideItsFolder(deck: String) throws {
    let folder = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let evil = folder.appendingPathComponent("evil").path
    let path = try write(deck.replacingOccurrences(of: "EVIL", with: evil), "d.toml", in: folder)
    let out = folder.appendingPathComponent("lecture")
    let run = try Binary.run(["deck", path, "--out", out.path])
    #expect(run.status == 2, "\(run.stderr)")
    #expect(run.stderr.contains("may not choose --out"), "\(run.stderr)")
    #expect(!FileManager.default.fileExists(atPath: evil))
    #expect(!FileManager.default.fileExists(atPath: out.path))
  }

  /// A figure whose recorded command is replaced by `words` (as a crafted file would be).
  func crafted(_ words: [String], in folder: URL) throws -> String {
    let made = try Binary.run(
      ["--view", "heatmap", "--head", "1", "--format", "svg", "--quiet", "--out", "f", "the cat"],
      in: folder)
    #expect(made.status == 0, "\(made.stderr)")
    let svg = try String(
      contentsOf: folder.appendingPathComponent("f/heatmap-layer1-head1.svg"), encoding: .utf8)
    let start = try #require(svg.range(of: "<attnviz:entry key=\"attnviz-command\">"))
    let end = try #require(
      svg.range(of: "</attnviz:entry>", range: start.upperBound..<svg.endIndex))
    let json = "[" + words.map { jsonStringLiteral($0) }.joined(separator: ", ") + "]"
    var changed = svg
    changed.replaceSubrange(start.upperBound..<end.lowerBound, with: escapeXML(json))
    return try write(changed, "crafted.svg", in: folder)
  }

  /// The recursion through a recorded `info` (it overflowed the stack), a recorded `deck`, a
  /// recorded `--file` (it copied any readable file into the output): refused, nothing run.
  @Test(arguments: [
    ["--quiet", "info", "crafted.svg", "--rerun"], ["info", "crafted.svg", "--rerun"],
    ["deck", "d.toml"], ["--file", "/etc/hostname", "--format", "txt"],
  ])
  func rerunRefusesWhatAttnvizNeverRecords(words: [String]) throws {
    let folder = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let figure = try crafted(words, in: folder)
    let run = try Binary.run(["info", figure, "--rerun", "--out", "again"], in: folder)
    #expect(run.status == 2, "\(run.stderr)")
    #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("again").path))
  }

  /// A genuine figure reruns, and the command is shown before it runs; a bidi override in the
  /// recorded text is shown escaped, on the terminal and in `info`, never raw.
  @Test func rerunShowsTheCommandAndNothingUnsafe() throws {
    let folder = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let figure = try crafted(
      ["--view", "heatmap", "--head", "1", "--format", "svg", "--", "evil\u{202E}txt.exe"],
      in: folder)
    let info = try Binary.run(["info", figure], in: folder)
    #expect(info.status == 0, "\(info.stderr)")
    #expect(info.stdout.contains("$'evil\\u202etxt.exe'"), "\(info.stdout)")
    let run = try Binary.run(["info", figure, "--rerun", "--out", "again"], in: folder)
    #expect(run.status == 0, "\(run.stderr)")
    #expect(run.stderr.hasPrefix("info: running attnviz --view heatmap"), "\(run.stderr)")
    for text in [info.stdout, info.stderr, run.stderr] {
      #expect(!text.unicodeScalars.contains { isUnsafeScalar($0) && $0 != "\n" })
    }
    #expect(listing(folder.appendingPathComponent("again")) == ["heatmap-layer1-head1.svg"])
  }

  /// Deck progress lines carry the titles: no bidi or format character reaches the terminal.
  @Test func deckProgressIsSafeAndATOMLNULIsRefused() throws {
    let folder = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let deck = try write(
      "title = \"t\\u202Eevil\"\n[[figure]]\ntitle = \"a\\u2066b\\u200Bc\"\ntext = \"the cat\"\n",
      "d.toml", in: folder)
    let run = try Binary.run(["deck", deck, "--out", "o"], in: folder)
    #expect(run.status == 0, "\(run.stderr)")
    #expect(run.stderr.contains("deck: [1/1] a?b?c\n"), "\(run.stderr)")
    #expect(!run.stderr.unicodeScalars.contains { isUnsafeScalar($0) && $0 != "\n" })
    let nul = try write(
      "[[figure]]\ntitle = \"a\\u0000b\"\ntext = \"the cat\"\n", "nul.toml", in: folder)
    let refused = try Binary.run(["deck", nul, "--out", "n"], in: folder)
    #expect(refused.status == 2)
    #expect(refused.stderr.contains("line 2: a text holds \\u0000 (NUL)"), "\(refused.stderr)")
  }

  /// A deck whose figure fails while running leaves no `--out` folder it created.
  @Test func aFailedDeckLeavesNoFolder() throws {
    let folder = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let deck = try write(
      "[[figure]]\ntext = \"the cat\"\n[[figure]]\ntext = \"x\"\nweights = \"missing.json\"\n",
      "d.toml", in: folder)
    let run = try Binary.run(["deck", deck, "--out", "new/lecture"], in: folder)
    #expect(run.status == 1, "\(run.stderr)")
    #expect(listing(folder) == ["d.toml"])
  }

  /// Issue #27: `--scale 8` on 300 tokens drew figures for minutes. The PNG figures of a run
  /// are limited to 2^28 device pixels together, checked before the first is drawn: one line
  /// naming the limit and a scale that fits, exit 2, no file and no folder.
  @Test func thePixelsOfARunAreLimited() throws {
    let folder = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let text = (0..<300).map { ["the", "cat", "sat", "on", "a", "mat"][$0 % 6] }
      .joined(separator: " ")
    let run = try Binary.run(["--scale", "8", "--out", "figures", text], in: folder)
    #expect(run.status == 2, "\(run.stderr)")
    #expect(
      run.stderr.hasPrefix("attnviz: error: the 4 PNG figures of this run would hold ")
        && run.stderr.contains("more than the limit of 268 million a run may draw; give --scale ")
        && run.stderr.hasSuffix("or write --format svg\n"), "\(run.stderr)")
    #expect(run.stderr.split(separator: "\n").count == 1)
    #expect(listing(folder).isEmpty)
    // The limit is on the pixels, not on the option: --scale 8 on a short text draws.
    let short = try Binary.run(["--scale", "8", "--out", "short", "the cat sat"], in: folder)
    #expect(short.status == 0, "\(short.stderr)")
    #expect(listing(folder.appendingPathComponent("short")).contains("heatmap-layer1-head1.png"))
    // SVG is not drawn in pixels: the same choice with --format svg is not refused.
    let svg = try Binary.run(["--scale", "8", "--format", "svg", "--out", "svg", text], in: folder)
    #expect(svg.status == 0, "\(svg.stderr)")
  }

  /// `--json` (with or without --quiet): standard output carries the JSON, nothing is written.
  @Test func jsonToStandardOutputWritesNothingElse() throws {
    let folder = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    for extra in [[], ["--quiet"]] {
      let run = try Binary.run(["--json"] + extra + ["the cat sat"], in: folder)
      #expect(run.status == 0, "\(run.stderr)")
      #expect(run.stdout.hasPrefix("{"))
      #expect(listing(folder).isEmpty)
    }
    let both = try Binary.run(["--json", "--quiet", "--format", "png", "the cat"], in: folder)
    #expect(both.status == 0)
    #expect(listing(folder) == ["attnviz-out"])
  }

  /// A GGUF file cut short while attnviz reads it (a model re-downloaded in place) is one
  /// error line and exit 1, never a death by SIGBUS, whenever the cut comes.
  @Test(
    .enabled(
      if: ExplainLayerTests.present("models/SmolLM2-135M-Instruct")
        || ProcessInfo.processInfo.environment["ATTNVIZ_REQUIRE_MODELS"] == "1",
      "run `make model` first"))
  func aShrinkingModelFileIsAnErrorNotACrash() throws {
    let folder = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let source = Binary.packageRoot.appendingPathComponent(
      "models/SmolLM2-135M-Instruct/SmolLM2-135M-Instruct.Q4_1.gguf")
    let model = folder.appendingPathComponent("m.gguf")
    var sawTheMessage = false
    for delay in [0.3, 0.6, 1.2] {
      try? FileManager.default.removeItem(at: model)
      try FileManager.default.copyItem(at: source, to: model)
      let process = Process()
      process.executableURL = Binary.url
      process.arguments = [
        "--model", model.path, "--quiet", "--format", "png", "--out",
        folder.appendingPathComponent("o").path, "The cat sat on the mat because it was tired.",
      ]
      let errors = Pipe()
      process.standardError = errors
      try process.run()
      Thread.sleep(forTimeInterval: delay)
      truncate(model.path, 1_000_000)
      let stderr = String(
        decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
      process.waitUntilExit()
      #expect(process.terminationReason == .exit, "died by signal \(process.terminationStatus)")
      if stderr.contains("became shorter while attnviz read it (SIGBUS)") {
        #expect(process.terminationStatus == 1)
        sawTheMessage = true
      }
    }
    withKnownIssue("the cut may land before the open or after the last read", isIntermittent: true)
    {
      #expect(sawTheMessage)
    }
  }

  /// A table header without a name (`[[` then a newline) made TOMLKit's parser abort on an
  /// assertion (found by FuzzDeck): a usage error naming the line instead.
  @Test func aNamelessTableHeaderIsAUsageError() throws {
    let folder = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let deck = try write("title = \"t\"\n[[\n[[figure]]\ntext = \"a\"\n", "d.toml", in: folder)
    let run = try Binary.run(["deck", deck, "--out", "o"], in: folder)
    #expect(run.status == 2, "\(run.stderr)")
    #expect(run.stderr.contains("line 2: a table header [ or [[ needs a name"), "\(run.stderr)")
  }

  /// "[" and a combining mark are one Character in Swift; the check reads scalars, so toml++ never
  /// sees the header it aborts on (found by FuzzDeck:
  /// Fuzz/Regressions/FuzzDeck/abort-table-header-combining-mark.toml).
  @Test(arguments: ["[\u{301}]", "[\u{7ED}\u{7}", "title = \"t\"\r\n[\u{301}\r\n"])
  func aTableHeaderBeginningWithACombiningMarkIsAUsageError(_ header: String) throws {
    let folder = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let deck = try write(header, "d.toml", in: folder)
    let run = try Binary.run(["deck", deck, "--out", "o"], in: folder)
    #expect(run.status == 2, "\(run.stderr)")
    #expect(run.stderr.contains("a table header [ or [[ needs a name"), "\(run.stderr)")
  }
}
