import Foundation
import Testing

@testable import AttnvizModel

/// A tiny Llama written as llama.cpp writes one (Q and K rows permuted, tensors in Q8_0, Q4_0,
/// Q4_1, Q5_0, Q5_1, F16, BF16, F32; SentencePiece tokenizer) against transformers loading the
/// same file (scripts/reference/make_tiny_llama_gguf.py). Runs everywhere: no download needed.
@Suite("Tiny Llama GGUF against transformers")
struct TinyLlamaGGUFTests {
  struct Reference: Decodable {
    struct Case: Decodable {
      var text: String
      var ids: [Int]
      var attentions: [[[[Int]]]]
    }
    var attentionScale: Double
    var cases: [Case]
  }

  static var path: String {
    get throws { try GGUFTypesFixture.url.appendingPathComponent("tiny-llama.gguf").path }
  }

  static func reference() throws -> Reference {
    try snakeCaseDecoder.decode(
      Reference.self,
      from: Data(
        contentsOf: try GGUFTypesFixture.url.appendingPathComponent("tiny-llama-expected.json")))
  }

  @Test(arguments: 0..<2)
  func attentionMatchesTransformers(index: Int) throws {
    let model = try TransformerModel(gguf: try Self.path)
    #expect(model.info.name == "tiny-llama")
    #expect(model.config.kvHeads == 2 && model.config.heads == 4 && model.config.layers == 2)
    let reference = try Self.reference()
    let expected = reference.cases[index]
    let trace = try model.trace(expected.text)
    #expect(trace.tokens.map(\.id) == expected.ids)
    var worst = 0.0
    for (l, layer) in expected.attentions.enumerated() {
      for (h, head) in layer.enumerated() {
        for (q, row) in head.enumerated() {
          for (k, value) in row.enumerated() {
            worst = max(
              worst,
              abs(trace.layers[l].weights[h][q, k] - Double(value) / reference.attentionScale))
          }
        }
      }
    }
    #expect(worst < 1e-5, "max |attnviz − transformers| = \(worst)")
  }

  /// Without undoing llama.cpp's permutation the attention is a different one: the test above
  /// would catch a checkpoint that forgot it.
  @Test func thePermutationMatters() throws {
    let file = try GGUFFile(path: try Self.path)
    let config = try TransformerConfig(gguf: file)
    let tokenizer = try file.header.tokenizer(file: file.path)
    let unpermuted = try TransformerModel(
      config: config, tensors: GGUFCheckpoint(file: file, permuteQK: false, heads: 4, kvHeads: 2),
      tokenizer: tokenizer, name: "tiny")
    let expected = try Self.reference().cases[0]
    let trace = try unpermuted.trace(expected.text)
    let scale = try Self.reference().attentionScale
    var difference = 0.0
    for (l, layer) in expected.attentions.enumerated() {
      for (h, head) in layer.enumerated() {
        for (q, row) in head.enumerated() {
          for (k, value) in row.enumerated() {
            difference = max(
              difference, abs(trace.layers[l].weights[h][q, k] - Double(value) / scale))
          }
        }
      }
    }
    #expect(difference > 0.05)
  }
}
