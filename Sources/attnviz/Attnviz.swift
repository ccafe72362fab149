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
    subcommands: [Show.self, PositionalEncodingCommand.self, ExplainCommand.self],
    defaultSubcommand: Show.self)

  /// ArgumentParser exits 64 on usage errors and prints several lines; attnviz promises exit 2 and
  /// one line `attnviz: error: …`, so errors are mapped here, the only place that exits.
  static func main() {
    if let shell = Completions.requestedShell(Array(CommandLine.arguments.dropFirst())) {
      print(Completions.script(for: shell), terminator: "")
      return
    }
    if RootHelp.isRequested(Array(CommandLine.arguments.dropFirst())) {
      print(RootHelp.text(), terminator: "")
      return
    }
    do {
      var command = try parseAsRoot()
      if let show = command as? Show {
        try RootHelp.refuseMisplacedSubcommand(show.words, arguments: Array(CommandLine.arguments.dropFirst()))
      }
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
        let arguments = Array(CommandLine.arguments.dropFirst())
        if let better = RootHelp.optionOfMainCommand(message, arguments: arguments) {
          fail(better, code: 2)
        }
        let hint = RootHelp.subcommandHint(arguments, message: message)
        fail("\(lowercasingFirst(message))\(hint) (see attnviz --help)", code: 2)
      }
      fail(AttnvizError.from(error).description, code: 1)
    }
  }

  static func fail(_ message: String, code: Int32) -> Never {
    FileHandle.standardError.write(Data("attnviz: error: \(message)\n".utf8))
    Foundation.exit(code)
  }

  static func lowercasingFirst(_ s: String) -> String {
    guard let first = s.first else { return s }
    return first.lowercased() + s.dropFirst()
  }
}
