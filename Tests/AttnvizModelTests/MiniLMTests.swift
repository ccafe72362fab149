import AttnvizTokens
import Foundation
import Testing

@testable import AttnvizModel

/// all-MiniLM-L6-v2 end to end, against Fixtures/minilm-reference.json. Runs only when
/// `make model` has put the model in models/all-MiniLM-L6-v2 (it is not committed: 91 MB).
@Suite(
  "BERT on all-MiniLM-L6-v2",
  .enabled(
    if: FileManager.default.fileExists(atPath: MiniLM.folder + "/model.safetensors"),
    "models/all-MiniLM-L6-v2 is absent; run `make model` to fetch it and enable these tests"))
struct MiniLMTests {
  static let reference = Result {
    try BertReference.load(fixtureURL("minilm-reference.json"))
  }

  @Test func loadsWithTheRightShape() throws {
    let model = try MiniLM.model.get()
    var expected = ModelInfo(
      name: "all-MiniLM-L6-v2", family: .transformer(.bert), layers: 6, heads: 12, dModel: 384,
      causal: false)
    expected.checkpointBytes = try expectedCheckpointBytes(MiniLM.folder, model)
    expected.checkpoint = try expectedFingerprint(MiniLM.folder)
    #expect(model.info == expected)
  }

  @Test(arguments: 0..<12)
  func attentionMatchesTransformers(index: Int) throws {
    let reference = try Self.reference.get()
    let expected = reference.cases[index]
    let trace = try MiniLM.model.get().trace(expected.text)
    #expect(trace.tokens.map(\.text) == expected.tokens)
    #expect(trace.tokens.map(\.id) == expected.ids)
    let difference = AttentionDifference(
      trace: trace, reference: try #require(expected.attentions),
      scale: reference.attentionScale ?? 1)
    #expect(difference.shapeProblem == nil && difference.maximum <= 1e-5, "\(difference)")
  }

  @Test func tokenizerMatchesHuggingFaceOnEdgeCases() throws {
    let reference = try Self.reference.get()
    let tokenizer = try MiniLM.model.get().tokenizer
    for expected in reference.tokenizerCases ?? [] {
      let tokens = try tokenizer.tokenize(expected.text)
      #expect(tokens.map(\.text) == expected.tokens, "\(expected.text.debugDescription)")
      #expect(tokens.map(\.id) == expected.ids, "\(expected.text.debugDescription)")
    }
  }
}

enum MiniLM {
  static let folder = packageRoot().appendingPathComponent("models/all-MiniLM-L6-v2").path
  /// Loaded once for all the tests.
  static let model = Result { try TransformerModel(folder: folder) }
}
