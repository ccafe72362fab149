import ArgumentParser
import AttnvizKit
import Foundation

@main
struct Attnviz: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "attnviz",
    abstract: "Make self-attention visible: attention weights as terminal tables and slide-ready figures.",
    discussion: RootHelp.discussion,
    version: AttnvizVersion.current,
    subcommands: [
      Show.self, PositionalEncodingCommand.self, ExplainCommand.self, CompareCommand.self,
      DeckCommand.self, InfoCommand.self,
    ],
    defaultSubcommand: Show.self)

  /// ArgumentParser exits 64 on usage errors and prints several lines; attnviz promises exit 2 and
  /// one line `attnviz: error: …`, so errors are mapped here, the only place that exits.
  static func main() {
    if RootHelp.isRequested(Array(CommandLine.arguments.dropFirst())) {
      print(RootHelp.text(), terminator: "")
      return
    }
    Interrupts.install()
    RecordedCommand.words = Array(CommandLine.arguments.dropFirst())
    do {
      var command = try parseJoiningNegativeNumbers(Array(CommandLine.arguments.dropFirst()))
      try command.run()
    } catch let error as AttnvizError {
      fail(error.description, code: error.exitCode)
    } catch {
      let code = exitCode(for: error)
      if code == .success { exit(withError: error) }
      let message = message(for: error)
        .split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
        .filter { !$0.isEmpty }.joined(separator: "; ")
      // ArgumentParser reports what it could not parse or validate as EX_USAGE (64).
      if code == .validationFailure {
        let hint = RootHelp.subcommandHint(Array(CommandLine.arguments.dropFirst()))
        fail("\(lowercasingFirst(message))\(hint) (see attnviz --help)", code: 2)
      }
      fail(AttnvizError.from(error).description, code: 1)
    }
  }

  /// Every error leaves through here, sanitised: the argument parser's messages quote what was
  /// typed (`--format $'\e[31m'`), and must not drive the terminal either.
  static func fail(_ message: String, code: Int32) -> Never {
    FileHandle.standardError.write(Data("attnviz: error: \(oneLine(message))\n".utf8))
    Foundation.exit(code)
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
      guard joined != arguments, message(for: error).lowercased().hasPrefix("missing value") else {
        throw error
      }
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

/// The words of the command being run, recorded in every figure it makes. `main` sets them
/// from the process's arguments; `deck` and `info --rerun` set each command's own words
/// before running it (one command at a time, on the main thread).
enum RecordedCommand {
  nonisolated(unsafe) static var words: [String] = []
}
