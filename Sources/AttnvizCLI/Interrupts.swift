import AttnvizKit
import Dispatch

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Ctrl-C (SIGINT) and SIGTERM: remove the run's temporary files and exit 130 or 143, the
/// shell's codes for "killed by signal 2 / 15". The signals are taken by dispatch sources on a
/// background queue, so the handler is ordinary Swift (not async-signal code) and runs even while
/// the main thread computes. Renames in progress finish first (see `OutputFolder`).
public enum Interrupts {
  nonisolated(unsafe) private static var sources: [any DispatchSourceSignal] = []

  public static func install() {
    for (number, code) in [(SIGINT, Int32(130)), (SIGTERM, Int32(143))] {
      signal(number, SIG_IGN)
      let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
      source.setEventHandler {
        TemporaryFiles.shared.removeAllBeforeExit()
        // A progress line may be half drawn on the terminal: end it.
        if isatty(STDERR_FILENO) == 1 { _ = write(STDERR_FILENO, "\n", 1) }
        _exit(code)
      }
      source.resume()
      sources.append(source)
    }
  }
}
