import Foundation
import Testing

@Suite struct ErrorTests {
  func expectError(
    _ run: Run, status: Int32, mentioning: String, sourceLocation: SourceLocation = #_sourceLocation
  ) {
    #expect(
      run.status == status, "exit \(run.status): \(run.stderr)", sourceLocation: sourceLocation)
    let lines = run.stderr.split(separator: "\n", omittingEmptySubsequences: false).filter {
      !$0.isEmpty
    }
    #expect(lines.count == 1, "one line: \(run.stderr)", sourceLocation: sourceLocation)
    #expect(run.stderr.hasPrefix("attnviz: error: "), sourceLocation: sourceLocation)
    #expect(run.stderr.contains(mentioning), "\(run.stderr)", sourceLocation: sourceLocation)
    #expect(run.stdout.isEmpty, sourceLocation: sourceLocation)
  }

  @Test(arguments: [
    (["--bogus", "text"], "--bogus"),
    ([String](), "no text"),
    (["   "], "empty"),
    (["\t\n"], "empty"),
    (["--dim", "7", "text"], "--heads 2 does not divide --dim 7"),
    (["--heads", "0", "text"], "--heads"),
    (["--dim", "1", "text"], "--dim"),
    (["--format", "gif", "text"], "gif"),
    (["--colormap", "rainbow", "--format", "json", "text"], "rainbow"),
    (["--view", "3d", "text"], "3d"),
    (["--scale", "0", "text"], "--scale"),
    (["--layer", "2", "text"], "--layer 2"),
    (["--head", "3", "text"], "--head 3"),
    (["--weights", "a.json", "--model", "b", "text"], "--weights"),
  ])
  func usageErrorsExitTwo(arguments: [String], mentioning: String) throws {
    let folder = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    expectError(
      try Binary.run(arguments + ["--out", folder.appendingPathComponent("o").path]), status: 2,
      mentioning: mentioning)
    #expect(listing(folder).isEmpty, "no output after an error")
  }

  @Test func emptyStandardInputIsAUsageError() throws {
    expectError(try Binary.run(["-"], stdin: "  \n"), status: 2, mentioning: "empty")
  }

  @Test func outThatIsAFileFails() throws {
    let folder = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let file = folder.appendingPathComponent("taken")
    try Data("x".utf8).write(to: file)
    expectError(
      try Binary.run(["text", "--out", file.path]), status: 1, mentioning: "not a folder")
    #expect(try Data(contentsOf: file) == Data("x".utf8))
  }

  @Test func unwritableOutFails() throws {
    // Root ignores permission bits, so use a path under a file instead.
    let folder = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let file = folder.appendingPathComponent("file")
    try Data().write(to: file)
    expectError(
      try Binary.run(["text", "--out", file.appendingPathComponent("sub").path]), status: 1,
      mentioning: "--out")
  }

  @Test func missingFileFails() throws {
    expectError(
      try Binary.run(["--file", "/nonexistent/words.txt"]), status: 1,
      mentioning: "/nonexistent/words.txt")
  }

  @Test func notUTF8Fails() throws {
    let folder = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let file = folder.appendingPathComponent("latin1.txt")
    try Data([0x63, 0x61, 0x66, 0xE9]).write(to: file)
    expectError(
      try Binary.run(["--file", file.path, "--out", folder.appendingPathComponent("o").path]),
      status: 1, mentioning: "UTF-8")
    #expect(listing(folder) == ["latin1.txt"])
  }

  @Test func badWeightsFileFailsNamingTheField() throws {
    let folder = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let file = folder.appendingPathComponent("w.json")
    try Data(
      #"{"d_model": 2, "heads": 1, "embeddings": {"a": [1, 0]}, "wq": [[1, 0]], "wk": [[1, 0], [0, 1]], "wv": [[1, 0], [0, 1]]}"#
        .utf8
    ).write(to: file)
    expectError(
      try Binary.run([
        "--weights", file.path, "a", "--out", folder.appendingPathComponent("o").path,
      ]), status: 1, mentioning: "\"wq\"")
    #expect(listing(folder) == ["w.json"])
  }

  @Test func unknownTokenInWeightsFileNamesIt() throws {
    let folder = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let file = folder.appendingPathComponent("w.json")
    try Data(
      #"{"d_model": 2, "heads": 1, "embeddings": {"a": [1, 0]}, "wq": [[1, 0], [0, 1]], "wk": [[1, 0], [0, 1]], "wv": [[1, 0], [0, 1]]}"#
        .utf8
    ).write(to: file)
    expectError(
      try Binary.run([
        "--weights", file.path, "a zebra", "--out", folder.appendingPathComponent("o").path,
      ]), status: 1, mentioning: "\"zebra\"")
  }

  @Test func missingModelSaysHowToGetIt() throws {
    expectError(
      try Binary.run(["--model", "no-such-model", "text"]), status: 1, mentioning: "no-such-model")
  }
}

@Suite struct LimitTests {
  @Test func textOverTheTokenLimitIsRefusedWithTheCount() throws {
    let folder = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let text = (1...4200).map { "w\($0)" }.joined(separator: " ")
    let run = try Binary.run(["-", "--out", folder.appendingPathComponent("o").path], stdin: text)
    #expect(run.status == 1)
    #expect(run.stderr.hasPrefix("attnviz: error: the text has 4200 tokens; this layer takes at most 4096"))
    #expect(listing(folder).isEmpty)
  }

  @Test func standardInputOverOneMebibyteIsAUsageError() throws {
    let text = String(repeating: "word ", count: 300_000)
    let run = try Binary.run(["-", "--out", "/nonexistent-never-written"], stdin: text)
    #expect(run.status == 2)
    #expect(run.stderr.contains("longer than 1024 KiB"))
  }

  @Test func longTextsSkipTheTerminalTableButNotTheFiles() throws {
    let folder = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let text = (1...150).map { "w\($0)" }.joined(separator: " ")
    let run = try Binary.run([text, "--out", folder.path, "--format", "json,csv"])
    #expect(run.status == 0)
    // Two heads: a title and 150 queries each, with their three strongest keys.
    #expect(run.stdout.split(separator: "\n").count == 2 * 151)
    #expect(run.stdout.contains("\n    1 w1   -> "))
    #expect(run.stderr.contains("150 × 150 tables are too large to print"))
    #expect(listing(folder).contains("attention-layer1-head1.csv"))
  }
}
