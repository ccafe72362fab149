import ArgumentParser
import AttnvizKit
import AttnvizStyle
import Testing

@testable import AttnvizCLI

/// Every command-line rule, parsed in-process (no binary, no files): what `parseAsRoot` accepts,
/// the options it fills in, and the usage error it gives otherwise.
@Suite struct ParseTests {
  @Test func presetsCombineWhetherCommaSeparatedOrRepeated() throws {
    for words in [["--preset", "slide,dark"], ["--preset", "dark", "--preset", "slide"]] {
      let options = try showOptions(words + ["x"])
      #expect(options.figure.preset?.members == [.slide, .dark], "\(words)")
    }
    let paper = try showOptions(["--preset", "paper,dark", "x"])
    #expect(paper.formats == [.svg, .json])
    #expect(
      usageError(["--preset", "slide", "--preset", "paper", "x"])?.contains("choose one") == true)
    #expect(usageError(["--renormalize", "x"])?.contains("add --hide-special") == true)
    #expect(
      try showOptions(["--hide-special", "--renormalize", "x"])
        .renormalizeShown)
  }

  @Test func textAloneRunsShowWithTheDefaults() throws {
    let options = try showOptions(["a", "b"])
    #expect(options.text == .arguments(["a", "b"]))
    #expect(options.formats == [.png, .json])
    #expect(options.views == nil)
    #expect(options.figure.colorMap == .viridis)
    #expect(options.model == .builtin(dimension: 8, heads: 2, seed: 2017, causal: false))
  }

  @Test func formatsAndViewsAreCommaSeparatedRepeatableAndDeduplicated() throws {
    let options = try showOptions([
      "--format", "SVG, csv", "--format", "svg", "--view", "lines,heads", "--colormap", "Grey", "x",
    ])
    #expect(options.formats == [.svg, .csv])
    #expect(options.views == [.lines, .heads])
    #expect(options.figure.colorMap == .gray)
  }

  @Test(arguments: [
    (["--format", "gif", "x"], "'gif'"),
    (["--format", "png,gif", "x"], "--format"),
    (["--view", "3d", "x"], "'3d'"),
    (["--colormap", "rainbow", "x"], "'rainbow'"),
    (["--layer", "0", "x"], "--layer counts from 1"),
    (["--head", "0", "x"], "--head counts from 1"),
    (["--scale", "9", "x"], "--scale must be between 1 and 8"),
    (["--cell", "2", "x"], "--cell must be between 4 and 200"),
    (["--weights", "a.json", "--model", "b", "x"], "--weights and --model"),
    (["--model", "m", "--causal", "x"], "--causal cannot change"),
    (["pe", "--positions", "0"], "--positions must be between 1 and 2048, not 0"),
    (["pe", "--dim", "4096"], "--dim must be between 2 and 1024, not 4096"),
    (["pe", "--format", "gif"], "'gif'"),
    (["pe", "--rope", "--dim", "128"], "give --head-size 128 instead of --dim 128"),
    (["pe", "--rope", "--format", "md,txt,csv"], "pe --rope writes png, svg and json, not md"),
    (["explain", "--step", "15", "x"], "--step 15 does not exist"),
    (["explain", "--head", "0", "x"], "--head counts from 1"),
    (["explain", "--format", "json", "x"], "'json'"),
    (["explain", "--decoder-step", "0", "x"], "--decoder-step counts from 1"),
    (["explain", "--decoder-layer", "0", "x"], "--decoder-layer counts from 1"),
    (["--bogus", "x"], "--bogus"),
  ])
  func staticRulesAreUsageErrors(arguments: [String], mentioning: String) throws {
    let message = try #require(usageError(arguments))
    #expect(message.contains(mentioning), "\(message)")
    #expect(!message.contains("\n"), "one line: \(message)")
  }

  @Test func unknownValuesListWhatIsKnownOnOneLine() throws {
    let message = try #require(usageError(["--format", "gif", "x"]))
    #expect(message.contains("png, svg, json, txt, csv"), "\(message)")
  }

  @Test func peAndExplainFillTheirOptions() throws {
    let pe = try #require(
      try Attnviz.parseAsRoot(["pe", "--format", "svg,csv"]) as? PositionalEncodingCommand)
    #expect(pe.output.formats == [.svg, .csv])
    #expect(pe.positions == 50 && pe.dim == nil)  // 64 when it runs; nil so --rope can refuse it
    let explain = try #require(
      try Attnviz.parseAsRoot(["explain", "--step", "6", "--causal", "x"]) as? ExplainCommand)
    #expect(explain.step == 6 && explain.model.causal)
    #expect(explain.output.formats == [.png])
    #expect(explain.decoderStep == nil && explain.decoderLayer == nil)
    let translator = try #require(
      try Attnviz.parseAsRoot([
        "explain", "--model", "firefox-en-pt", "--decoder-step", "3", "--decoder-layer", "1", "x",
      ]) as? ExplainCommand)
    #expect(translator.decoderStep == 3 && translator.decoderLayer == 1)
  }

  @Test func modelDependentRangesFailRightAfterLoading() throws {
    var options = VisualizeOptions(text: .arguments(["a", "b"]))
    options.formats = []
    options.display.quiet = true
    options.head = 3
    let error = #expect(throws: AttnvizError.self) { _ = try visualize(options) }
    #expect(error?.exitCode == 2)
    #expect(
      error?.description.contains("--head 3 is out of range") == true,
      "\(String(describing: error))")
  }
}

/// The subcommands added on top of show: compare's own rules.
@Suite struct CompareParseTests {
  @Test func compareTakesOnlyFigureFormats() throws {
    let compare = try #require(
      try Attnviz.parseAsRoot(["compare", "--format", "svg", "a", "b"]) as? CompareCommand)
    #expect(compare.output.formats == [.svg])
    #expect(compare.texts == ["a", "b"])
    do {
      _ = try Attnviz.parseAsRoot(["compare", "--format", "json", "a", "b"])
      Issue.record("compare accepted --format json")
    } catch {
      #expect(Attnviz.usageMessage(for: error).contains("compare writes png and svg"))
    }
  }

  @Test func compareCountsLayersFromOne() {
    do {
      _ = try Attnviz.parseAsRoot(["compare", "--layer", "0", "a"])
      Issue.record("compare accepted --layer 0")
    } catch {
      #expect(Attnviz.usageMessage(for: error).contains("--layer counts from 1"))
    }
  }
}

/// The mapping from errors to exit codes, in-process: 0 for help and version, 2 for what the
/// command got wrong, 1 for what went wrong running it.
@Suite struct ExitCodeTests {
  @Test func usageErrorsAreTwoAndVersionIsZero() {
    #expect(Attnviz.exitCode(running: ["--version"]) == 0)
    #expect(Attnviz.exitCode(running: ["--bogus", "x"]) == 2)
    #expect(Attnviz.exitCode(running: ["--view", "3d", "x"]) == 2)
    #expect(Attnviz.exitCode(running: ["pe", "--dim", "1"]) == 2)
  }

  @Test func runFailuresAreOne() {
    #expect(Attnviz.exitCode(running: ["--file", "/nonexistent/words.txt"]) == 1)
  }

  @Test func bulletedValueListsBecomeOneLine() throws {
    do {
      _ = try Attnviz.parseAsRoot(["--colormap", "jet", "x"])
      Issue.record("--colormap jet was accepted")
    } catch {
      let message = Attnviz.usageMessage(for: error)
      #expect(message.contains("viridis, cividis, magma, inferno, gray, blues"), "\(message)")
      #expect(!message.contains("\n") && !message.hasSuffix("."), "\(message)")
    }
  }
}
