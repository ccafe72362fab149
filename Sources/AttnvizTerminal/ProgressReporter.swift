import AttnvizKit
import Foundation

/// Tells the user what a long run is doing: the pipeline calls `stage("running the model")`,
/// `stage("drawing figure 3 of 14")`, … and `finish()` before anything else is printed. A line
/// appears on the terminal only once the run has taken `delay` seconds, so short runs print
/// nothing; a ticker thread keeps the elapsed seconds moving while one long stage (a model on
/// hundreds of tokens) runs. The writer and the clock are injected: the library never prints by
/// itself, and tests drive the clock by hand.
public final class ProgressReporter: RunProgress, @unchecked Sendable {
  /// Guards `line` and `finished`; the ticker thread and the pipeline both draw.
  private let condition = NSCondition()
  private var line: ProgressLine?
  private var finished = false
  private let now: @Sendable () -> Double
  private let write: @Sendable (String) -> Void

  /// Reports nothing; the default for library callers and tests.
  public static var silent: ProgressReporter { ProgressReporter(enabled: false) { _ in } }

  /// - Parameters:
  ///   - enabled: false makes every call a no-op (not a terminal, `--quiet`, …).
  ///   - delay: seconds of silence before the line first appears.
  ///   - width: terminal columns; the line is cut to fit.
  ///   - tickInterval: how often the ticker redraws; nil starts no thread (tests call `tick()`).
  ///   - now: a monotonic clock in seconds.
  ///   - write: where the text goes (standard error in the command-line tool).
  public init(
    enabled: Bool, delay: Double = 0.5, width: Int = 80, tickInterval: Double? = 0.25,
    now: @escaping @Sendable () -> Double = { ProcessInfo.processInfo.systemUptime },
    write: @escaping @Sendable (String) -> Void
  ) {
    self.now = now
    self.write = write
    guard enabled else { return }
    line = ProgressLine(start: now(), delay: delay, width: width)
    if let tickInterval { startTicker(every: tickInterval) }
  }

  /// Whether a progress line belongs on the terminal: only when a person watches both outputs.
  /// Piped standard output (`| jq`, `> file`) means a script is reading: no progress then.
  public static func shouldShow(
    standardOutputIsTerminal: Bool, standardErrorIsTerminal: Bool, quiet: Bool
  ) -> Bool {
    standardOutputIsTerminal && standardErrorIsTerminal && !quiet
  }

  /// The run entered a new stage, e.g. "drawing figure 3 of 14".
  public func stage(_ description: String) {
    draw { line, time in line.enter(description, now: time) }
  }

  /// Redraws the current stage with the time elapsed; the ticker calls this.
  public func tick() {
    draw { line, time in line.redraw(now: time) }
  }

  /// Wipes the line; call before printing anything else. Later calls do nothing.
  public func finish() {
    condition.lock()
    defer { condition.unlock() }
    guard !finished else { return }
    finished = true
    if let text = line?.clear() { write(text) }
    condition.broadcast()
  }

  private func draw(_ update: (inout ProgressLine, Double) -> String?) {
    condition.lock()
    defer { condition.unlock() }
    guard !finished, var current = line else { return }
    let text = update(&current, now())
    line = current
    if let text { write(text) }
  }

  private func startTicker(every interval: Double) {
    let thread = Thread { [weak self] in
      while let self, self.waitForTick(interval) { self.tick() }
    }
    thread.start()
  }

  /// Sleeps one interval; false once the run has finished.
  private func waitForTick(_ interval: Double) -> Bool {
    condition.lock()
    defer { condition.unlock() }
    if !finished { _ = condition.wait(until: Date(timeIntervalSinceNow: interval)) }
    return !finished
  }

  deinit {
    finish()
  }
}
