import AttnvizCLI
import Foundation

// The whole executable: everything else, parsing included, is in AttnvizCLI so tests reach it
// without a process.
// Ctrl-C and SIGTERM remove the run's temporary files and exit 130 / 143.
Interrupts.install()
exit(Attnviz.exitCode(running: Array(CommandLine.arguments.dropFirst())))
