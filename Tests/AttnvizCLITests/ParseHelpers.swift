import AttnvizKit
import Foundation
import Testing

@testable import AttnvizCLI

/// `show`'s options as the command line `arguments` give them, in an empty run context.
func showOptions(_ arguments: [String]) throws -> VisualizeOptions {
  let show = try #require(try Attnviz.parseAsRoot(arguments) as? Show)
  return try VisualizeOptions(from: show, in: RunContext())
}

/// The one-line message a usage error prints, or nil when `arguments` parse.
func usageError(_ arguments: [String]) -> String? {
  do {
    _ = try Attnviz.parseAsRoot(arguments)
    return nil
  } catch {
    #expect(Attnviz.exitCode(for: error) == .validationFailure, "\(error)")
    return Attnviz.usageMessage(for: error)
  }
}

extension Attnviz {
  /// `arguments` run in this process as the executable runs them, with the test process's
  /// environment and executable.
  static func exitCode(running arguments: [String]) -> Int32 {
    exitCode(
      running: arguments, environment: ProcessInfo.processInfo.environment,
      executablePath: CommandLine.arguments.first)
  }
}
