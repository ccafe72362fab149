import AttnvizFiles
import Foundation
import Testing

/// Reproducible figures: every PNG and SVG records its command; `info` reads it back and
/// `info --rerun` makes the same bytes again.
@Suite(.serialized) struct InfoTests {
  @Test func aFigureFromAFileRerunsByteForByte() throws {
    let folder = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    try "The cat sat on the mat.\n".write(
      to: folder.appendingPathComponent("in.txt"), atomically: true, encoding: .utf8)
    var run = try Binary.run(
      [
        "--view", "heatmap", "--head", "1", "--file", "in.txt", "--out", "first", "--format",
        "png,svg", "--quiet",
      ], in: folder)
    #expect(run.status == 0, "\(run.stderr)")
    for name in ["heatmap-layer1-head1.png", "heatmap-layer1-head1.svg"] {
      run = try Binary.run(["info", "first/\(name)"], in: folder)
      #expect(run.status == 0, "\(run.stderr)")
      #expect(run.stdout.contains("made by  attnviz "))
      // The text from the file is written out (newline escaped), the --out is not recorded.
      #expect(
        run.stdout.contains(
          "command  attnviz --view heatmap --head 1 --format png,svg -- $'The cat sat on the mat.\\n'"
        ), "\(run.stdout)")
      #expect(run.stdout.contains("model    built-in layer, random and untrained (d_model 8"))
    }
    // The input file is gone: the figure needs nothing but itself.
    try FileManager.default.removeItem(at: folder.appendingPathComponent("in.txt"))
    let again = folder.appendingPathComponent("again")
    run = try Binary.run(
      ["info", "first/heatmap-layer1-head1.png", "--rerun", "--out", again.path], in: folder)
    #expect(run.status == 0, "\(run.stderr)")
    for name in ["heatmap-layer1-head1.png", "heatmap-layer1-head1.svg"] {
      let original = try Data(contentsOf: folder.appendingPathComponent("first/\(name)"))
      let remade = try Data(contentsOf: again.appendingPathComponent(name))
      #expect(original == remade, "\(name)")
    }
  }

  @Test func rerunWritesIntoTheCurrentFolderNeverIntoOneNamedInTheFile() throws {
    let folder = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let run = try Binary.run(
      ["pe", "--positions", "8", "--dim", "8", "--out", "made", "--quiet"], in: folder)
    #expect(run.status == 0, "\(run.stderr)")
    let here = folder.appendingPathComponent("here")
    try FileManager.default.createDirectory(at: here, withIntermediateDirectories: true)
    let rerun = try Binary.run(["info", "../made/pe.png", "--rerun"], in: here)
    #expect(rerun.status == 0, "\(rerun.stderr)")
    #expect(rerun.stderr.contains("--rerun writes into the current folder ("), "\(rerun.stderr)")
    #expect(rerun.stderr.contains("/here)"), "\(rerun.stderr)")
    #expect(listing(here) == ["pe.png"])
    #expect(
      try Data(contentsOf: here.appendingPathComponent("pe.png"))
        == Data(contentsOf: folder.appendingPathComponent("made/pe.png")))
  }

  @Test func aFileWithoutMetadataOrNotAFileIsAClearError() throws {
    let folder = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let plain = folder.appendingPathComponent("plain.svg")
    try "<svg xmlns=\"http://www.w3.org/2000/svg\"></svg>".write(
      to: plain, atomically: true, encoding: .utf8)
    var run = try Binary.run(["info", plain.path])
    #expect(run.status == 1)
    #expect(run.stderr.contains("carries no attnviz metadata"), "\(run.stderr)")
    run = try Binary.run(["info", folder.path])
    #expect(run.status == 1)
    #expect(run.stderr.contains("is a folder, not a regular file"), "\(run.stderr)")
    run = try Binary.run(["info", plain.path, "--out", "x"])
    #expect(run.status == 2)
  }

  /// A weights file given as a named pipe is read once by the loader; recording the figure's
  /// model must not open it again (that waited forever for a writer): the fingerprint is taken
  /// from the bytes the loader read.
  @Test func weightsFromAPipeAreRecordedWithoutReopeningIt() throws {
    let folder = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let weights = Binary.packageRoot.appendingPathComponent("docs/examples/three-tokens.json").path
    let script =
      "mkfifo pipe && (cat '\(weights)' > pipe &) && '\(Binary.url.path)' --weights pipe"
      + " --view heatmap --head 1 --format png --out out --quiet 'the cat sat'"
    let run = try runProcess(
      URL(fileURLWithPath: "/bin/sh"), ["-c", script], environment: [:], in: folder)
    #expect(run.status == 0, "\(run.stderr)")
    let info = try Binary.run(["info", "out/heatmap-layer1-head1.png"], in: folder)
    let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: weights)))
    #expect(
      info.stdout.contains(
        "model    weights file pipe, \(bytes.count) bytes, sha256 \(sha256Hex(bytes))\n"),
      "\(info.stdout)")
  }

  @Test func sameCommandSameBytes() throws {
    let folder = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    for out in ["one", "two"] {
      let run = try Binary.run(
        ["--view", "lines", "--out", out, "--quiet", "--format", "png", "a b c"], in: folder)
      #expect(run.status == 0)
    }
    #expect(
      try Data(contentsOf: folder.appendingPathComponent("one/lines-layer1-all-heads.png"))
        == Data(contentsOf: folder.appendingPathComponent("two/lines-layer1-all-heads.png")))
  }
}
