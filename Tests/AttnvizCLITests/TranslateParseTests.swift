import ArgumentParser
import AttnvizKit
import Testing

@testable import AttnvizCLI

/// `attnviz translate`'s command line, parsed in-process.
@Suite struct TranslateParseTests {
  @Test func defaultsToTheEnglishPortugueseTranslator() throws {
    let command = try #require(
      try Attnviz.parseAsRoot(["translate", "The", "cat."]) as? TranslateCommand)
    #expect(command.input.words == ["The", "cat."])
    #expect(command.model == "firefox-en-pt")
    #expect(command.layer == nil && command.encoderLayer == nil)
    #expect(command.output.formats == [.png, .json])
    #expect(!command.truncate && !command.mergeSubwords)
  }

  @Test func optionsParse() throws {
    let command = try #require(
      try Attnviz.parseAsRoot([
        "translate", "--model", "firefox-pt-en", "--layer", "1", "--encoder-layer", "3",
        "--merge-subwords", "--truncate", "--format", "svg", "Olá.",
      ]) as? TranslateCommand)
    #expect(command.model == "firefox-pt-en" && command.layer == 1 && command.encoderLayer == 3)
    #expect(command.mergeSubwords && command.truncate)
    #expect(command.output.formats == [.svg])
  }

  @Test(arguments: [
    (["translate", "--layer", "0", "x"], "--layer counts from 1"),
    (["translate", "--encoder-layer", "0", "x"], "--encoder-layer counts from 1"),
    (["translate", "--format", "csv", "x"], "translate writes png, svg, json and html"),
    (["translate", "--format", "md", "x"], "translate writes png, svg, json and html"),
  ])
  func refusals(arguments: [String], message: String) {
    #expect(usageError(arguments)?.contains(message) == true, "\(usageError(arguments) ?? "")")
  }
}
