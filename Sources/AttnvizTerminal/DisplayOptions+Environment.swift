import AttnvizKit
import AttnvizTables
import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

extension DisplayOptions {
  /// Colour and width from the real terminal and environment: colour only when standard output
  /// is a terminal and neither `NO_COLOR` nor `--no-color` says otherwise.
  public static func fromEnvironment(
    noColor: Bool, environment: [String: String] = ProcessInfo.processInfo.environment
  ) -> DisplayOptions {
    var options = DisplayOptions()
    options.colorMode = detectColorMode(
      isTerminal: isatty(STDOUT_FILENO) == 1, environment: environment, noColorFlag: noColor)
    options.width = terminalWidth(environment: environment) { queryTerminalColumns() }
    return options
  }
}
