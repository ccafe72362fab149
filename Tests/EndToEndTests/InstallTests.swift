import Foundation
import Testing

/// What `make install` put into a DESTDIR. `make test-install` builds and installs once, then
/// runs these with ATTNVIZ_INSTALL_ROOT set; plain `make test` skips them (a static release
/// build takes minutes).
enum Installed {
  static let environment = ProcessInfo.processInfo.environment
  static var root: URL? { environment["ATTNVIZ_INSTALL_ROOT"].map { URL(fileURLWithPath: $0) } }
  static var prefix: String { environment["ATTNVIZ_INSTALL_PREFIX"] ?? "/usr/local" }
  static var isAvailable: Bool { root != nil }

  /// The paths `make install` writes, relative to DESTDIR + PREFIX.
  static let files = [
    "bin/attnviz", "share/man/man1/attnviz.1", "share/bash-completion/completions/attnviz",
    "share/zsh/site-functions/_attnviz", "share/fish/vendor_completions.d/attnviz.fish",
  ]

  static func path(_ relative: String) -> String {
    (root?.path ?? "") + prefix + "/" + relative
  }

  /// Runs a program with a bare environment: no Swift toolchain on PATH or LD_LIBRARY_PATH.
  static func run(_ executable: String, _ arguments: [String], in directory: URL? = nil) throws
    -> Run
  {
    try runProcess(
      URL(fileURLWithPath: executable), arguments,
      environment: ["PATH": "/usr/bin:/bin", "HOME": NSTemporaryDirectory()], in: directory)
  }

  static func tool(_ name: String) -> String? {
    ["/usr/bin/", "/bin/", "/usr/local/bin/"].map { $0 + name }
      .first(where: FileManager.default.isExecutableFile)
  }
}

@Suite(.enabled(if: Installed.isAvailable, "run by `make test-install`"))
struct InstallTests {
  @Test func everyFileIsInstalled() {
    for file in Installed.files {
      #expect(FileManager.default.fileExists(atPath: Installed.path(file)), "\(file)")
    }
    #expect(FileManager.default.isExecutableFile(atPath: Installed.path("bin/attnviz")))
  }

  /// The Swift runtime and Foundation are linked in: nothing is loaded from the toolchain.
  @Test func binaryNeedsNoSwiftToolchain() throws {
    let ldd = try Installed.run("/usr/bin/ldd", [Installed.path("bin/attnviz")])
    #expect(ldd.status == 0)
    for library in ["libswiftCore", "libFoundation", "libswift_", "libdispatch", "/opt/swift"] {
      #expect(!ldd.stdout.contains(library), "\(library) in:\n\(ldd.stdout)")
    }
    #expect(ldd.stdout.contains("libpng") && ldd.stdout.contains("libfreetype"))
  }

  @Test func installedBinaryRunsOnASentence() throws {
    let version = try Installed.run(Installed.path("bin/attnviz"), ["--version"])
    #expect(version.status == 0 && !version.stdout.isEmpty, "\(version.stderr)")
    let folder = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let run = try Installed.run(
      Installed.path("bin/attnviz"), ["The cat sat on the mat.", "--out", "figs"], in: folder)
    #expect(run.status == 0, "\(run.stderr)")
    #expect(run.stdout.contains("| cat "))
    #expect(listing(folder.appendingPathComponent("figs")).contains("heatmap-layer1-head1.png"))
  }

  @Test func bashCompletionLoads() throws {
    let bash = try #require(Installed.tool("bash"))
    let script = Installed.path("share/bash-completion/completions/attnviz")
    let run = try Installed.run(bash, ["-c", "source '\(script)' && complete -p attnviz"])
    #expect(run.status == 0, "\(run.stderr)")
    #expect(run.stdout.hasPrefix("complete ") && run.stdout.contains("attnviz"))
    #expect(run.stderr.isEmpty)
  }

  @Test func zshAndFishCompletionsNameTheOptions() throws {
    for file in [
      "share/zsh/site-functions/_attnviz", "share/fish/vendor_completions.d/attnviz.fish",
    ] {
      let text = try String(contentsOfFile: Installed.path(file), encoding: .utf8)
      #expect(text.contains("colormap") && text.contains("positions"), "\(file)")
    }
    #expect(
      try String(contentsOfFile: Installed.path(Installed.files[3]), encoding: .utf8).hasPrefix(
        "#compdef attnviz"))
  }

  /// The page renders with `man -l` (man-db), else with groff or nroff; skipped when none is
  /// installed, since a fresh Debian image has none and `make deps` does not add them.
  @Test func manPageRenders() throws {
    let page = Installed.path("share/man/man1/attnviz.1")
    let run: Run
    if let man = Installed.tool("man") {
      run = try Installed.run(man, ["-l", page])
    } else if let groff = Installed.tool("groff") {
      run = try Installed.run(groff, ["-mandoc", "-Tascii", page])
    } else {
      print("neither man nor groff is installed; checking the page's source only")
      let source = try String(contentsOfFile: page, encoding: .utf8)
      #expect(source.contains(".Dt ATTNVIZ 1"))
      return
    }
    #expect(run.status == 0, "\(run.stderr)")
    // Overstrike bold (c BS c) and underline (_ BS c) as nroff writes them to a pipe.
    let text = run.stdout.replacingOccurrences(of: ".\u{8}", with: "", options: .regularExpression)
    #expect(text.contains("NAME") && text.contains("attnviz"))
    for option in ["--colormap", "--format", "--positions", "--quiet"] {
      #expect(text.contains(option), "\(option) missing from the man page")
    }
    // The sections a Unix user expects, defaults, and no character lost on the way.
    for section in [
      "SYNOPSIS", "DESCRIPTION", "OPTIONS", "ENVIRONMENT", "FILES", "EXIT STATUS", "EXAMPLES",
      "SEE ALSO",
    ] {
      #expect(text.contains("\n" + section), "\(section) missing from the man page")
    }
    for expected in [
      "attnviz explain [options]", "(default: viridis)", "(default: attnviz-out)",
      "NO_COLOR", "ATTNVIZ_MODELS", "sqrt(d_k)", "(1-11; 1-12",
    ] {
      #expect(text.contains(expected), "\(expected) missing from the man page")
    }
    #expect(!text.contains("QK / d_k") && !text.contains("(18,"))
    // The SYNOPSIS names every subcommand the binary has.
    let synopsis = text.components(separatedBy: "\nDESCRIPTION").first ?? ""
    for subcommand in ["show", "pe", "explain", "compare", "deck", "info", "models"] {
      #expect(synopsis.contains("attnviz \(subcommand) [options]"), "\(subcommand) not in SYNOPSIS")
    }
  }

  /// `make uninstall` removes the installed files and nothing else (a copy of the tree, so the
  /// other tests keep theirs).
  @Test func uninstallRemovesExactlyWhatWasInstalled() throws {
    let root = try #require(Installed.root)
    let copy = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: copy) }
    let tree = copy.appendingPathComponent("root")
    try FileManager.default.copyItem(at: root, to: tree)
    let neighbour = tree.path + Installed.prefix + "/share/man/man1/other.1"
    try Data("keep".utf8).write(to: URL(fileURLWithPath: neighbour))
    let make = try #require(Installed.tool("make"))
    let run = try Installed.run(
      make,
      [
        "-s", "-C", Binary.packageRoot.path, "uninstall", "DESTDIR=\(tree.path)",
        "PREFIX=\(Installed.prefix)",
      ])
    #expect(run.status == 0, "\(run.stderr)")
    let left =
      FileManager.default.enumerator(atPath: tree.path)?.compactMap { $0 as? String }
      .filter { !isDirectory(tree.appendingPathComponent($0)) } ?? []
    #expect(left == [String(Installed.prefix.dropFirst()) + "/share/man/man1/other.1"])
  }
}

func isDirectory(_ url: URL) -> Bool {
  var directory: ObjCBool = false
  return FileManager.default.fileExists(atPath: url.path, isDirectory: &directory)
    && directory.boolValue
}
