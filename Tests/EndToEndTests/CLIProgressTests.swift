import Foundation
import Testing

/// The progress line: on a terminal for runs longer than half a second, wiped before the file
/// paths; never on a pipe.
@Suite struct CLIProgressTests {
  /// 1200 tokens with JSON (2.9 million weights) takes seconds in the debug build the tests run
  /// (and over half a second in release), without drawing figures that would make the suite slow.
  static let longText = (0..<1200).map { ["the", "cat", "sat", "on", "a", "mat"][$0 % 6] }
    .joined(separator: " ")
  /// Past 100 tokens each query's top keys are printed instead of the tables, and a note says so
  /// before the paths.
  static let tableNote =
    "note: 1200 × 1200 tables are too large to print; each query's top 3 keys are printed instead (--top K; --format txt, md or csv writes the tables)\n"

  @Test func longRunOnATerminalShowsProgressAndWipesIt() throws {
    let folder = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let run = try Binary.runInTerminal(
      [
        Self.longText, "--head", "1", "--format", "json", "--json-precision", "3", "--out",
        folder.path,
      ])
    #expect(run.status == 0, "\(run.stderr)")
    #expect(
      run.stderr.contains("\rattnviz: "), "no progress line in \(run.stderr.debugDescription)")
    // The last progress text is overwritten with spaces before the paths are printed.
    let wiped = try #require(
      run.stderr.range(of: #"\r +\r"#, options: [.regularExpression, .backwards]))
    let after = run.stderr[wiped.upperBound...]
    #expect(
      after == Binary.untrainedNote + Self.tableNote
        + folder.appendingPathComponent("attention.json").path + "\n")
    #expect(!run.stdout.contains("attnviz: "))
  }

  @Test func shortRunOnATerminalShowsNoProgress() throws {
    let folder = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let run = try Binary.runInTerminal(["a b c", "--format", "json", "--out", folder.path])
    #expect(run.status == 0)
    #expect(
      run.stderr == Binary.untrainedNote + folder.appendingPathComponent("attention.json").path
        + "\n")
  }

  /// Standard output piped (`| less`, `> file`): a script is reading, so no progress even though
  /// standard error is a terminal.
  @Test func pipedStandardOutputShowsNoProgress() throws {
    let folder = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let run = try Binary.runInTerminal(
      [
        Self.longText, "--head", "1", "--format", "json", "--json-precision", "3", "--out",
        folder.path,
      ],
      pipeStandardOutput: true)
    #expect(run.status == 0)
    #expect(
      run.stderr == Binary.untrainedNote + Self.tableNote
        + folder.appendingPathComponent("attention.json").path + "\n")
    #expect(run.stdout.hasPrefix("Top 3 keys per query · Head 1 of 2 · layer 1"))
    #expect(run.stdout.split(separator: "\n").count == 1 + 1200)
  }
}
