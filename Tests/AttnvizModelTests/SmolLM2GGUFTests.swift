import AttnvizTokens
import Foundation
import Testing

@testable import AttnvizModel

/// SmolLM2-135M-Instruct from its Q4_1 GGUF against transformers loading the same file
/// (Fixtures/smollm2-gguf-reference.json): ids and attention on texts with chat turns, code, digits,
/// emoji, CJK and runs of whitespace.
@Suite(
  "SmolLM2 GGUF against transformers",
  .enabled(if: RealGGUF.smollm2.isPresent, RealGGUF.smollm2.absentNote))
struct SmolLM2GGUFTests {
  static func model() throws -> TransformerModel { try #require(try RealGGUF.smollm2.model()) }

  @Test func configurationFromMetadata() throws {
    let config = try Self.model().config
    #expect(config.architecture == .llama)
    #expect(config.layers == 30 && config.heads == 9 && config.kvHeads == 3)
    #expect(config.hidden == 576 && config.headDim == 64 && config.intermediate == 1536)
    #expect(config.ropeTheta == 100_000 && config.vocabularySize == 49152)
    #expect(config.normEpsilon == Double(Float(1e-5)))
    #expect(config.tiedEmbeddings && !config.qkvBias && !config.qkNorm)
    #expect(try Self.model().info.name == "SmolLM2-135M-Instruct.Q4_1")
  }

  @Test(arguments: 0..<6)
  func attentionMatchesTransformers(index: Int) throws {
    let reference = try RealGGUF.smollm2.reference()
    try #require(index < reference.attentionCases.count)
    let expected = reference.attentionCases[index]
    let trace = try Self.model().trace(expected.text, stepsLayer: nil)
    #expect(trace.tokens.map(\.id) == expected.ids)
    let worst = reference.worstDifference(trace, expected)
    // The reference is rounded to 1e-6 and transformers' float32 differs from float64 by 4e-6.
    #expect(
      worst.difference < 1e-5, "max |attnviz − transformers| = \(worst.difference) at \(worst.at)")
    if index == 0 {
      // The lecture's head: "it" (token 8) attends to "animal" (token 1) at layer 14, head 9.
      #expect(abs(trace.layers[13].weights[8][8, 1] - 0.7496) < 1e-4)
    }
  }

  @Test func unpermuteUndoesLlamaCppsPermutation() throws {
    // Two heads of four rows, one column: llama.cpp stores rows (h, i, j) for (h, j, i).
    let stored: [Float] = [0, 2, 1, 3, 4, 6, 5, 7]
    #expect(
      try GGUFCheckpoint.unpermute(stored, rows: 8, heads: 2, file: "f", name: "q")
        == [0, 1, 2, 3, 4, 5, 6, 7])
  }
}
