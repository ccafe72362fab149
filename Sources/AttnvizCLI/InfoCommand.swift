import ArgumentParser
import AttnvizKit
import Foundation

/// `attnviz info FILE`: what a figure says about how it was made; `--rerun` makes it again.
struct InfoCommand: RunCommand {
  static let configuration = CommandConfiguration(
    commandName: "info",
    abstract: "Show the command, version and model recorded in a figure; --rerun makes it again.",
    discussion: """
      Every PNG (text chunks) and SVG (<metadata>) attnviz writes records the command that
      made it (text from --file or standard input included), the attnviz version and the
      model (name, checkpoint size and a SHA-256 of its header). --rerun runs that command
      again into --out (default: the current folder), never into a folder named in the file;
      it shows the command first and refuses one attnviz would not have recorded (--out,
      --quiet, --file, standard input, a subcommand other than show, pe, explain, compare).
      Example:
        attnviz info attnviz-out/heatmap-layer1-head1.png --rerun --out again
      """)

  @Argument(help: ArgumentHelp("A PNG or SVG made by attnviz.", valueName: "figure"))
  var figure: String

  @Flag(help: "Run the recorded command again.")
  var rerun = false

  @Option(
    help: ArgumentHelp(
      "Folder for --rerun's files (default: the current folder).", valueName: "dir"))
  var out: String?

  func validate() throws {
    if out != nil && !rerun { throw ValidationError("--out goes with --rerun") }
  }

  func run(in context: RunContext) throws {
    let bytes = try readFigure(figure)
    guard let entries = provenanceEntries(of: bytes) else {
      throw AttnvizError.failure(
        "\(displayPath(figure)) carries no attnviz metadata; was it made by attnviz 0.1 or later?")
    }
    let value = { (key: String) in entries.first { $0.key == key }?.value }
    guard let recorded = value("attnviz-command").flatMap(parseJSONArrayOfStrings) else {
      throw AttnvizError.failure("\(displayPath(figure)) has no readable attnviz-command entry")
    }
    if !rerun {
      let lines = [
        displayPath(figure),
        "  made by  \(value("Software") ?? "unknown")",
        "  command  \(shellCommand(recorded))",
        "  model    \(value("attnviz-model") ?? "unknown")",
      ]
      print(lines.map(displayPath).joined(separator: "\n"))
      return
    }
    try rerunCommand(recorded, in: context)
  }

  /// The recorded words, parsed as a command that makes figures and writes only into our
  /// `--out` (`EmbeddedCommand`): a recorded `--out`, `--file`, `info` or `deck` — which attnviz
  /// never records — is refused, not run. The command is shown on standard error before it runs.
  func rerunCommand(_ recorded: [String], in context: RunContext) throws {
    let folder = out ?? "."
    let command = try EmbeddedCommand(source: .recorded).parse(
      recorded, output: folder)
    if out == nil {
      // Said before anything is written, so nobody looks for the files in the figure's folder.
      let here = displayPath(FileManager.default.currentDirectoryPath)
      FileHandle.standardError.write(
        Data(
          "info: --rerun writes into the current folder (\(here)); --out DIR writes elsewhere\n"
            .utf8))
    }
    FileHandle.standardError.write(
      Data(
        "info: running \(displayPath(shellCommand(recorded))) --out \(displayPath(shellQuoted(folder)))\n"
          .utf8))
    try command.run(in: context.recording(recordedArguments(recorded, textFromFile: nil)))
  }
}
