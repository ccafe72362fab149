import AttnvizMath
import AttnvizModel
import AttnvizTokens
import Foundation
import Testing

@testable import AttnvizKit

/// What used to be reached only through the binary: the output folder's rollback, reading text,
/// resolving `--focus`, sorting errors into usage (exit 2) and failure (exit 1).
@Suite struct PipelineUnitTests {
  func temporaryFolder() throws -> String {
    let url = FileManager.default.temporaryDirectory
      .appendingPathComponent("attnviz-unit-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url.path
  }

  @Test func outputFolderWritesAllFilesInOrder() throws {
    let folder = try temporaryFolder()
    defer { try? FileManager.default.removeItem(atPath: folder) }
    let written = try OutputFolder(path: folder).write([
      OutputFile(name: "a.txt", text: "A"), OutputFile(name: "b.txt", text: "B"),
    ])
    #expect(written == [folder + "/a.txt", folder + "/b.txt"])
    #expect(try String(contentsOfFile: folder + "/b.txt", encoding: .utf8) == "B")
    #expect(
      try FileManager.default.contentsOfDirectory(atPath: folder).sorted() == ["a.txt", "b.txt"])
  }

  @Test func aFailedWriteLeavesNothingBehind() throws {
    let folder = try temporaryFolder()
    defer { try? FileManager.default.removeItem(atPath: folder) }
    // A file already there, and a leftover temporary named as the old pid scheme did: neither
    // blocks nor is touched (temporary names are random).
    try Data("keep".utf8).write(to: URL(fileURLWithPath: folder + "/keep.txt"))
    let leftover = folder + "/.b.txt.\(ProcessInfo.processInfo.processIdentifier).tmp"
    try Data("old".utf8).write(to: URL(fileURLWithPath: leftover))
    // Staging b fails after a was staged.
    #expect(throws: AttnvizError.self) {
      try OutputFolder(path: folder).write([
        OutputFile(name: "a.txt", text: "A"),
        OutputFile(name: "b.txt") { _ in throw AttnvizError.failure("cannot draw b") },
      ])
    }
    // Neither file, no temporary of a, and the other files untouched.
    #expect(
      try FileManager.default.contentsOfDirectory(atPath: folder).sorted() == [
        (leftover as NSString).lastPathComponent, "keep.txt",
      ])
    #expect(try String(contentsOfFile: folder + "/keep.txt", encoding: .utf8) == "keep")
  }

  @Test func anOutThatIsAFileIsAFailure() throws {
    let folder = try temporaryFolder()
    defer { try? FileManager.default.removeItem(atPath: folder) }
    let file = folder + "/taken"
    try Data().write(to: URL(fileURLWithPath: file))
    #expect(throws: AttnvizError.failure("--out \(file) is a file, not a folder; name a folder")) {
      try OutputFolder(path: file).write([OutputFile(name: "a.txt", text: "A")])
    }
  }

  @Test func readingText() throws {
    #expect(try readText(.arguments(["a", "b"])) == "a b")
    #expect(try readText(.standardInput(Data("\u{FEFF}hé\n".utf8))) == "hé\n")
    #expect(throws: AttnvizError.self) { try readText(.standardInput(Data([0xFF, 0xFE, 0x41]))) }
    let blank = #expect(throws: AttnvizError.self) { try readText(.arguments([" ", "\t"])) }
    #expect(blank?.exitCode == 2)
    let long = #expect(throws: AttnvizError.self) {
      try readText(.standardInput(Data(repeating: 0x61, count: maximumTextBytes + 1)))
    }
    #expect(long?.exitCode == 2)
    let missing = #expect(throws: AttnvizError.self) { try readText(.file("/nonexistent/t.txt")) }
    #expect(missing?.exitCode == 1 && missing?.description.contains("/nonexistent/t.txt") == true)
  }

  @Test func textSourceRules() throws {
    let noStandardInput: () throws -> Data = {
      Issue.record("read standard input")
      return Data()
    }
    #expect(
      try TextSource(arguments: ["a"], file: nil, standardInput: noStandardInput)
        == .arguments(["a"]))
    #expect(try TextSource(arguments: [], file: "f", standardInput: noStandardInput) == .file("f"))
    #expect(
      try TextSource(arguments: ["-"], file: nil) { Data("x".utf8) }
        == .standardInput(Data("x".utf8)))
    #expect(throws: AttnvizError.self) {
      try TextSource(arguments: [], file: nil, standardInput: noStandardInput)
    }
    #expect(throws: AttnvizError.self) {
      try TextSource(arguments: ["a"], file: "f", standardInput: noStandardInput)
    }
  }

  @Test func focusByIndexOrToken() throws {
    let tokens = [
      Token("[CLS]", isSpecial: true), Token("·The", sourceRange: 0..<3),
      Token("cat", sourceRange: 4..<7), Token("·sat", sourceRange: 7..<11),
    ]
    let model = ModelInfo(
      name: "m", family: .transformer(.gpt2), layers: 1, heads: 1, dModel: 2, causal: false)
    let trace = AttentionTrace(
      text: "The cat sat", tokens: tokens, model: model,
      layers: [LayerTrace(weights: [Matrix(rows: 4, columns: 4)])])
    let selection = try AttentionSelection(trace: trace, layer: nil, head: nil, hideSpecial: false)
    func focus(_ text: String) throws -> Int {
      try resolveFocus(text, selection: selection).shownIndex
    }
    #expect(try focus("@2") == 1)
    #expect(try focus("2") == 1)
    #expect(try focus("the") == 1)
    #expect(try focus("SAT") == 3)
    #expect(try focus("[cls]") == 0)
    let outOfRange = #expect(throws: AttnvizError.self) { try focus("@5") }
    #expect(outOfRange?.exitCode == 2 && outOfRange?.description.contains("1–4") == true)
    let unknown = #expect(throws: AttnvizError.self) { try focus("dog") }
    #expect(unknown?.exitCode == 2)
  }

  @Test func errorsSortIntoUsageAndFailure() {
    #expect(AttnvizError.from(AttnvizError.usage("u")) == .usage("u"))
    #expect(AttnvizError.from(TokenizerError.emptyText).exitCode == 2)
    struct Other: Error {}
    #expect(AttnvizError.from(Other()).exitCode == 1)
    // Messages quoting input stay on one line without control characters.
    #expect(AttnvizError.failure("a\nb\u{1B}c").description == "a b c")
  }
}
