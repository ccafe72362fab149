import Foundation
import Testing

@testable import AttnvizTerminal

/// A clock and a terminal the test controls.
final class FakeTerminal: @unchecked Sendable {
  var time = 100.0
  var written: [String] = []
  var screen: String { written.joined() }

  func reporter(enabled: Bool = true, width: Int = 80) -> ProgressReporter {
    ProgressReporter(
      enabled: enabled, delay: 0.5, width: width, tickInterval: nil,
      now: { self.time }, write: { self.written.append($0) })
  }
}

@Suite struct ProgressReporterTests {
  @Test func shortRunPrintsNothing() {
    let terminal = FakeTerminal()
    let progress = terminal.reporter()
    progress.stage("running the model")
    terminal.time += 0.3
    progress.stage("drawing figure 1 of 2")
    progress.tick()
    progress.finish()
    #expect(terminal.written.isEmpty)
  }

  @Test func longRunShowsOneRewrittenLineAndWipesIt() {
    let terminal = FakeTerminal()
    let progress = terminal.reporter()
    progress.stage("running the model")
    terminal.time += 0.6
    progress.tick()
    #expect(terminal.written == ["\rattnviz: running the model … 0 s"])
    terminal.time += 1
    progress.stage("drawing figure 3 of 14")
    // A shorter line is padded over the longer one; here the new line is longer, so no padding.
    #expect(terminal.written.last == "\rattnviz: drawing figure 3 of 14 … 1 s")
    progress.stage("writing 9 files")
    let last = "attnviz: writing 9 files … 1 s"
    let padding = String(
      repeating: " ", count: "attnviz: drawing figure 3 of 14 … 1 s".count - last.count)
    #expect(terminal.written.last == "\r" + last + padding)
    progress.finish()
    #expect(terminal.written.last == "\r" + String(repeating: " ", count: last.count) + "\r")
    // Nothing after finishing, not even from a late tick.
    let count = terminal.written.count
    progress.tick()
    progress.stage("late")
    progress.finish()
    #expect(terminal.written.count == count)
    #expect(!terminal.screen.contains("\n"))
  }

  @Test func unchangedTextIsNotRedrawn() {
    let terminal = FakeTerminal()
    let progress = terminal.reporter()
    progress.stage("running the model")
    terminal.time += 0.7
    progress.tick()
    terminal.time += 0.2
    progress.tick()
    #expect(terminal.written.count == 1)
    terminal.time += 0.2
    progress.tick()
    #expect(terminal.written.last == "\rattnviz: running the model … 1 s")
  }

  @Test func lineNeverReachesTheLastColumn() {
    let terminal = FakeTerminal()
    let progress = terminal.reporter(width: 20)
    progress.stage("drawing figure 13 of 140 for a long text")
    terminal.time += 2
    progress.tick()
    let shown = terminal.written.last ?? ""
    #expect(shown == "\rattnviz: drawing f…")
    #expect(shown.count - 1 == 19)
  }

  @Test func disabledReporterWritesNothing() {
    let terminal = FakeTerminal()
    let progress = terminal.reporter(enabled: false)
    progress.stage("running the model")
    terminal.time += 5
    progress.tick()
    progress.finish()
    #expect(terminal.written.isEmpty)
  }

  @Test(arguments: [
    (true, true, false, true),
    (false, true, false, false),
    (true, false, false, false),
    (true, true, true, false),
  ])
  func showsOnlyWhenAPersonWatches(stdout: Bool, stderr: Bool, quiet: Bool, expected: Bool) {
    #expect(
      ProgressReporter.shouldShow(
        standardOutputIsTerminal: stdout, standardErrorIsTerminal: stderr, quiet: quiet) == expected
    )
  }

  @Test func tickerDrawsWhileAStageRunsLong() async throws {
    let lines = Lines()
    let progress = ProgressReporter(
      enabled: true, delay: 0.05, tickInterval: 0.01, write: { lines.append($0) })
    progress.stage("running the model")
    // No further stage call: only the ticker can draw.
    for _ in 0..<200 where lines.snapshot.isEmpty { try await Task.sleep(for: .milliseconds(10)) }
    progress.finish()
    let written = lines.snapshot
    #expect(written.first?.hasPrefix("\rattnviz: running the model") == true)
    #expect(written.last?.hasSuffix("\r") == true)
  }
}

final class Lines: @unchecked Sendable {
  private let lock = NSLock()
  private var lines: [String] = []
  func append(_ line: String) { lock.withLock { lines.append(line) } }
  var snapshot: [String] { lock.withLock { lines } }
}
