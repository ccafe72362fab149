import AttnvizTables
import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

extension ProgressReporter {
  /// The reporter of the command-line tool: draws on standard error, and only when both standard
  /// output and standard error are terminals and `--quiet` is off (`shouldShow`).
  public static func standardError(quiet: Bool) -> ProgressReporter {
    let enabled = shouldShow(
      standardOutputIsTerminal: isatty(STDOUT_FILENO) == 1,
      standardErrorIsTerminal: isatty(STDERR_FILENO) == 1, quiet: quiet)
    let width = queryTerminalColumns(fileDescriptor: STDERR_FILENO) ?? 80
    return ProgressReporter(enabled: enabled, width: width) { text in
      FileHandle.standardError.write(Data(text.utf8))
    }
  }
}
