import Testing

@testable import AttnvizCLI
@testable import AttnvizKit

/// `--target`, `--ablate`, `--ablate-mode` parsed in-process.
@Suite struct AttributionParseTests {
  func options(_ arguments: [String]) throws -> AttributionOptions {
    try showOptions(arguments).attribution
  }

  @Test func headsAreCommaSeparatedRepeatableAndCountFromOne() throws {
    let parsed = try options([
      "--ablate", "14.9, 20.3", "--ablate", "1.1", "--ablate-mode", "mean", "--target", " animal",
      "x",
    ])
    #expect(
      parsed.ablate == [
        HeadChoice(layer: 14, head: 9), HeadChoice(layer: 20, head: 3),
        HeadChoice(layer: 1, head: 1),
      ])
    #expect(parsed.ablateMode == .mean && parsed.target == " animal")
    #expect(try options(["x"]) == AttributionOptions())
  }

  @Test(arguments: [
    (["--ablate", "1.0", "x"], "count from 1"),
    (["--ablate", "0.3", "x"], "count from 1"),
    (["--ablate", "14", "x"], "LAYER.HEAD"),
    (["--ablate", "a.b", "x"], "LAYER.HEAD"),
    (["--ablate", "2.1,2.1", "x"], "names head 2.1 twice"),
    (["--ablate", "2.1", "--ablate", "2.1", "x"], "names head 2.1 twice"),
    (["--ablate-mode", "half", "x"], "zero"),
  ])
  func badHeadsAreUsageErrors(arguments: [String], mentioning: String) throws {
    let message = try #require(usageError(arguments))
    #expect(message.contains(mentioning), "\(message)")
  }
}
