import ArgumentParser
import AttnvizKit
import Foundation

/// The `attnviz` command: parsing, validation and the mapping from errors to exit codes. It lives
/// in a library so tests can call `Attnviz.parseAsRoot([...])` without a process; the executable
/// only calls `Attnviz.exitCode(running:)` and exits with what it returns.
public struct Attnviz: ParsableCommand {
  public static let configuration = CommandConfiguration(
    commandName: "attnviz",
    abstract:
      "Make self-attention visible: attention weights as terminal tables and slide-ready figures.",
    discussion: RootHelp.discussion,
    version: AttnvizVersion.current,
    subcommands: [
      Show.self, PositionalEncodingCommand.self, ExplainCommand.self, CompareCommand.self,
      DeckCommand.self, InfoCommand.self, ModelsCommand.self,
    ],
    defaultSubcommand: Show.self)

  public init() {}

  /// Runs attnviz on `arguments` (without the program name) and returns the exit code.
  ///
  /// ArgumentParser exits 64 on usage errors and prints several lines; attnviz promises exit 2 and
  /// one line `attnviz: error: …`, so errors are mapped here; the caller exits.
  public static func exitCode(running arguments: [String]) -> Int32 {
    if let shell = Completions.requestedShell(arguments) {
      print(Completions.script(for: shell), terminator: "")
      return 0
    }
    if RootHelp.isRequested(arguments) {
      print(RootHelp.text(), terminator: "")
      return 0
    }
    RecordedCommand.words = arguments
    do {
      var command = try parseAsRoot(arguments)
      if let show = command as? Show {
        try RootHelp.refuseMisplacedSubcommand(show.words, arguments: arguments)
      }
      try command.run()
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

  static func fail(_ message: String, code: Int32) -> Int32 {
    FileHandle.standardError.write(Data("attnviz: error: \(message)\n".utf8))
    return code
  }

  static func lowercasingFirst(_ s: String) -> String {
    guard let first = s.first else { return s }
    return first.lowercased() + s.dropFirst()
  }
}

/// The words of the command being run, recorded in every figure it makes. `exitCode(running:)`
/// sets them from its arguments; `deck` and `info --rerun` set each command's own words
/// before running it (one command at a time, on the main thread).
enum RecordedCommand {
  nonisolated(unsafe) static var words: [String] = []
}
