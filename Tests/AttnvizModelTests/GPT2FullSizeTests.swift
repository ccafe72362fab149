import Foundation
import Testing

@testable import AttnvizModel

/// GPT-2 at full size (124M parameters, random weights) against HF; the folder is made by
/// scripts/reference/gpt2_small_random.py and is far too big to commit. Set
/// ATTNVIZ_GPT2_MODEL_DIR to run .
@Suite("GPT-2 at full size")
struct GPT2FullSizeTests {
  static let folder = ProcessInfo.processInfo.environment["ATTNVIZ_GPT2_MODEL_DIR"]

  @Test(.enabled(if: folder != nil, "set ATTNVIZ_GPT2_MODEL_DIR to run"))
  func attentionEqualsHF() throws {
    let folder = URL(fileURLWithPath: Self.folder ?? "")
    let data = try Data(contentsOf: folder.appendingPathComponent("reference.json"))
    let sentence = try #require(
      try JSONDecoder().decode(TinyGPT2.Reference.self, from: data).sentences.first)
    let model = try TransformerModel(folder: folder.path)
    #expect(model.info.layers == 12 && model.info.heads == 12 && model.info.dModel == 768)
    let trace = try model.trace(sentence.text)
    #expect(trace.tokens.map(\.id) == sentence.ids)
    let diff = AttentionDiff(trace.layers, try #require(sentence.attentions))
    #expect(diff.value < 1e-5, "\(diff)")
    if ProcessInfo.processInfo.environment["ATTNVIZ_PRINT_DIFFS"] != nil { print("124M: \(diff)") }
  }
}
