import Foundation
import Testing

/// The defects a lecturer found (issue 12), each through the built binary: figures that say
/// which layer and head they show, options that cannot take effect, messages that mislead.
@Suite struct LecturerDefectsTests {
  static let fixtures = ModelCLITests.fixtures

  /// Runs in a fresh folder and returns the run, the folder's files and the folder.
  func run(_ arguments: [String], environment: [String: String] = [:]) throws -> (
    Run, [String], URL
  ) {
    let folder = try temporaryFolder()
    let run = try Binary.run(
      arguments + ["--out", folder.path], in: folder, environment: environment)
    return (run, listing(folder).filter { $0 != "attnviz-out" }, folder)
  }

  func text(_ folder: URL, _ name: String) throws -> String {
    try String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8)
  }

  /// The `class="name"` texts of an SVG, in order.
  func svgTexts(_ svg: String, role: String) -> [String] {
    svg.components(separatedBy: "<text class=\"\(role)\"").dropFirst().compactMap { part in
      guard let open = part.firstIndex(of: ">"), let close = part.range(of: "</text>") else {
        return nil
      }
      return String(part[part.index(after: open)..<close.lowerBound])
        .replacingOccurrences(of: "&amp;", with: "&").replacingOccurrences(of: "&quot;", with: "\"")
        .replacingOccurrences(of: "&#39;", with: "'").replacingOccurrences(of: "&apos;", with: "'")
    }
  }

  // MARK: 1. Every figure names its layer and head(s), in the title and the file name

  @Test func aFigureOfOneHeadNamesItInTitleAndFileName() throws {
    let (run, files, folder) = try run([
      "--view", "lines", "--head", "2", "--format", "svg", "The cat sat.",
    ])
    defer { try? FileManager.default.removeItem(at: folder) }
    #expect(run.status == 0, "\(run.stderr)")
    #expect(files == ["lines-layer1-head2.svg"])
    let title = svgTexts(try text(folder, "lines-layer1-head2.svg"), role: "title")
    #expect(
      title.first?.contains("layer 1") == true && title.first?.contains("head 2 of 2") == true,
      "\(title)")
  }

  @Test func headNumbersAreZeroPaddedSoFilesSort() throws {
    let (run, files, folder) = try run(
      ["--heads", "12", "--dim", "24", "--view", "heatmap", "--format", "png", "a b c"])
    defer { try? FileManager.default.removeItem(at: folder) }
    #expect(run.status == 0, "\(run.stderr)")
    let expected = (1...12).map { String(format: "heatmap-layer1-head%02d.png", $0) }
    #expect(files == expected)
  }

  // MARK: 2. The built-in layer says it is random and untrained

  @Test func builtInLayerSaysRandomUntrainedEverywhere() throws {
    let (run, _, folder) = try run(["--head", "1", "--format", "json,svg,md", "The cat sat."])
    defer { try? FileManager.default.removeItem(at: folder) }
    #expect(run.status == 0)
    #expect(
      run.stdout.split(separator: "\n").first?.contains("random, untrained") == true,
      "\(run.stdout)")
    let json =
      try JSONSerialization.jsonObject(
        with: Data(contentsOf: folder.appendingPathComponent("attention.json"))) as? [String: Any]
    let model = try #require(json?["model"] as? [String: Any])
    #expect((model["weights"] as? String)?.contains("random, untrained") == true)
    #expect((model["weights"] as? String)?.contains("--model") == true)
    let subtitle = svgTexts(try text(folder, "heatmap-layer1-head1.svg"), role: "subtitle")
    #expect(subtitle.first?.contains("random, untrained") == true, "\(subtitle)")
    #expect(try text(folder, "tables.md").contains("random, untrained"))
    // The terminal points to learned attention, once, before the paths; a weights file (the
    // user's own numbers) gets no such note.
    #expect(run.stderr.hasPrefix(Binary.untrainedNote), "\(run.stderr)")
    let weights = Binary.packageRoot.appendingPathComponent("docs/examples/three-tokens.json")
    let own = try Binary.run(["--weights", weights.path, "--out", folder.path, "the cat sat"])
    #expect(own.status == 0 && !own.stderr.contains("note:"), "\(own.stderr)")
  }

  // MARK: 3. No fact twice; the sentence gets the room left, cut at a word boundary

  @Test func subtitleRepeatsNothingAndCutsTheSentenceAtAWord() throws {
    let sentence =
      "The animal didn't cross the street because it was too tired, said the lecturer "
      + "to a room full of students who had never seen attention drawn before today."
    let (run, files, folder) = try run(["--format", "svg", sentence])
    defer { try? FileManager.default.removeItem(at: folder) }
    #expect(run.status == 0)
    for file in files where file.hasSuffix(".svg") {
      let svg = try text(folder, file)
      let title = try #require(svgTexts(svg, role: "title").first)
      let subtitle = try #require(svgTexts(svg, role: "subtitle").first)
      #expect(title.contains("layer 1"), "\(file): \(title)")
      #expect(!subtitle.contains("layer 1"), "\(file): \(subtitle)")
      let quoted = try #require(subtitle.components(separatedBy: "“").last)
      #expect(quoted.count > 30, "\(file): the sentence keeps the room: \(subtitle)")
      if quoted.hasSuffix("…") {
        let kept = String(quoted.dropLast())
        let words = sentence.split(separator: " ").map(String.init)
        let keptWords = kept.split(separator: " ").map(String.init)
        #expect(
          Array(words.prefix(keptWords.count)) == keptWords,
          "\(file): cut inside a word: \(subtitle)")
      }
    }
  }

  // MARK: 4. Multi-head default figures a lecturer can project

  @Test func twelveHeadsGiveOneReadableLinesFigureAndASlideSizedGrid() throws {
    let (run, files, folder) = try run([
      "--heads", "12", "--dim", "24", "--format", "png,svg",
      "The animal didn't cross the street because it was too tired.",
    ])
    defer { try? FileManager.default.removeItem(at: folder) }
    #expect(run.status == 0, "\(run.stderr)")
    let lines = files.filter { $0.hasPrefix("lines-") && $0.hasSuffix(".png") }
    #expect(
      lines.count == 1
        && lines[0].range(of: #"^lines-layer1-head\d\d\.png$"#, options: .regularExpression) != nil,
      "\(files)")
    #expect(run.stderr.contains("the lines view draws head"), "\(run.stderr)")
    // The heads grid: near-square, at most a slide's size at scale 2.
    let svg = try text(folder, "heads-layer1.svg")
    let size = try svgSize(svg)
    #expect(size.width <= 1400 && size.height <= 1150, "\(size)")
    #expect(size.width / size.height < 1.6, "\(size)")
    // Every head is still reachable.
    let (again, others, second) = try self.run([
      "--heads", "12", "--dim", "24", "--head", "7",
      "--view", "lines", "--format", "png", "The cat sat.",
    ])
    defer { try? FileManager.default.removeItem(at: second) }
    #expect(again.status == 0 && others == ["lines-layer1-head07.png"], "\(others) \(again.stderr)")
  }

  @Test func fourHeadsMakeASquareNotAStrip() throws {
    let (run, _, folder) = try run([
      "--heads", "4", "--dim", "16", "--view", "heads", "--format", "svg",
      "The cat sat on the mat.",
    ])
    defer { try? FileManager.default.removeItem(at: folder) }
    #expect(run.status == 0)
    let size = try svgSize(try text(folder, "heads-layer1.svg"))
    #expect(size.width / size.height < 1.8, "a 2×2 grid, not 4×1: \(size)")
  }

  func svgSize(_ svg: String) throws -> (width: Double, height: Double) {
    func attribute(_ name: String) throws -> Double {
      let range = try #require(svg.range(of: " \(name)=\""))
      return try #require(Double(svg[range.upperBound...].prefix(while: { $0 != "\"" })))
    }
    return (try attribute("width"), try attribute("height"))
  }

  // MARK: 7. A subcommand after options is never read as text

  @Test(arguments: [
    ["--out", "x", "explain", "The cat sat."], ["--out", "x", "pe"], ["--quiet", "explain"],
  ])
  func subcommandAfterOptionsIsAClearError(arguments: [String]) throws {
    let folder = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let run = try Binary.run(arguments, in: folder)
    #expect(run.status == 2, "\(run.stderr)")
    #expect(
      run.stderr.hasPrefix("attnviz: error: ") && run.stderr.contains("subcommand comes first"),
      "\(run.stderr)")
    #expect(listing(folder).isEmpty)
  }

  @Test func showStillTakesASubcommandNameAsText() throws {
    let (run, _, folder) = try run(["--format", "json", "show", "pe"])
    defer { try? FileManager.default.removeItem(at: folder) }
    #expect(run.status == 0, "\(run.stderr)")
  }

  // MARK: 8. Options that cannot take effect are refused or reported

  @Test(arguments: [["--dim", "16"], ["--heads", "4"], ["--seed", "3"]])
  func builtInLayerOptionsWithAModelAreRefused(option: [String]) throws {
    let (run, files, folder) = try run(
      option + ["--model", Self.fixtures.appendingPathComponent("tiny-bert").path, "the cat"])
    defer { try? FileManager.default.removeItem(at: folder) }
    #expect(run.status == 2, "\(run.stderr)")
    #expect(run.stderr.contains(option[0]) && run.stderr.contains("--model"), "\(run.stderr)")
    #expect(files.isEmpty)
  }

  @Test func cappedCellSizeIsReported() throws {
    let words = (1...38).map { "w\($0)" }.joined(separator: " ")
    let (run, _, folder) = try run(["--cell", "40", "--view", "heatmap", "--head", "1", words])
    defer { try? FileManager.default.removeItem(at: folder) }
    #expect(run.status == 0)
    #expect(run.stderr.contains("note: --cell 40"), "\(run.stderr)")
  }

  @Test func droppedAnnotationIsReported() throws {
    let words = (1...60).map { "w\($0)" }.joined(separator: " ")
    let (run, _, folder) = try run(["--annotate", "--view", "heatmap", "--head", "1", words])
    defer { try? FileManager.default.removeItem(at: folder) }
    #expect(run.status == 0)
    #expect(run.stderr.contains("note: --annotate"), "\(run.stderr)")
    let (small, _, other) = try self.run([
      "--annotate", "--view", "heatmap", "--head", "1", "a b c",
    ])
    defer { try? FileManager.default.removeItem(at: other) }
    #expect(small.status == 0 && !small.stderr.contains("--annotate"), "\(small.stderr)")
  }

  @Test func truncateSaysWhatItCut() throws {
    let words = Array(repeating: "the cat", count: 40).joined(separator: " ")
    let (run, _, folder) = try run([
      "--model", Self.fixtures.appendingPathComponent("tiny-bert").path,
      "--truncate", "--format", "json", words,
    ])
    defer { try? FileManager.default.removeItem(at: folder) }
    #expect(run.status == 0, "\(run.stderr)")
    #expect(run.stderr.contains("note: --truncate kept the first 64 of 82 tokens"), "\(run.stderr)")
  }

  // MARK: 9. One focus resolver

  func linesSVG(_ focus: String, _ sentence: String, extra: [String] = []) throws -> (Run, String) {
    let (run, files, folder) = try run(
      extra + ["--view", "lines", "--format", "svg", "--focus", focus, sentence])
    defer { try? FileManager.default.removeItem(at: folder) }
    guard let file = files.first(where: { $0.hasSuffix(".svg") }) else { return (run, "") }
    // The SVG records the command line, which differs by design; the drawing must not.
    let drawing = try text(folder, file).split(separator: "\n", omittingEmptySubsequences: false)
      .filter { !$0.contains("attnviz-command") }.joined(separator: "\n")
    return (run, drawing)
  }

  @Test func ambiguousWordSaysWhichOccurrenceAndHowToChooseAnother() throws {
    let sentence = "the cat saw the dog"
    let (first, firstSVG) = try linesSVG("the", sentence)
    #expect(first.status == 0)
    #expect(first.stderr.contains("the@2"), "\(first.stderr)")
    let (second, secondSVG) = try linesSVG("the@2", sentence)
    let (index, indexSVG) = try linesSVG("@4", sentence)
    #expect(second.status == 0 && index.status == 0, "\(second.stderr) \(index.stderr)")
    #expect(secondSVG == indexSVG)
    #expect(secondSVG != firstSVG)
  }

  @Test func aNumberThatIsATokenIsTheToken() throws {
    let (byText, textSVG) = try linesSVG("30", "10 20 30")
    let (byIndex, indexSVG) = try linesSVG("@3", "10 20 30")
    #expect(byText.status == 0 && byIndex.status == 0, "\(byText.stderr)")
    #expect(textSVG == indexSVG)
  }

  @Test func invalidFocusIsAnErrorWithoutALinesViewAndListsTheTokens() throws {
    let (run, files, folder) = try run(["--view", "heatmap", "--focus", "dog", "the cat sat"])
    defer { try? FileManager.default.removeItem(at: folder) }
    #expect(run.status == 2)
    #expect(run.stderr.contains("\"the\" \"cat\" \"sat\""), "\(run.stderr)")
    #expect(files.isEmpty)
  }

  @Test func mergedWordAndHiddenSpecialToken() throws {
    let model = ["--model", Self.fixtures.appendingPathComponent("tiny-bert").path]
    let (merged, mergedSVG) = try linesSVG("it's", "it's the cat", extra: model)
    let (piece, pieceSVG) = try linesSVG("it", "it's the cat", extra: model)
    #expect(merged.status == 0, "\(merged.stderr)")
    #expect(piece.status == 0 && mergedSVG == pieceSVG)
    let (hidden, _) = try linesSVG("[CLS]", "the cat", extra: model + ["--hide-special"])
    #expect(hidden.status == 2 && hidden.stderr.contains("--hide-special"), "\(hidden.stderr)")
  }

  // MARK: 10. Large outputs are written and said, with what makes them smaller

  /// The lecturer's case: about 490 tokens through all-MiniLM-L6-v2 with SVG and JSON. The
  /// JSON (hundreds of MB) and the 18 MB SVGs are written, and each is named on stderr with its
  /// size and the options that shrink it; following that advice leaves no note.
  @Test(
    .enabled(
      if: ExplainLayerTests.present("models/all-MiniLM-L6-v2/model.safetensors"),
      "run `make model` first"))
  func largeOutputsAreWrittenAndSaid() throws {
    let text = Array(
      repeating: "The animal didn't cross the street because it was too tired.", count: 35
    ).joined(separator: " ")
    let model = ["--model", "all-MiniLM-L6-v2", text]
    let (large, files, folder) = try run(model + ["--format", "svg,json"])
    defer { try? FileManager.default.removeItem(at: folder) }
    #expect(large.status == 0, "\(large.stderr)")
    #expect(files.contains("attention.json") && files.contains("heads-layer6.svg"), "\(files)")
    let notes = large.stderr.split(separator: "\n").filter { $0.hasPrefix("note: ") }
    let json = try #require(notes.first { $0.contains("attention.json is ") }, "\(notes)")
    #expect(json.contains(" MiB; --json-precision 3, --layer, --head"), "\(json)")
    let svg = try #require(notes.first { $0.contains("heads-layer6.svg is ") }, "\(notes)")
    #expect(svg.contains(" MiB; --format png"), "\(svg)")
    // Sizes said are sizes written.
    let size =
      try FileManager.default.attributesOfItem(
        atPath: folder.appendingPathComponent("attention.json").path)[.size] as? Int ?? 0
    #expect(json.contains(" is \(Int((Double(size) / 1_048_576).rounded())) MiB;"), "\(json)")

    let (small, _, smallFolder) = try run(
      model + ["--layer", "6", "--head", "1", "--json-precision", "3", "--format", "png,json"])
    defer { try? FileManager.default.removeItem(at: smallFolder) }
    #expect(small.status == 0 && !small.stderr.contains(" MiB;"), "\(small.stderr)")
  }

  // MARK: 11. Unknown tokens and characters no font draws are said on stderr

  @Test func unknownTokensAreCounted() throws {
    let (run, _, folder) = try run([
      "--model", Self.fixtures.appendingPathComponent("tiny-bert").path,
      "--format", "json", "the 猫 sat",
    ])
    defer { try? FileManager.default.removeItem(at: folder) }
    #expect(run.status == 0, "\(run.stderr)")
    #expect(run.stderr.contains("[UNK]") && run.stderr.contains("unknown"), "\(run.stderr)")
  }

  @Test func charactersWithoutAFontGetAHint() throws {
    // Egyptian hieroglyphs: no font attnviz finds has them.
    let (run, _, folder) = try run([
      "--view", "heatmap", "--head", "1", "--format", "png", "𓀀 𓀁 cat",
    ])
    defer { try? FileManager.default.removeItem(at: folder) }
    #expect(run.status == 0)
    let notes = run.stderr.split(separator: "\n").filter { $0.contains("no installed font") }
    #expect(notes.count == 1, "\(run.stderr)")
  }

  // MARK: 12, 13. Messages that mislead

  @Test func missingModelNeverAdvisesWhatWasDone() throws {
    // A copy of the binary outside the project, as after `make install`.
    let folder = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let copy = folder.appendingPathComponent("attnviz")
    try FileManager.default.copyItem(at: Binary.url, to: copy)
    let data = folder.appendingPathComponent("data")
    let environment = ["XDG_DATA_HOME": data.path, "HOME": folder.path]
    var run = try runProcess(
      copy, ["--model", "all-MiniLM-L6-v2", "a"], environment: environment, in: folder)
    #expect(run.status == 1)
    // `make model` has not been run for this user: the folder it installs into is named.
    #expect(run.stderr.contains("make model") && run.stderr.contains(data.path + "/attnviz/models"))
    #expect(run.stderr.contains("ATTNVIZ_MODELS"), "\(run.stderr)")
    // Once the model is where `make model` puts it, the same copy finds it from anywhere.
    let model = Binary.packageRoot.appendingPathComponent("models/all-MiniLM-L6-v2")
    guard FileManager.default.fileExists(atPath: model.appendingPathComponent("config.json").path)
    else { return }
    let installed = data.appendingPathComponent("attnviz/models")
    try FileManager.default.createDirectory(at: installed, withIntermediateDirectories: true)
    try FileManager.default.createSymbolicLink(
      at: installed.appendingPathComponent("all-MiniLM-L6-v2"), withDestinationURL: model)
    run = try runProcess(
      copy, ["--model", "all-MiniLM-L6-v2", "--format", "json", "--quiet", "a"],
      environment: environment, in: folder)
    #expect(run.status == 0, "\(run.stderr)")
  }

  @Test(arguments: [
    (["pe", "--view", "heatmap"], "option of the main command", "Did you mean"),
    (["explain", "--step", "12", "a"], "--step 12", "attnviz show"),
    (["--layer", "99", "a"], "single layer", "(1–1)"),
    (["--cell", "0", "a"], "not 0 ", "0.0"),
    (["--scale", "0", "a"], "not 0 ", "0.0"),
  ])
  func messagesSayWhatIsTrue(arguments: [String], says: String, never: String) throws {
    let (run, _, folder) = try run(arguments)
    defer { try? FileManager.default.removeItem(at: folder) }
    #expect(run.status == 2)
    #expect(run.stderr.contains(says), "\(run.stderr)")
    #expect(!run.stderr.contains(never), "\(run.stderr)")
  }

  @Test func causalWithABertModelDoesNotCallItGPT2() throws {
    let (run, _, folder) = try run([
      "--model", Self.fixtures.appendingPathComponent("tiny-bert").path, "--causal", "a",
    ])
    defer { try? FileManager.default.removeItem(at: folder) }
    #expect(run.status == 2)
    #expect(
      !run.stderr.contains("GPT-2 models are causal already")
        && run.stderr.contains("drop --causal"), "\(run.stderr)")
  }

  @Test func pytorchOnlyFolderSaysHowToConvert() throws {
    let folder = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let model = folder.appendingPathComponent("m")
    try FileManager.default.createDirectory(at: model, withIntermediateDirectories: true)
    for name in ["config.json", "vocab.txt"] {
      try FileManager.default.copyItem(
        at: Self.fixtures.appendingPathComponent("tiny-bert/\(name)"),
        to: model.appendingPathComponent(name))
    }
    try Data([0x80, 0x02]).write(to: model.appendingPathComponent("pytorch_model.bin"))
    let run = try Binary.run(["--model", model.path, "a"], in: folder)
    #expect(run.status == 1)
    #expect(
      run.stderr.contains("pytorch_model.bin") && run.stderr.contains("save_pretrained"),
      "\(run.stderr)")
  }
}

/// Item 6: one number, one text. A query with zero weights scores every key 0, so each row is
/// uniform over 8 tokens: 0.125, which C's printf("%.2f") writes 0.12 (round half to even on the
/// binary value). Table, Markdown, SVG annotation and the PNG (drawn from the same scene as the
/// SVG) must all say 0.12.
@Suite struct NumberAgreementTests {
  @Test func uniformRowPrintsTheSameEverywhere() throws {
    let folder = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let weights = folder.appendingPathComponent("uniform.json")
    try Data(
      """
      {"d_model": 2, "heads": 1, "positional_encoding": "none",
       "embeddings": {"a": [1, 0]}, "unknown": [0, 1],
       "wq": [[0, 0], [0, 0]], "wk": [[1, 0], [0, 1]], "wv": [[1, 0], [0, 1]]}
      """.utf8
    ).write(to: weights)
    let out = folder.appendingPathComponent("o")
    let run = try Binary.run([
      "--weights", weights.path, "--no-color", "--annotate", "--view", "heatmap",
      "--format", "png,svg,md,json", "--out", out.path, "a b c d e f g h",
    ])
    #expect(run.status == 0, "\(run.stderr)")
    let tableRows = run.stdout.split(separator: "\n").filter { $0.hasPrefix("| a ") }
    #expect(
      tableRows.count == 1 && tableRows[0].components(separatedBy: "0.12").count == 9,
      "\(run.stdout)")
    let md = try String(contentsOf: out.appendingPathComponent("tables.md"), encoding: .utf8)
    #expect(md.components(separatedBy: "0.12").count - 1 == 64, "\(md)")
    let svg = try String(
      contentsOf: out.appendingPathComponent("heatmap-layer1-head1.svg"), encoding: .utf8)
    let annotations = svg.components(separatedBy: "class=\"annotation\"").dropFirst()
    #expect(annotations.count == 64)
    #expect(annotations.allSatisfy { $0.contains(">0.12</text>") })
    for text in [run.stdout, md] { #expect(!text.contains("0.13")) }
    #expect(!svg.contains(">0.13<"))
    #expect(
      FileManager.default.fileExists(
        atPath: out.appendingPathComponent("heatmap-layer1-head1.png").path))
  }
}

/// Item 5: explain's captions come from the input, its marks mean something, masked cells look
/// the way the caption says, and titles are not cut where the figure has room.
@Suite struct ExplainCaptionDefectsTests {
  func explain(_ arguments: [String]) throws -> Run {
    let folder = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    return try Binary.run(
      ["explain", "--no-color", "--format", "svg", "--out", folder.path] + arguments)
  }

  @Test func tokenCaptionNamesThisTextsWords() throws {
    let plain = try explain(["--step", "1", "The cat sat on the mat."])
    #expect(plain.status == 0)
    #expect(!plain.stdout.contains("didn't"), "\(plain.stdout)")
    let apostrophe = try explain(["--step", "1", "The dog wasn't there."])
    #expect(apostrophe.stdout.contains("“wasn't” stays one token"), "\(apostrophe.stdout)")
    let gpt2 = try explain([
      "--step", "1", "--model", ModelCLITests.fixtures.appendingPathComponent("tiny-gpt2").path,
      "The animal crossed the street.",
    ])
    #expect(gpt2.status == 0, "\(gpt2.stderr)")
    #expect(
      gpt2.stdout.contains("· marks a piece") && !gpt2.stdout.contains("Ġ marks"), "\(gpt2.stdout)")
  }

  @Test func projectionTablesStarNothing() throws {
    let run = try explain(["--step", "4", "The cat sat."])
    #expect(run.status == 0)
    #expect(!run.stdout.contains("*") && !run.stdout.contains("largest value"), "\(run.stdout)")
  }

  @Test func maskedScoresShowTheMinusInfinityTheCaptionNames() throws {
    let run = try explain(["--causal", "--step", "6", "The cat sat."])
    #expect(run.status == 0)
    #expect(run.stdout.contains("−∞"))
    let rows = run.stdout.split(separator: "\n").filter { $0.hasPrefix("| The ") }
    #expect(rows.count == 1 && rows[0].components(separatedBy: "-inf").count == 4, "\(run.stdout)")
  }

  @Test func stepSixTitleIsWhole() throws {
    let folder = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let run = try Binary.run([
      "explain", "--causal", "--step", "6", "--format", "svg", "--quiet", "--out", folder.path,
      "The cat sat.",
    ])
    #expect(run.status == 0)
    let svg = try String(
      contentsOf: folder.appendingPathComponent("step-06-causal-mask.svg"), encoding: .utf8)
    #expect(svg.contains(">Step 6 · Scaled scores, future keys masked (−∞)</text>"))
    #expect(svg.contains(">masked (−∞)</text>"))
  }
}

/// Issue 25's smaller defects: a slide PDF handed to --file, and where --rerun writes.
@Suite struct LectureReadyDefectsTests {
  @Test func aPDFGivenAsTextIsNamedWithTheWayToItsText() throws {
    let folder = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let pdf = folder.appendingPathComponent("slides.pdf")
    try Data([UInt8]("%PDF-1.4\n".utf8) + [0x25, 0xE2, 0xE3, 0xCF, 0xD3, 0x0A]).write(to: pdf)
    let run = try Binary.run(["--file", pdf.path, "--out", folder.path])
    #expect(run.status == 1)
    #expect(run.stderr.contains("is a PDF, not text"), "\(run.stderr)")
    #expect(run.stderr.contains("pdftotext"))
    #expect(!run.stderr.contains("iconv"))
    #expect(listing(folder) == ["slides.pdf"])
  }
}
