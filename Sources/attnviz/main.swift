import AttnvizCLI
import Foundation

// The whole executable: everything else, parsing included, is in AttnvizCLI so tests reach it
// without a process.
// Ctrl-C and SIGTERM remove the run's temporary files and exit 130 / 143.
Interrupts.install()
// The process's arguments and environment are read here, once, and passed down as values.
exit(
  Attnviz.exitCode(
    running: Array(CommandLine.arguments.dropFirst()),
    environment: ProcessInfo.processInfo.environment,
    executablePath: CommandLine.arguments.first))
