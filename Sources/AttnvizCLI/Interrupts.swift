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
        TemporaryFiles.shared.noteInterrupt()
        TemporaryFiles.shared.removeAllBeforeExit()
        // A progress line may be half drawn on the terminal: end it.
        if isatty(STDERR_FILENO) == 1 { _ = write(STDERR_FILENO, "\n", 1) }
        _exit(code)
      }
      source.resume()
      sources.append(source)
    }
    installBusErrorHandler()
    #if DEBUG || ATTNVIZ_TEST_HOOKS
      // For the end-to-end test that signals attnviz between two renames of --out: debug builds,
      // and the release test build of `make test` (-DATTNVIZ_TEST_HOOKS); never `make build`.
      if let pause = getenv("ATTNVIZ_TEST_RENAME_PAUSE").flatMap({ UInt32(String(cString: $0)) }) {
        OutputFolder.pauseBetweenRenames = pause
      }
    #endif
  }

  /// A model file is memory-mapped, not read: when it shrinks while attnviz runs (a model being
  /// re-downloaded or replaced in place), touching the missing pages raises SIGBUS, which would
  /// kill the process without a word. This handler says what happened on one line and exits 1.
  /// It runs in the faulting thread, so it does only what is async-signal-safe: one `write`
  /// of a fixed message and `_exit`. Nothing has been written to `--out` yet at that point (a
  /// run reads its model before it writes), except a deck's hidden staging folder inside it.
  static func installBusErrorHandler() {
    var action = sigaction()
    action.__sigaction_handler.sa_handler = { _ in
      busErrorMessage.withUTF8Buffer { buffer in
        _ = write(STDERR_FILENO, buffer.baseAddress, buffer.count)
      }
      _exit(1)
    }
    sigemptyset(&action.sa_mask)
    sigaction(SIGBUS, &action, nil)
  }
}

/// The one line SIGBUS prints (a static string: the handler may not allocate).
private let busErrorMessage: StaticString = """
  attnviz: error: a memory-mapped model file became shorter while attnviz read it (SIGBUS); \
  it is being replaced or downloaded: run again when the file is complete

  """
