import AttnvizRender
import Foundation
import Testing

/// `attnviz explain` as a user runs it.
@Suite(.serialized) struct ExplainTests {
  static var threeTokens: String {
    Binary.packageRoot.appendingPathComponent("docs/examples/three-tokens.json").path
  }

  @Test func handWorkedExamplePrintsTheHandComputedNumbers() throws {
    let folder = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let run = try Binary.run([
      "explain", "--weights", Self.threeTokens, "the cat sat", "--out", folder.path,
    ])
    #expect(run.status == 0, "\(run.stderr)")
    #expect(
      listing(folder) == [
        "step-01-tokens.png", "step-02-embeddings.png", "step-03-positional-encoding.png",
        "step-04-qkv.png", "step-05-scores.png", "step-06-weights.png", "step-07-output.png",
      ])
    // The hand computation of docs/self-attention.md: s = 1/√2, rows of softmax([s,0,s]) etc.
    let s = 1 / 2.0.squareRoot()
    let a = exp(s) / (2 * exp(s) + 1)
    let b = 1 / (2 * exp(s) + 1)
    let c = exp(s) / (2 * exp(s) + exp(2 * s))
    let d = exp(2 * s) / (2 * exp(s) + exp(2 * s))
    func f(_ x: Double) -> String { String(format: "%.2f", x) }
    let lines = run.stdout.split(separator: "\n").map(String.init)
    func row(_ label: String, after title: String) throws -> String {
      let start = try #require(lines.firstIndex { $0.hasPrefix(title) }, "\(title)")
      return try #require(
        lines[start...].first { $0.hasPrefix("| \(label) ") }, "\(label) in \(title)")
    }
    func numbers(_ line: String) -> [String] {
      line.split(separator: "|").dropFirst().map {
        $0.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: "*", with: "")
      }
    }
    #expect(numbers(try row("sat", after: "Raw scores")) == ["1.00", "1.00", "2.00"])
    #expect(numbers(try row("the", after: "Scaled scores")) == [f(s), "0.00", f(s)])
    #expect(numbers(try row("the", after: "Attention weights")) == [f(a), f(b), f(a)])
    #expect(numbers(try row("cat", after: "Attention weights")) == [f(b), f(a), f(a)])
    #expect(numbers(try row("sat", after: "Attention weights")) == [f(c), f(c), f(d)])
    #expect(numbers(try row("the", after: "Output")) == [f(a + a), f(b + a)])
    #expect(numbers(try row("sat", after: "Output")) == [f(c + d), f(c + d)])
    #expect(
      [f(a), f(b), f(c), f(d), f(a + a), f(a + b), f(c + d)] == [
        "0.40", "0.20", "0.25", "0.50", "0.80", "0.60", "0.75",
      ])
    #expect(run.stdout.contains("d_k = 2, so scores are divided by √2 ≈ 1.414"))
  }

  @Test func docsShowTheToolsOwnOutput() throws {
    // docs/self-attention.md quotes the printed output verbatim: it must still be what the tool prints.
    let docs = try String(
      contentsOf: Binary.packageRoot.appendingPathComponent("docs/self-attention.md"),
      encoding: .utf8)
    let folder = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let run = try Binary.run(
      [
        "explain", "--weights", "docs/examples/three-tokens.json", "the cat sat", "--out",
        folder.path,
      ],
      in: Binary.packageRoot)
    #expect(run.status == 0, "\(run.stderr)")
    #expect(docs.contains("```text\n" + run.stdout + "```\n"))
  }

  @Test func causalRunWritesEightFiguresAndEveryDocument() throws {
    let folder = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let run = try Binary.run([
      "explain", "--causal", lectureSentence, "--out", folder.path, "--format",
      "png,svg,md,html,txt", "--quiet", "--scale", "1",
    ])
    #expect(run.status == 0, "\(run.stderr)")
    #expect(run.stdout.isEmpty && run.stderr.isEmpty)
    let stems = [
      "step-01-tokens", "step-02-embeddings", "step-03-positional-encoding", "step-04-qkv",
      "step-05-scores", "step-06-causal-mask", "step-07-weights", "step-08-output",
      "step-09-residual", "step-10-norm", "step-11-feed-forward", "step-12-block-output",
    ]
    let files = listing(folder)
    #expect(Array(files.prefix(3)) == ["explain.html", "explain.md", "explain.txt"])
    #expect(stepStems(files) == stems, "\(files)")
    // Each figure has its PNG and its SVG.
    #expect(
      files.filter { $0.hasSuffix(".png") }.count == files.filter { $0.hasSuffix(".svg") }.count)
    let png = try decodePNG(
      Array(Data(contentsOf: folder.appendingPathComponent("step-06-causal-mask.png"))))
    #expect(png.width > 400 && png.height > 300)
    let txt = try String(contentsOf: folder.appendingPathComponent("explain.txt"), encoding: .utf8)
    #expect(txt.contains("Step 6 · Causal mask") && !txt.contains("\u{1B}"))
  }

  @Test func sameInputSameBytes() throws {
    let folder = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let arguments = [
      "explain", "--causal", "--heads", "4", "--dim", "16", lectureSentence, "--format",
      "md,html,svg,txt", "--quiet",
    ]
    let a = folder.appendingPathComponent("a")
    let b = folder.appendingPathComponent("b")
    #expect(try Binary.run(arguments + ["--out", a.path]).status == 0)
    #expect(try Binary.run(arguments + ["--out", b.path]).status == 0)
    #expect(listing(a) == listing(b) && stepStems(listing(a)).count == 12)
    for name in listing(a) {
      #expect(
        try Data(contentsOf: a.appendingPathComponent(name))
          == Data(contentsOf: b.appendingPathComponent(name)), "\(name)")
    }
  }

  @Test func oneStepWritesOnlyThatStep() throws {
    let folder = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let run = try Binary.run(["explain", "--step", "5", "The cat sat.", "--out", folder.path])
    #expect(run.status == 0, "\(run.stderr)")
    #expect(listing(folder) == ["step-05-scores.png"])
    #expect(
      run.stdout.contains("Step 5 · Scores") && !run.stdout.contains("Step 4 ·")
        && !run.stdout.contains("Step 7 ·"))
  }

  @Test func markdownAloneAlsoWritesTheFiguresItLinks() throws {
    let folder = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let run = try Binary.run([
      "explain", "the cat sat", "--weights", Self.threeTokens, "--format", "md", "--scale", "1",
      "--out", folder.path,
    ])
    #expect(run.status == 0, "\(run.stderr)")
    let md = try String(contentsOf: folder.appendingPathComponent("explain.md"), encoding: .utf8)
    let files = Set(listing(folder))
    let links = md.split(separator: "\n").filter { $0.hasPrefix("![") }
    #expect(links.count == 7)
    for link in links {
      let target = String(link.split(separator: "(").last!.dropLast())
      #expect(files.contains(target), "\(target)")
    }
    // HTML alone needs no figure files: they are inline.
    let html = folder.appendingPathComponent("html")
    #expect(
      try Binary.run(["explain", "the cat sat", "--format", "html", "--out", html.path]).status == 0
    )
    #expect(listing(html) == ["explain.html"])
  }

  @Test(arguments: [
    (["--step", "12"], "its steps are 1–11"), (["--step", "15"], "--step 15"),
    (["--step", "0"], "--step 0"),
    (["--head", "3"], "--head 3"), (["--head", "0"], "--head"), (["--format", "pdf"], "pdf"),
    (["--weights", "x.json", "--model", "m"], "--weights"),
  ])
  func usageErrorsExitTwoWithOneLine(arguments: [String], mention: String) throws {
    let folder = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let run = try Binary.run(["explain", "The cat sat."] + arguments + ["--out", folder.path])
    #expect(run.status == 2, "\(arguments): \(run.stderr)")
    #expect(
      run.stderr.hasPrefix("attnviz: error: ") && run.stderr.contains(mention), "\(run.stderr)")
    #expect(run.stderr.split(separator: "\n").count == 1)
    #expect(listing(folder).isEmpty)
  }

  @Test func unknownWordOfAWeightsFileFailsWithExitOne() throws {
    let folder = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let file = folder.appendingPathComponent("w.json")
    try Data(
      #"{"d_model": 2, "heads": 1, "embeddings": {"a": [1, 0]}, "wq": [[1,0],[0,1]], "wk": [[1,0],[0,1]], "wv": [[1,0],[0,1]]}"#
        .utf8
    ).write(to: file)
    let run = try Binary.run([
      "explain", "--weights", file.path, "a b", "--out", folder.appendingPathComponent("o").path,
    ])
    #expect(run.status == 1)
    #expect(run.stderr.hasPrefix("attnviz: error: ") && run.stderr.contains("b"))
  }
}

/// The steps a listing holds, in order: `step-11-feed-forward-2.svg` → `step-11-feed-forward`
/// (a step drawn in parts has files `-1`, `-2`, …).
func stepStems(_ files: [String]) -> [String] {
  var stems: [String] = []
  for file in files where file.hasPrefix("step-") {
    var parts = file.prefix { $0 != "." }.split(separator: "-")
    // Slugs never end in a number: a trailing number is the part.
    if parts.count > 3, let last = parts.last, last.allSatisfy(\.isNumber) { parts.removeLast() }
    let stem = parts.joined(separator: "-")
    if stems.last != stem { stems.append(stem) }
  }
  return stems
}
