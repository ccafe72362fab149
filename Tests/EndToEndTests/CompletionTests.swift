import Foundation
import Testing

/// Shell completion as a user meets it: an interactive bash, zsh or fish under tmux, the script
/// the binary generates loaded, keys typed, Tab pressed, the command line read back from the
/// screen. Skipped when tmux (or that shell) is not installed (.ci/run installs them).
@Suite(.serialized) struct CompletionTests {
  static func installed(_ name: String) -> String? {
    ["/usr/bin/", "/bin/", "/usr/local/bin/"].map { $0 + name }.first {
      FileManager.default.isExecutableFile(atPath: $0)
    }
  }
  static let tmux = installed("tmux")

  enum Shell: String { case bash, zsh, fish }

  /// One tmux server on its own socket, running the shell with the completion loaded and `$ `
  /// as its prompt.
  final class Session {
    let socket = "attnviz-completion-\(UUID().uuidString.prefix(8))"
    let folder: URL
    let tmux: URL

    init(tmux path: String, shell: Shell = .bash) throws {
      tmux = URL(fileURLWithPath: path)
      folder = try temporaryFolder()
      let script = try Binary.run(["--generate-completion-script", shell.rawValue]).stdout
      let binDir = Binary.url.deletingLastPathComponent().path
      try tmuxRun(["new-session", "-d", "-x", "200", "-y", "50", try start(shell, script, binDir)])
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
      defer { for pointer in argv { free(pointer) } }
      let spawned = posix_spawn(&pid, "/bin/sh", nil, nil, argv, environ)
      guard spawned == 0 else { throw CocoaError(.executableLoad) }
      var status: Int32 = 0
      while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
      return (try? String(contentsOfFile: output, encoding: .utf8)) ?? ""
    }

    /// Writes the shell's start-up file into `folder` and returns the command that starts it.
    func start(_ shell: Shell, _ script: String, _ binDir: String) throws -> String {
      func write(_ name: String, _ text: String) throws -> String {
        let file = folder.appendingPathComponent(name)
        try Data(text.utf8).write(to: file)
        return file.path
      }
      switch shell {
      case .bash:
        let rc = try write(
          "rc.bash",
          "PS1='$ '\nexport PATH='\(binDir)':$PATH\nbind 'set bell-style none'\n" + script)
        return "bash --noprofile --rcfile \(rc) -i"
      case .zsh:
        let completion = try write("_attnviz", script)
        _ = try write(
          ".zshrc",
          "PS1='$ '\nexport PATH='\(binDir)':$PATH\nsetopt no_beep\n"
            + "autoload -U compinit; compinit -u -D\nsource '\(completion)'\n")
        return "ZDOTDIR='\(folder.path)' zsh -i"
      case .fish:
        let completion = try write("attnviz.fish", script)
        let setup = try write(
          "setup.fish",
          "function fish_prompt; echo -n '$ '; end\nset -g fish_autosuggestion_enabled 0\n"
            + "set -gx PATH '\(binDir)' $PATH\nsource '\(completion)'\n")
        return "fish --no-config -i -C 'source \(setup)'"
      }
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
      screen.split(separator: "\n").map {
        String($0.reversed().drop(while: { $0 == " " }).reversed())
      }
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

  /// What bash is asked above, in zsh and fish: options of the main job at the root, their
  /// values, subcommand names and a subcommand's options. zsh lists on the first Tab where an
  /// option name could still grow and inserts on the second, so an option name gets two.
  @Test(
    .enabled(if: tmux != nil && installed("zsh") != nil && installed("fish") != nil),
    arguments: [Shell.zsh, Shell.fish])
  func zshAndFishCompleteOptionsAndValuesWhereverTheMainJobRuns(shell: Shell) throws {
    let session = try Session(tmux: try #require(Self.tmux), shell: shell)
    defer { session.close() }
    let cases: [(typed: String, expected: String)] = [
      ("attnviz --col", "$ attnviz --colormap"),
      ("attnviz --colormap ma", "$ attnviz --colormap magma"),
      ("attnviz --view li", "$ attnviz --view lines"),
      ("attnviz 'The cat' --form", "$ attnviz 'The cat' --format"),
      ("attnviz --heads 4 --an", "$ attnviz --heads 4 --annotate"),
      ("attnviz pe --format j", "$ attnviz pe --format json"),
      ("attnviz explain --form", "$ attnviz explain --format"),
      ("attnviz expl", "$ attnviz explain"),
    ]
    for (typed, expected) in cases {
      let optionName = typed.split(separator: " ").last?.hasPrefix("-") ?? false
      let screen = try session.complete(typed, list: shell == .zsh && optionName, until: expected)
      #expect(
        Session.lines(screen).contains(expected), "\(shell) typed \(typed)<Tab>:\n\(screen)")
    }
    let listed = try session.complete("attnviz --view ", until: "heatmap")
    #expect(listed.contains("heatmap") && listed.contains("rollout"), "\(shell):\n\(listed)")
    #expect(!listed.contains("explain"), "\(shell):\n\(listed)")
  }
}
