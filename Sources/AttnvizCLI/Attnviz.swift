import ArgumentParser
import AttnvizKit
import AttnvizStyle
import Foundation

/// The `attnviz` command: parsing, validation and the mapping from errors to exit codes. It lives
/// in a library so tests can call `Attnviz.parseAsRoot([...])` without a process; the executable
/// only calls `Attnviz.exitCode(running:environment:executablePath:)` and exits with what it returns.
public struct Attnviz: ParsableCommand {
  public static let configuration = CommandConfiguration(
    commandName: "attnviz",
    abstract:
      "Make self-attention visible: attention weights as terminal tables and slide-ready figures.",
    discussion: RootHelp.discussion,
    version: AttnvizVersion.current,
    subcommands: [
      Show.self, PositionalEncodingCommand.self, ExplainCommand.self, CompareCommand.self,
      DeckCommand.self, InfoCommand.self, ModelsCommand.self, TranslateCommand.self,
      GenerateCommand.self,
    ],
    defaultSubcommand: Show.self)

  public init() {}

  /// Runs attnviz on `arguments` (without the program name) and returns the exit code. The
  /// executable passes what the run takes from its process, `environment` and `executablePath`
  /// (`argv[0]`); they become the run's `RunContext`, with `arguments` as the recorded command.
  ///
  /// ArgumentParser exits 64 on usage errors and prints several lines; attnviz promises exit 2 and
  /// one line `attnviz: error: …`, so errors are mapped here; the caller exits.
  public static func exitCode(
    running arguments: [String], environment: [String: String], executablePath: String?
  ) -> Int32 {
    if let shell = Completions.requestedShell(arguments) {
      print(Completions.script(for: shell), terminator: "")
      return 0
    }
    if RootHelp.isRequested(arguments) {
      print(RootHelp.text(), terminator: "")
      return 0
    }
    let context = RunContext(
      command: arguments, environment: environment, executablePath: executablePath)
    do {
      try refuseTooManyOptions(arguments, from: "the command line")
      var command = try parseJoiningNegativeNumbers(arguments)
      if let show = command as? Show {
        try RootHelp.refuseMisplacedSubcommand(show.input.words, arguments: arguments)
      }
      if let command = command as? RunCommand {
        try command.run(in: context)
      } else {
        try command.run()
      }
      return 0
    } catch let error as AttnvizError {
      return fail(error.description, code: error.exitCode)
    } catch {
      let code = exitCode(for: error)
      // --help, --version, completion scripts: ArgumentParser's text on standard output.
      if code == .success {
        print(fullMessage(for: error))
        return 0
      }
      let message = usageMessage(for: error)
      if code == .validationFailure {
        if let better = RootHelp.optionOfMainCommand(message, arguments: arguments) {
          return fail(better, code: 2)
        }
        let hint = RootHelp.subcommandHint(arguments, message: message)
        return fail("\(message)\(hint) (see attnviz --help)", code: 2)
      }
      return fail(AttnvizError.from(error).description, code: 1)
    }
  }

  /// At most this many option words (`-…` before `--`): the argument parser's time grows with
  /// the square of their number (20,000 repeated flags took minutes), and no command needs more
  /// than a few dozen.
  static let maximumOptionWords = 1_000

  /// Refuses words with more than `maximumOptionWords` options before parsing them.
  static func refuseTooManyOptions(_ words: [String], from source: String) throws {
    let options = words.prefix { $0 != "--" }.lazy.filter { $0.hasPrefix("-") && $0 != "-" }.count
    guard options > maximumOptionWords else { return }
    throw AttnvizError.usage(
      "\(source) gives \(options) options, more than the limit of \(maximumOptionWords); "
        + "give each option once")
  }

  /// ArgumentParser's message for a usage error (EX_USAGE, 64) on one line: its lines joined
  /// with "; " and a bulleted list of values ("one of the following:\n  - png\n  - svg") with
  /// ", ", the first letter lower-cased to follow "attnviz: error: ".
  public static func usageMessage(for error: Error) -> String {
    let lines = message(for: error)
      .split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
      .filter { !$0.isEmpty }
    var parts: [String] = []
    for line in lines {
      if line.hasPrefix("- "), let last = parts.last {
        parts[parts.count - 1] = last + (last.hasSuffix(":") ? " " : ", ") + line.dropFirst(2)
      } else {
        parts.append(line)
      }
    }
    var message = lowercasingFirst(parts.joined(separator: "; "))
    if message.hasSuffix(".") { message.removeLast() }
    return message
  }

  /// Every error leaves through here, sanitised: the argument parser's messages quote what was
  /// typed (`--format $'\e[31m'`), and must not drive the terminal either.
  static func fail(_ message: String, code: Int32) -> Int32 {
    FileHandle.standardError.write(Data("attnviz: error: \(oneLine(message))\n".utf8))
    return code
  }

  /// ArgumentParser reads `--dim -1` as an option followed by an unknown option `-1` and reports
  /// "missing value for --dim". When that happens and the next word is a negative number, the
  /// arguments are parsed again as `--dim=-1`, so the option's own check says what is wrong
  /// ("--dim must be between 2 and 512, not -1").
  static func parseJoiningNegativeNumbers(_ arguments: [String]) throws -> ParsableCommand {
    do {
      return try parseAsRoot(arguments)
    } catch {
      let joined = joiningNegativeNumbers(arguments)
      guard joined != arguments, message(for: error).lowercased().hasPrefix("missing value")
      else { throw error }
      return try parseAsRoot(joined)
    }
  }

  static func joiningNegativeNumbers(_ arguments: [String]) -> [String] {
    var result: [String] = []
    var index = 0
    while index < arguments.count {
      let argument = arguments[index]
      if argument == "--" { return result + arguments[index...] }
      if argument.hasPrefix("--"), !argument.contains("="), index + 1 < arguments.count,
        isNegativeNumber(arguments[index + 1])
      {
        result.append(argument + "=" + arguments[index + 1])
        index += 2
        continue
      }
      result.append(argument)
      index += 1
    }
    return result
  }

  static func isNegativeNumber(_ word: String) -> Bool {
    word.hasPrefix("-") && word.count > 1 && Double(word) != nil
  }

  static func lowercasingFirst(_ s: String) -> String {
    guard let first = s.first else { return s }
    return first.lowercased() + s.dropFirst()
  }
}

/// An attnviz command, run by `Attnviz.exitCode` within the run's context (ArgumentParser's
/// own `run()` is never called). `deck` and `info --rerun` run each command they hold within
/// their own context, recording that command's words.
protocol RunCommand: ParsableCommand {
  func run(in context: RunContext) throws
}
