import Foundation
import Testing

/// Help, version, subcommands versus text, and the option list that docs/usage.md must cover.
@Suite struct CLITests {
  /// `--name` of every option in a help text, in order: entries start in column 3 (wrapped
  /// descriptions are indented further).
  static func optionNames(_ help: String) -> [String] {
    help.split(separator: "\n").compactMap { line -> String? in
      guard line.hasPrefix("  --") else { return nil }
      return String(line.dropFirst(2).prefix(while: { $0 != " " && $0 != "," }))
    }
  }

  @Test func rootHelpListsTheMainJobsOptionsWithDefaultsAndEndsWithExamples() throws {
    let help = try Binary.run(["--help"])
    #expect(help.status == 0 && help.stderr.isEmpty)
    let show = try Binary.run(["help", "show"]).stdout
    let showOptions = Self.optionNames(show)
    #expect(showOptions.count > 20)
    #expect(Self.optionNames(help.stdout) == showOptions)
    for defaultText in [
      "(default: 8)", "(default: 2)", "(default: 2017)", "default: viridis)",
      "(default: attnviz-out)", "(default: png,json;", "(default: heatmap, heads, lines;",
      "(values: png, svg, json, txt, csv, md, html)",
      "(values: heatmap, heads, lines, model, patterns, sinks, rollout, stats, contribution, credit, ablation, next, lens)",
    ] {
      // Help wraps at the terminal's width: compare with the lines joined.
      let flat = help.stdout.split(whereSeparator: \.isWhitespace).joined(separator: " ")
      #expect(flat.contains(defaultText), "\(defaultText)")
    }
    #expect(help.stdout.contains("USAGE: attnviz [<options>] [<text> ...]"))
    #expect(help.stdout.contains("show (default)") && help.stdout.contains("\n  pe "))
    let lastSection = try #require(help.stdout.components(separatedBy: "\n\n").last)
    #expect(lastSection.hasPrefix("EXAMPLES:\n"))
    let examples = lastSection.split(separator: "\n").dropFirst()
    #expect(examples.count >= 3 && examples.allSatisfy { $0.contains("attnviz ") })
    for other in [["-h"], ["help"]] {
      #expect(try Binary.run(other).stdout == help.stdout)
    }
  }

  /// The examples in the help are real: each runs and succeeds (figures left out: the debug
  /// build draws slowly, and MainJobTests covers them).
  @Test func helpExamplesRun() throws {
    let folder = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let run = try Binary.run(
      [
        "--causal", "--heads", "4", "--dim", "16", "The cat sat on the mat.", "--out", folder.path,
        "--format", "json",
      ])
    #expect(run.status == 0, "\(run.stderr)")
    let csv = try Binary.run([
      "--format", "csv,md", "--out", folder.path, "The cat sat on the mat.",
    ])
    #expect(csv.status == 0 && listing(folder).contains("tables.md"))
  }

  @Test func versionComesFromVersionSwift() throws {
    let source = try String(
      contentsOf: Binary.packageRoot.appendingPathComponent("Sources/AttnvizKit/Version.swift"),
      encoding: .utf8)
    let declared = try #require(source.firstMatch(of: /current = "([^"]+)"/)?.1)
    let run = try Binary.run(["--version"])
    #expect(run.status == 0 && run.stdout == "\(declared)\n")
  }

  @Test func subcommandHelp() throws {
    let show = try Binary.run(["help", "show"])
    #expect(show.status == 0 && show.stdout.contains("USAGE: attnviz show"))
    let pe = try Binary.run(["help", "pe"])
    #expect(pe.status == 0 && pe.stdout.contains("--positions <positions>"))
    #expect(pe.stdout.contains("(default: 50)"))
    #expect(try Binary.run(["pe", "--help"]).stdout == pe.stdout)
  }

  @Test func subcommandNameVersusText() throws {
    let folder = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    // The bare name runs the subcommand …
    let pe = try Binary.run(
      ["pe", "--quiet", "--format", "csv", "--out", folder.appendingPathComponent("pe").path])
    #expect(pe.status == 0 && listing(folder.appendingPathComponent("pe")) == ["pe.csv"])
    // … one quoted argument is text, and so is anything after `show`.
    for arguments in [["pe is a word"], ["show", "pe", "is", "a", "word"]] {
      let run = try Binary.run(
        arguments + ["--json", "--out", folder.appendingPathComponent("t").path])
      #expect(run.status == 0, "\(run.stderr)")
      let json = try JSONSerialization.jsonObject(with: run.stdoutBytes) as? [String: Any]
      #expect(json?["tokens"] as? [String] == ["pe", "is", "a", "word"])
    }
    // Unquoted words after a subcommand name are an error that says what to write instead.
    let wrong = try Binary.run(["pe", "is", "a", "word"])
    #expect(wrong.status == 2 && wrong.stderr.contains("attnviz show pe"))
    #expect(wrong.stderr.split(separator: "\n").count == 1)
  }

  /// docs/usage.md stays true: every option of every command's help appears in it.
  @Test func usageDocumentsEveryOptionAndSubcommand() throws {
    let usage = try String(
      contentsOf: Binary.packageRoot.appendingPathComponent("docs/usage.md"), encoding: .utf8)
    let root = try Binary.run(["--help"]).stdout
    let section =
      root.components(separatedBy: "SUBCOMMANDS:").last?
      .components(separatedBy: "\n\n").first ?? ""
    let subcommands = section.split(separator: "\n").compactMap { line -> String? in
      guard line.hasPrefix("  "), !line.hasPrefix("   "), !line.contains("See '") else {
        return nil
      }
      return line.split(separator: " ").first.map(String.init)
    }
    #expect(subcommands.count >= 2)
    for command in subcommands {
      #expect(usage.contains("attnviz \(command)") || command == "show", "subcommand \(command)")
      for option in Self.optionNames(try Binary.run(["help", command]).stdout) {
        #expect(usage.contains("`\(option)"), "docs/usage.md lacks \(option) of \(command)")
      }
    }
  }
}
