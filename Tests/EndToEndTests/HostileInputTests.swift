import Foundation
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// The classes of docs/robustness.md, through the built binary: special files, pipes, memory,
/// output folders, control characters, misleading messages. Each test names its class.
@Suite("Hostile inputs through the binary")
struct HostileInputTests {
  static let fixtures = Binary.packageRoot.appendingPathComponent(
    "Tests/AttnvizModelTests/Fixtures")
  static let weightsExample = Binary.packageRoot.appendingPathComponent(
    "docs/examples/three-tokens.json")

  /// Runs the binary through bash (for `<(…)`), under `timeout` so a regression to a hang fails
  /// this test instead of stopping the suite (exit 124), with a fresh working folder.
  func shell(_ script: String, in folder: URL, environment: [String: String] = [:]) throws -> Run {
    var env = ProcessInfo.processInfo.environment
    env["ATTNVIZ"] = Binary.url.path
    for (key, value) in environment { env[key] = value }
    return try runProcess(
      URL(fileURLWithPath: "/usr/bin/timeout"), ["120", "/bin/bash", "-c", script],
      environment: env, in: folder)
  }

  func oneErrorLine(_ run: Run) -> Bool {
    run.stderr.hasPrefix("attnviz: error: ") && run.stderr.filter { $0 == "\n" }.count == 1
  }

  func copyFixture(_ name: String, to folder: URL) throws -> URL {
    let copy = folder.appendingPathComponent(name)
    try FileManager.default.copyItem(at: Self.fixtures.appendingPathComponent(name), to: copy)
    return copy
  }

  // MARK: special files and pipes

  @Test("a FIFO as model.safetensors or --font is refused at once, not waited on")
  func fifoModelAndFont() throws {
    let folder = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    for model in ["tiny-bert", "tiny-gpt2"] {
      let copy = try copyFixture(model, to: folder)
      let weights = copy.appendingPathComponent("model.safetensors")
      try FileManager.default.removeItem(at: weights)
      #expect(mkfifo(weights.path, 0o600) == 0)
      let run = try shell("\"$ATTNVIZ\" --model \(model) --format json hello", in: folder)
      #expect(run.status == 1, "\(run.stderr)")
      #expect(oneErrorLine(run))
      #expect(run.stderr.contains("model.safetensors"))
      #expect(run.stderr.contains("is a named pipe (FIFO), not a regular file"))
    }
    #expect(mkfifo(folder.appendingPathComponent("font.ttf").path, 0o600) == 0)
    let font = try shell("\"$ATTNVIZ\" --font font.ttf --format png hello world", in: folder)
    #expect(font.status == 1)
    #expect(font.stderr.contains("font.ttf' is a named pipe (FIFO), not a regular file"))
  }

  @Test("every file of a model folder: a FIFO or an oversize file is named, never waited on")
  func modelFolderFiles() throws {
    let folder = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    // (file, size): 0 for a FIFO, else a sparse file of that many bytes (over its limit).
    let cases: [(String, Int, String)] = [
      ("config.json", 0, "is a named pipe (FIFO), not a regular file"),
      ("config.json", 17 << 20, "is larger than 16 MiB, the limit for config.json"),
      ("tokenizer_config.json", 0, "is a named pipe (FIFO), not a regular file"),
      ("vocab.txt", 0, "is a named pipe (FIFO), not a regular file"),
      ("vocab.txt", 65 << 20, "is larger than 64 MiB, the limit for vocab.txt"),
      ("tokenizer.json", 0, "is a named pipe (FIFO), not a regular file"),
      ("tokenizer.json", 65 << 20, "is larger than 64 MiB, the limit for tokenizer.json"),
      ("model.safetensors.index.json", 0, "is a named pipe (FIFO), not a regular file"),
      (
        "model.safetensors.index.json", 17 << 20,
        "is larger than 16 MiB, the limit for model.safetensors.index.json"
      ),
    ]
    for (number, (name, size, reason)) in cases.enumerated() {
      let copy = folder.appendingPathComponent("model-\(number)")
      try FileManager.default.copyItem(
        at: Self.fixtures.appendingPathComponent("tiny-bert"), to: copy)
      let file = copy.appendingPathComponent(name)
      try? FileManager.default.removeItem(at: file)
      if name == "model.safetensors.index.json" {
        // The index is read instead of model.safetensors.
        try FileManager.default.removeItem(at: copy.appendingPathComponent("model.safetensors"))
      }
      if size == 0 {
        #expect(mkfifo(file.path, 0o600) == 0)
      } else {
        let fd = open(file.path, O_CREAT | O_WRONLY, 0o644)
        #expect(ftruncate(fd, off_t(size)) == 0)
        close(fd)
      }
      let run = try shell("\"$ATTNVIZ\" --model ./model-\(number) --format json hi", in: folder)
      #expect(run.status == 1, "\(name): \(run.stderr)")
      #expect(oneErrorLine(run), "\(name): \(run.stderr)")
      #expect(run.stderr.contains(name) && run.stderr.contains(reason), "\(run.stderr)")
    }
  }

  @Test("--file and --weights read pipes: <(…), /dev/stdin; devices and folders are named")
  func pipesAreRead() throws {
    let folder = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let weights = Self.weightsExample.path
    let substituted = try shell(
      "\"$ATTNVIZ\" --json --file <(printf 'the cat sat') --weights <(cat '\(weights)')",
      in: folder)
    #expect(substituted.status == 0, "\(substituted.stderr)")
    #expect(substituted.stdout.contains("\"tokens\": [\"the\", \"cat\", \"sat\"]"))
    let stdin = try shell("printf 'the cat' | \"$ATTNVIZ\" --json --file /dev/stdin", in: folder)
    #expect(stdin.status == 0, "\(stdin.stderr)")
    #expect(stdin.stdout.contains("\"tokens\": [\"the\", \"cat\"]"))

    let zero = try shell("\"$ATTNVIZ\" --file /dev/zero", in: folder)
    #expect(zero.status == 1)
    #expect(
      zero.stderr
        == "attnviz: error: the text file /dev/zero is a device, not a regular file or a pipe\n")
    let dir = try shell("\"$ATTNVIZ\" --weights . hi", in: folder)
    #expect(dir.status == 1)
    #expect(dir.stderr.contains("is a folder, not a regular file or a pipe"))
    // A FIFO nobody writes to reads as empty: a usage error, not a hang.
    #expect(mkfifo(folder.appendingPathComponent("fifo").path, 0o600) == 0)
    let fifo = try shell("\"$ATTNVIZ\" --file fifo", in: folder)
    #expect(fifo.status == 2)
    #expect(fifo.stderr.contains("the text is empty"))
    // A pipe longer than the limit: refused after limit + 1 bytes, not read to its end.
    let endless = try shell("\"$ATTNVIZ\" --file <(yes attention)", in: folder)
    #expect(endless.status == 2)
    #expect(endless.stderr.contains("longer than 1024 KiB"))
    let weightsPipe = try shell("\"$ATTNVIZ\" --weights <(yes '{') hi", in: folder)
    #expect(weightsPipe.status == 1)
    #expect(weightsPipe.stderr.contains("is larger than 32 MiB, the limit for the weights file"))
  }

  @Test("attnviz info, attnviz deck and GGUF models: special files named, sizes bounded")
  func infoDeckAndGGUFReadsAreBounded() throws {
    let folder = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    for name in ["figure.png", "deck.toml", "model.gguf"] {
      #expect(mkfifo(folder.appendingPathComponent(name).path, 0o600) == 0)
    }
    // Sparse files over the limits: refused from their size, never read.
    for (name, size) in [("big.png", 300 << 20), ("big.toml", 2 << 20)] {
      let fd = open(folder.appendingPathComponent(name).path, O_CREAT | O_WRONLY, 0o644)
      #expect(ftruncate(fd, off_t(size)) == 0)
      close(fd)
    }
    // Each case: the command line, its exit status and its whole stderr.
    let cases: [(String, Int32, String)] = [
      (
        "info figure.png", 1,
        "the figure figure.png is a named pipe (FIFO), not a regular file; give a PNG or SVG "
          + "made by attnviz"
      ),
      (
        "info /dev/zero", 1,
        "the figure /dev/zero is a device, not a regular file; give a PNG or SVG made by attnviz"
      ),
      (
        "info big.png", 1,
        "the figure big.png is larger than 256 MiB, the limit for the figure; give a PNG or SVG "
          + "made by attnviz"
      ),
      // A FIFO nobody writes to reads as empty: a deck without figures, not a hang.
      (
        "deck deck.toml", 2,
        "deck.toml lists no figures; add one: [[figure]] with text = \"…\" and view = \"heatmap\""
      ),
      ("deck /dev/zero", 1, "the deck file /dev/zero is a device, not a regular file or a pipe"),
      (
        "deck big.toml", 1,
        "the deck file big.toml is larger than 1 MiB, the limit for the deck file"
      ),
      (
        "deck <(yes '# a comment' 2>/dev/null)", 1,
        "the deck file /dev/fd/63 is larger than 1 MiB, the limit for the deck file"
      ),
      (
        "--model model.gguf hi", 1,
        "GGUF file \(folder.path)/model.gguf: is a named pipe (FIFO), not a regular file"
      ),
    ]
    for (arguments, status, message) in cases {
      let run = try shell("\"$ATTNVIZ\" \(arguments)", in: folder)
      #expect(run.status == status, "\(arguments): \(run.stderr)")
      #expect(run.stderr == "attnviz: error: \(message)\n", "\(arguments)")
    }
  }

  // MARK: memory

  @Test("a run over the memory budget is refused before it allocates, with the estimate")
  func memoryBudget() throws {
    let folder = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let words = Array(repeating: "token", count: 2048).joined(separator: " ")
    let run = try Binary.run(
      ["--dim", "512", "--heads", "512", "--out", folder.path, words])
    #expect(run.status == 1)
    #expect(oneErrorLine(run))
    #expect(run.stderr.contains("this run would need about"))
    #expect(run.stderr.contains("(512 heads × 2048² token pairs), over the 2.0 GiB budget"))
    #expect(run.stderr.contains("--head N"))
    #expect(listing(folder).isEmpty)
    let explain = try Binary.run(["explain", "--format", "png,html", "--out", folder.path, words])
    #expect(explain.status == 1)
    #expect(explain.stderr.contains("(2 heads × 2048² token pairs), over the 2.0 GiB budget"))
    #expect(listing(folder).isEmpty)
    // The budget is settable; a small one refuses even a small run, a bad one is a usage error.
    let small = try Binary.run(
      ["--format", "json", "--out", folder.path, "a b c"],
      environment: ["ATTNVIZ_MEMORY_BUDGET": "1M"])
    #expect(small.status == 1)
    #expect(small.stderr.contains("over the 1 MiB budget"))
    // A model folder runs through the engine, which counts its tokens first
    // (TransformerModel.tokenCount): the budget applies to it too, before it runs.
    let tiny = Self.fixtures.appendingPathComponent("tiny-gpt2").path
    let engine = try Binary.run(
      ["--model", tiny, "--format", "json", "--out", folder.path, "a b c"],
      environment: ["ATTNVIZ_MEMORY_BUDGET": "1K"])
    #expect(engine.status == 1)
    #expect(engine.stderr.contains("over the 1 KiB budget"), "\(engine.stderr)")
    #expect(listing(folder).isEmpty)
    let bad = try Binary.run(["a b"], environment: ["ATTNVIZ_MEMORY_BUDGET": "lots"])
    #expect(bad.status == 2)
    #expect(bad.stderr.contains("ATTNVIZ_MEMORY_BUDGET=lots is not a size"))
  }

  @Test("a config.json with a million layers is refused from the config, before allocating")
  func hugeLayerCount() throws {
    let folder = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    for (model, field) in [("tiny-gpt2", "n_layer"), ("tiny-bert", "num_hidden_layers")] {
      let copy = try copyFixture(model, to: folder)
      let configURL = copy.appendingPathComponent("config.json")
      var config =
        try JSONSerialization.jsonObject(with: Data(contentsOf: configURL)) as! [String: Any]
      config[field] = 1_000_000
      try JSONSerialization.data(withJSONObject: config).write(to: configURL)
      let run = try Binary.run([
        "--model", copy.path, "--format", "json", "--out", folder.path, "hi",
      ])
      #expect(run.status == 1)
      // The engine's validation (TransformerConfig.validate), before any per-layer allocation.
      #expect(
        run.stderr.contains(
          "\(model): \"\(field)\": 1000000 in config.json is over the limit of 1024 layers"),
        "\(field)")
    }
  }

  // MARK: broken files and misleading messages

  @Test("broken config.json files get precise messages")
  func brokenConfigs() throws {
    let folder = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let copy = try copyFixture("tiny-bert", to: folder)
    let configURL = copy.appendingPathComponent("config.json")
    let cases: [(String, String)] = [
      ("[1, 2]", "holds an array [...] at the top, not a JSON object"),
      ("{\"model_type\": \"bert\",", "is not valid JSON"),
      (String(repeating: "[", count: 5000), "nests arrays and objects deeper than 64 levels"),
      (
        "{\"model_type\": \"bert\", \"model_type\": \"gpt2\"}",
        "repeats the key \"model_type\" on line 1"
      ),
    ]
    for (text, message) in cases {
      try Data(text.utf8).write(to: configURL)
      let run = try Binary.run([
        "--model", copy.path, "--format", "json", "--out", folder.path, "hi",
      ])
      #expect(run.status == 1)
      #expect(oneErrorLine(run))
      #expect(run.stderr.contains(message), "\(run.stderr)")
    }
  }

  @Test("a repeated key in a weights file is an error naming it")
  func duplicateWeightsKey() throws {
    let folder = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    var text = try String(contentsOf: Self.weightsExample, encoding: .utf8)
    text = text.replacingOccurrences(of: "\"heads\": 1", with: "\"heads\": 1, \"heads\": 2")
    let file = folder.appendingPathComponent("w.json")
    try Data(text.utf8).write(to: file)
    let run = try Binary.run(["--weights", file.path, "--out", folder.path, "the cat"])
    #expect(run.status == 1)
    #expect(run.stderr.contains("repeats the key \"heads\""), "\(run.stderr)")
  }

  @Test("negative numbers are judged as numbers, not reported as a missing value")
  func negativeNumbers() throws {
    let cases: [([String], String)] = [
      (["--dim", "-1"], "--dim must be between 2 and 512, not -1"),
      (["--heads", "-4"], "--heads must be at least 1, not -4"),
      (["--scale", "-0"], "--scale must be between 1 and 8, not 0"),
      (["--seed", "-1"], "-1"),
    ]
    for (arguments, message) in cases {
      let run = try Binary.run(arguments + ["the cat"])
      #expect(run.status == 2, "\(arguments)")
      #expect(!run.stderr.lowercased().contains("missing value"), "\(run.stderr)")
      #expect(run.stderr.contains(message), "\(run.stderr)")
    }
  }

  @Test("--model \"\" is a usage error, not a search of the project folder")
  func emptyModel() throws {
    let run = try Binary.run(["--model", "", "hello"])
    #expect(run.status == 2)
    #expect(
      run.stderr
        == "attnviz: error: --model is empty; give a model folder or a name under models/\n")
  }

  // MARK: control characters

  @Test("argument-parser errors, written paths and notes never carry raw controls")
  func controlsNeverReachStderr() throws {
    let hostile = "x\u{1B}[31m\u{07}\u{9B}2J\u{9D}0;t\u{07}\u{202E}"
    let folder = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let runs = [
      try Binary.run(["--format", hostile, "hi"]),
      try Binary.run(["--view", hostile, "hi"]),
      try Binary.run(["--dim", hostile, "hi"]),
      try Binary.run(["--" + hostile, "hi"]),
      try Binary.run(["explain", "--step", hostile, "hi"]),
      try Binary.run(["pe", "--positions", hostile]),
      try Binary.run([
        "--format", "json", "--out", folder.appendingPathComponent(hostile).path, "hi",
      ]),
    ]
    for run in runs {
      for scalar in run.stderr.unicodeScalars where scalar != "\n" {
        let category = scalar.properties.generalCategory
        #expect(
          category != .control && category != .format,
          "raw U+\(String(scalar.value, radix: 16)) in \(run.stderr)")
      }
    }
    #expect(runs.dropLast().allSatisfy { $0.status == 2 })
    #expect(runs.last?.status == 0)
  }

  @Test("--json escapes C1 controls and bidi overrides; the text reads back unchanged")
  func jsonEscapesC1AndBidi() throws {
    let text = "cat\u{9B}31m sat \u{202E}mat\u{2066} \u{85}end"
    let run = try Binary.run(["--json", text])
    #expect(run.status == 0)
    for raw in ["\u{9B}", "\u{202E}", "\u{2066}", "\u{85}"] { #expect(!run.stdout.contains(raw)) }
    #expect(run.stdout.contains("\\u009b") && run.stdout.contains("\\u202e"))
    let object = try JSONSerialization.jsonObject(with: run.stdoutBytes) as! [String: Any]
    #expect(object["text"] as? String == text)
  }

  @Test("--format md escapes the text in its heading: HTML in the input stays text")
  func markdownHeadingEscaped() throws {
    let folder = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let run = try Binary.run([
      "--format", "md", "--out", folder.path, "<img src=x onerror=alert(1)> hi",
    ])
    #expect(run.status == 0)
    let markdown = try String(
      contentsOf: folder.appendingPathComponent("tables.md"), encoding: .utf8)
    // Every "<" is backslash-escaped, so no renderer sees a tag.
    let unescaped = zip(markdown, markdown.dropFirst()).filter { $1 == "<" && $0 != "\\" }
    #expect(unescaped.isEmpty)
    #expect(markdown.hasPrefix("# Self-attention: \\<img src=x onerror=alert(1)\\> hi\n"))
  }

  // MARK: output folders

  @Test("--out over the path limit says 'name too long' and creates nothing")
  func outTooLong() throws {
    let folder = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let deep = (0..<20).map { _ in String(repeating: "d", count: 250) }.joined(separator: "/")
    let run = try Binary.run(["--format", "json", "--out", deep, "hi"], in: folder)
    #expect(run.status == 1)
    #expect(run.stderr.contains("the name is too long"))
    #expect(listing(folder).isEmpty)
    let part = try Binary.run(
      ["--format", "json", "--out", "a/" + String(repeating: "x", count: 300), "hi"], in: folder)
    #expect(part.status == 1)
    #expect(part.stderr.contains("a part of it is 300 bytes; the limit is 255"))
    #expect(listing(folder).isEmpty)
  }

  @Test("each --out problem has its own message; nothing is left behind")
  func outMessages() throws {
    let folder = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    try Data("x".utf8).write(to: folder.appendingPathComponent("file"))
    let underFile = try Binary.run(["--format", "json", "--out", "file/sub/out", "hi"], in: folder)
    #expect(underFile.status == 1)
    #expect(underFile.stderr.contains("file is a file, not a folder"))
    let isFile = try Binary.run(["--format", "json", "--out", "file", "hi"], in: folder)
    #expect(isFile.stderr.contains("--out file is a file, not a folder"))
    try FileManager.default.createDirectory(
      at: folder.appendingPathComponent("out/attention.json"), withIntermediateDirectories: true)
    try Data("old".utf8).write(to: folder.appendingPathComponent("out/tables.txt"))
    let blocked = try Binary.run(["--format", "txt,json", "--out", "out", "hi"], in: folder)
    #expect(blocked.status == 1)
    #expect(blocked.stderr.contains("a folder has that name"))
    #expect(blocked.stderr.contains("no file was changed"))
    #expect(listing(folder.appendingPathComponent("out")) == ["attention.json", "tables.txt"])
    #expect(
      try String(contentsOf: folder.appendingPathComponent("out/tables.txt"), encoding: .utf8)
        == "old")
  }

  @Test("leftover temporaries of an earlier run (same pid in a container) block nothing")
  func leftoversDoNotCollide() throws {
    let folder = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    // The names the old scheme used for pids 1…300.
    for pid in 1...300 {
      try Data().write(to: folder.appendingPathComponent(".attention.json.\(pid).tmp"))
    }
    let run = try Binary.run(["--format", "json", "--out", folder.path, "hi there"])
    #expect(run.status == 0, "\(run.stderr)")
    #expect(listing(folder).filter { !$0.hasPrefix(".") } == ["attention.json"])
    #expect(listing(folder).count == 301)
  }

  @Test("SIGINT or SIGTERM while writing removes the temporaries and exits 130 or 143")
  func interruptRemovesTemporaries() throws {
    for (signal, code) in [(SIGINT, Int32(130)), (SIGTERM, Int32(143))] {
      let folder = try temporaryFolder()
      defer { try? FileManager.default.removeItem(at: folder) }
      let process = Process()
      process.executableURL = Binary.url
      // Two 1 500-token heatmaps as SVG: hundreds of megabytes streamed into temporaries.
      let words = (0..<1500).map { "w\($0 % 97)" }.joined(separator: " ")
      process.arguments = [
        "--quiet", "--format", "svg", "--view", "heatmap", "--out", folder.path, words,
      ]
      process.standardOutput = FileHandle.nullDevice
      process.standardError = FileHandle.nullDevice
      try process.run()
      var sawTemporary = false
      while process.isRunning && !sawTemporary {
        sawTemporary = listing(folder).contains { $0.hasSuffix(".tmp") }
        if !sawTemporary { usleep(1000) }
      }
      if sawTemporary { kill(process.processIdentifier, signal) }
      process.waitUntilExit()
      #expect(sawTemporary, "the run ended before a temporary file appeared")
      #expect(process.terminationStatus == code)
      #expect(listing(folder).isEmpty, "\(listing(folder))")
    }
  }
}
