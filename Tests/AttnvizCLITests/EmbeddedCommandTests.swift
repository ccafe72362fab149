import ArgumentParser
import AttnvizKit
import Testing

@testable import AttnvizCLI

/// Words from a file — a deck entry, a figure's recorded command — parsed into a command that
/// writes only where attnviz says: what they may not choose is read from the parsed command, in
/// whatever spelling it was written.
@Suite struct EmbeddedCommandTests {
  func refusal(_ words: [String], _ source: EmbeddedCommand.Source) -> String? {
    do {
      _ = try EmbeddedCommand(source: source).parse(words, output: "/tmp/allowed")
      return nil
    } catch let error as AttnvizError {
      #expect(error.exitCode == 2, "\(error)")
      return error.description
    } catch {
      return "\(error)"
    }
  }

  /// Every spelling of `--out` a deck can produce: an entry's options, `--out=DIR`, a quoted key
  /// (`"out=DIR" = true` becomes `--out=DIR`), `[defaults]` options, and the other entry kinds.
  @Test(arguments: [
    ["show", "--view", "heatmap", "--out", "/tmp/evil", "--", "the cat"],
    ["show", "--view", "heatmap", "--out=/tmp/evil", "--", "the cat"],
    ["show", "--hide-special", "--format", "png", "--out=/tmp/evil", "--", "the cat"],
    ["explain", "--step", "5", "--out", "/tmp/evil", "--", "the cat"],
    ["compare", "--out=/tmp/evil", "--", "a b", "c d"],
    ["pe", "--positions", "12", "--out", "/tmp/evil"],
    ["generate", "--chat", "--out=/tmp/evil", "--", "Why?"],
  ])
  func aDeckMayNotChooseTheFolder(words: [String]) throws {
    let message = try #require(refusal(words, .deck))
    #expect(message.contains("may not choose --out"), "\(message)")
  }

  @Test func aDeckEntryThatChoosesNothingWritesIntoTheStagingFolder() throws {
    let command = try EmbeddedCommand(source: .deck).parse(
      ["show", "--view", "heatmap", "--", "the", "--out", "x"], output: "/tmp/allowed")
    #expect(command.outputFolder == "/tmp/allowed")
    // After `--`, "--out" is text.
    #expect(command.textWords == ["the", "--out", "x"])
  }

  /// `view = "generate"`: the deck runs `attnviz generate` into its staging folder, PNG only
  /// unless the entry says otherwise, with the entry's keys as options.
  @Test func aGenerateEntryRunsGenerate() throws {
    let deck = try parseDeck(
      """
      [[figure]]
      title = "The answer"
      view = "generate"
      model = "SmolLM2-135M-Instruct"
      chat = true
      tokens = 12
      no-steps = true
      text = "What is the capital of France?"
      """, source: "deck.toml", folder: ".")
    let entry = try #require(deck.entries.first)
    #expect(entry.arguments.first == "generate")
    #expect(entry.arguments.suffix(2) == ["--", "What is the capital of France?"])
    let command = try EmbeddedCommand(source: .deck).parse(entry.arguments, output: "/tmp/allowed")
    let generate = try #require(command as? GenerateCommand)
    #expect(generate.outputFolder == "/tmp/allowed")
    #expect(generate.chat.chat && generate.noSteps && generate.generation.tokens == 12)
    #expect(generate.output.formats == [.png])
    #expect(generate.textWords == ["What is the capital of France?"])
  }

  @Test func aDeckMayNotPrintJSONOrAskForHelp() {
    #expect(refusal(["show", "--json", "--", "x"], .deck)?.contains("--json") == true)
    let help = refusal(["show", "--help"], .deck)
    #expect(help?.contains("help") == true, "\(help ?? "accepted")")
  }

  /// A recorded command attnviz would not have written is refused, wherever the subcommand or
  /// the option hides: the recursion through `info`/`deck`, a recorded `--file`, `--out`,
  /// `--quiet`, standard input.
  @Test(arguments: [
    (["--quiet", "info", "fig.svg", "--rerun"], "never records"),
    (["info", "fig.svg", "--rerun"], "makes no figure"),
    (["deck", "deck.toml"], "makes no figure"),
    (["models"], "unknown option '--out'"),
    (["--file", "/etc/passwd"], "--file"),
    (["--view", "heatmap", "--out=/tmp/evil", "--", "x"], "never records"),
    (["--view", "heatmap", "-"], "standard input"),
    (["--no-color", "info", "fig.svg"], "subcommand comes first"),
  ])
  func aRecordedCommandAttnvizWouldNotWriteIsRefused(words: [String], reason: String) throws {
    let message = try #require(refusal(words, .recorded), "\(words)")
    #expect(message.contains(reason), "\(message)")
  }

  @Test func aRecordedCommandRunsIntoTheGivenFolder() throws {
    let command = try EmbeddedCommand(source: .recorded).parse(
      ["--view", "heatmap", "--format", "svg", "--", "the cat"], output: "/tmp/allowed")
    #expect(command.outputFolder == "/tmp/allowed")
    #expect(command is Show)
    let explain = try EmbeddedCommand(source: .recorded).parse(
      ["explain", "--step", "5", "the cat"], output: "/tmp/allowed")
    #expect(explain is ExplainCommand)
  }

  /// Twenty thousand repeated flags took the argument parser minutes; they are refused at once,
  /// from the command line, a deck or a recorded command alike.
  @Test func thousandsOfRepeatedFlagsAreRefusedAtOnce() {
    let words = ["show"] + Array(repeating: "--hide-special", count: 20_000) + ["--", "x"]
    #expect(refusal(words, .deck)?.contains("more than the limit of 1000") == true)
    #expect(throws: AttnvizError.self) {
      try Attnviz.refuseTooManyOptions(words, from: "the command line")
    }
    // Words after `--` are text, not options.
    #expect(throws: Never.self) {
      try Attnviz.refuseTooManyOptions(
        ["--"] + Array(repeating: "-", count: 5_000), from: "the command line")
    }
  }
}
