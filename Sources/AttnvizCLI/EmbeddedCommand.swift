import ArgumentParser
import AttnvizKit
import Foundation

/// A command that makes figures: the only kind a deck entry or a figure's recorded command
/// (`info --rerun`) may run. What it chose is read from the parsed command, never from words.
protocol FigureCommand: RunCommand {
  /// `--out` as parsed.
  var outputFolder: String { get }
  /// `--file` as parsed (nil where the command has none).
  var textFile: String? { get }
  /// `--json` as parsed: the JSON on standard output.
  var printsJSON: Bool { get }
  /// The text words, where the command has them (`-` reads standard input).
  var textWords: [String] { get }
}

extension Show: FigureCommand {
  var outputFolder: String { output.folder }
  var textFile: String? { input.file }
  var printsJSON: Bool { output.json }
  var textWords: [String] { input.words }
}

extension ExplainCommand: FigureCommand {
  var outputFolder: String { output.folder }
  var textFile: String? { input.file }
  var printsJSON: Bool { false }
  var textWords: [String] { input.words }
}

extension CompareCommand: FigureCommand {
  var outputFolder: String { output.folder }
  var textFile: String? { nil }
  var printsJSON: Bool { false }
  var textWords: [String] { texts }
}

extension PositionalEncodingCommand: FigureCommand {
  var outputFolder: String { output.folder }
  var textFile: String? { nil }
  var printsJSON: Bool { false }
  var textWords: [String] { [] }
}

extension GenerateCommand: FigureCommand {
  var outputFolder: String { output.folder }
  var textFile: String? { input.file }
  var printsJSON: Bool { false }
  var textWords: [String] { input.words }
}

extension TranslateCommand: FigureCommand {
  var outputFolder: String { output.folder }
  var textFile: String? { input.file }
  var printsJSON: Bool { false }
  var textWords: [String] { input.words }
}

/// Words that come from a file rather than from the person at the terminal — a deck entry (its
/// keys, `options`, `[defaults]`) or a figure's recorded command — parsed into a command that
/// writes only into `output`.
///
/// The words are parsed exactly as the command line would parse them, with `--out` set to a
/// sentinel before them (and, for a deck, `--quiet`); since the last `--out` wins, the parsed command
/// still holding the sentinel proves the words chose no folder, in whatever spelling
/// (`--out DIR`, `--out=DIR`, from a quoted TOML key, from `[defaults]`). The parsed command must
/// be one that makes figures (no `info`, `deck` or `models`, wherever in the words it hides);
/// a recorded command may in addition not read a file or standard input (`--file`, `-`), which
/// attnviz never records, and a deck entry may not print JSON on standard output.
struct EmbeddedCommand {
  enum Source {
    /// A deck entry: may read `file = …`, relative to the deck.
    case deck
    /// A figure's recorded command: holds its text itself.
    case recorded
  }

  let source: Source

  /// The parsed command writing into `output`, or a usage error naming what the words may not do.
  func parse(_ words: [String], output: String) throws -> any FigureCommand {
    // Tens of thousands of repeated flags would keep the parser busy for minutes.
    try Attnviz.refuseTooManyOptions(words, from: what)
    if source == .recorded {
      // attnviz drops --out, --quiet and --file when it records a command, and never records
      // one the command line would refuse (`attnviz --quiet info …`).
      if recordedArguments(words, textFromFile: nil) != words {
        throw AttnvizError.usage(
          "the recorded command holds --out, --quiet or --file, which attnviz never records; "
            + "this figure was not made by attnviz, so --rerun refuses it")
      }
    }
    let sentinel = "/nonexistent/attnviz-\(UInt64.random(in: 0...UInt64.max))"
    let probe = try parsed(inserting: sentinel, into: words)
    guard probe.outputFolder == sentinel else {
      throw AttnvizError.usage("\(what) may not choose --out; \(outRule)")
    }
    if source == .recorded {
      if let show = probe as? Show {
        try RootHelp.refuseMisplacedSubcommand(show.input.words, arguments: words)
      }
      if probe.textFile != nil {
        throw AttnvizError.usage(
          "the recorded command reads --file, which attnviz never records (it records the text); "
            + "this figure was not made by attnviz, so --rerun refuses it")
      }
      if probe.textWords == ["-"] {
        throw AttnvizError.usage(
          "the recorded command reads standard input, which attnviz never records; "
            + "this figure was not made by attnviz, so --rerun refuses it")
      }
    }
    if source == .deck && probe.printsJSON {
      throw AttnvizError.usage("\(what) may not choose --json; the deck writes figures")
    }
    return try parsed(inserting: output, into: words)
  }

  private var what: String { source == .deck ? "a deck entry" : "the recorded command" }
  private var outRule: String {
    source == .deck
      ? "attnviz deck --out sets the folder" : "attnviz info --rerun --out sets the folder"
  }

  private func parsed(inserting output: String, into words: [String]) throws -> any FigureCommand {
    let names = Attnviz.configuration.subcommands.map { $0._commandName }
    let at = words.first.map { names.contains($0) } == true ? 1 : 0
    var run = words
    run.insert(contentsOf: ["--out", output] + (source == .deck ? ["--quiet"] : []), at: at)
    let command: ParsableCommand
    do {
      command = try Attnviz.parseAsRoot(run)
    } catch {
      if Attnviz.exitCode(for: error) == .success {
        throw AttnvizError.usage("\(what) may not ask for --help or --version")
      }
      throw AttnvizError.usage(Attnviz.usageMessage(for: error))
    }
    guard let figureCommand = command as? any FigureCommand else {
      let name = type(of: command)._commandName
      throw AttnvizError.usage(
        "\(what) runs `attnviz \(name)`, which makes no figure; only show, pe, explain, "
          + "compare, generate and translate commands are run from a file")
    }
    return figureCommand
  }
}
