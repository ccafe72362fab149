import AttnvizCLI
import Foundation

// The whole executable: everything else, parsing included, is in AttnvizCLI so tests reach it
// without a process.
exit(Attnviz.exitCode(running: Array(CommandLine.arguments.dropFirst())))
