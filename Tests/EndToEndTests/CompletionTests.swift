import Foundation
import Testing

/// Bash completion as a user meets it: an interactive bash under tmux, the script the binary
/// generates sourced, keys typed, Tab pressed, the command line read back from the screen.
/// Skipped when tmux is not installed (.ci/run installs it).
@Suite(.serialized) struct CompletionTests {
  static let tmux = ["/usr/bin/tmux", "/bin/tmux", "/usr/local/bin/tmux"].first {
    FileManager.default.isExecutableFile(atPath: $0)
  }

  /// One tmux server on its own socket, running `bash -i` with the completion loaded.
  final class Session {
    let socket = "attnviz-completion-\(UUID().uuidString.prefix(8))"
    let folder: URL
    let tmux: URL

    init(tmux path: String) throws {
      tmux = URL(fileURLWithPath: path)
      folder = try temporaryFolder()
      let script = try Binary.run(["--generate-completion-script", "bash"])
      let rc = folder.appendingPathComponent("rc.bash")
      let binDir = Binary.url.deletingLastPathComponent().path
      try Data(
        ("PS1='$ '\nexport PATH='\(binDir)':$PATH\nbind 'set bell-style none'\n" + script.stdout)
          .utf8
      ).write(to: rc)
      try tmuxRun([
        "new-session", "-d", "-x", "200", "-y", "50",
        "bash --noprofile --rcfile \(rc.path) -i",
      ])
      // Type only once bash shows its prompt.
      for _ in 0..<100 where !Self.lines(try screen()).contains("$") { usleep(100_000) }
    }

    /// Runs tmux through posix_spawn with its output in a file: the tmux server it starts
    /// outlives the call, which a pipe read to its end (Foundation's Process) would wait for.
    @discardableResult
    func tmuxRun(_ arguments: [String]) throws -> String {
      let output = folder.appendingPathComponent("tmux.out").path
      let quoted = ([tmux.path, "-L", socket] + arguments).map {
        "'" + $0.replacingOccurrences(of: "'", with: "'\\''") + "'"
      }.joined(separator: " ")
      let command = "\(quoted) </dev/null >'\(output)' 2>&1"
      var pid: pid_t = 0
      let strings: [String] = ["/bin/sh", "-c", command]
      let argv: [UnsafeMutablePointer<CChar>?] = strings.map { strdup($0) } + [nil]
      defer { argv.forEach { free($0) } }
      let spawned = posix_spawn(&pid, "/bin/sh", nil, nil, argv, environ)
      guard spawned == 0 else { throw CocoaError(.executableLoad) }
      var status: Int32 = 0
      while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
      return (try? String(contentsOfFile: output, encoding: .utf8)) ?? ""
    }

    func screen() throws -> String { try tmuxRun(["capture-pane", "-p"]) }

    /// Types `text`, presses Tab (twice when `list`), and waits (up to 10 s) until the screen
    /// shows `expected`; returns the screen either way, then clears the line.
    func complete(_ text: String, list: Bool = false, until expected: String) throws -> String {
      try tmuxRun(["send-keys", "-l", text])
      try tmuxRun(["send-keys", "Tab"])
      if list { try tmuxRun(["send-keys", "Tab"]) }
      var shown = ""
      for _ in 0..<100 {
        shown = try screen()
        if Self.lines(shown).contains(expected) { break }
        usleep(100_000)
      }
      try tmuxRun(["send-keys", "C-u"])
      try tmuxRun(["send-keys", "C-l"])
      return shown
    }

    /// The screen's lines without the trailing blanks tmux leaves off anyway.
    static func lines(_ screen: String) -> [String] {
      screen.split(separator: "\n").map { String($0.reversed().drop(while: { $0 == " " }).reversed()) }
    }

    func close() {
      _ = try? tmuxRun(["kill-server"])
      try? FileManager.default.removeItem(at: folder)
    }
  }

  @Test(.enabled(if: tmux != nil))
  func bashCompletesOptionsAndValuesWhereverTheMainJobRuns() throws {
    let session = try Session(tmux: try #require(Self.tmux))
    defer { session.close() }
    let cases: [(typed: String, list: Bool, expected: String)] = [
      ("attnviz --col", false, "$ attnviz --colormap"),
      ("attnviz --colormap ma", false, "$ attnviz --colormap magma"),
      ("attnviz --view li", false, "$ attnviz --view lines"),
      ("attnviz --format sv", false, "$ attnviz --format svg"),
      ("attnviz --heads 4 --an", false, "$ attnviz --heads 4 --annotate"),
      ("attnviz pe --format j", false, "$ attnviz pe --format json"),
      ("attnviz explain --form", false, "$ attnviz explain --format"),
      ("attnviz expl", false, "$ attnviz explain"),
    ]
    for (typed, list, expected) in cases {
      let screen = try session.complete(typed, list: list, until: expected)
      #expect(Session.lines(screen).contains(expected), "typed \(typed)<Tab>:\n\(screen)")
    }
    // --view <Tab><Tab> lists the views, not the subcommands.
    let listed = try session.complete("attnviz --view ", list: true, until: "heatmap")
    #expect(listed.contains("heatmap") && listed.contains("model"), "\(listed)")
    #expect(!listed.contains("explain"), "\(listed)")
  }
}
