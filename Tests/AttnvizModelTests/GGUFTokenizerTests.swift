import AttnvizFiles
import AttnvizTokens
import Foundation
import Testing

@testable import AttnvizModel

/// The tokenizer built from SmolLM2's GGUF metadata gives transformers' ids.
@Suite(
  "GGUF tokenizer on SmolLM2", .enabled(if: RealGGUF.smollm2.isPresent, RealGGUF.smollm2.absentNote)
)
struct SmolLM2TokenizerTests {
  static let tokenizer = Result {
    let file = try RealGGUF.smollm2File.get()
    return try file.header.tokenizer(file: file.path)
  }

  @Test(arguments: 0..<27)
  func idsEqualTransformers(index: Int) throws {
    let cases = try RealGGUF.smollm2.reference().tokenizerCases
    try #require(index < cases.count)
    let expected = cases[index]
    let ids = try Self.tokenizer.get().ids(expected.text)
    #expect(ids == expected.ids, "\(expected.text.debugDescription): \(expected.tokens)")
  }

  @Test func referenceHasTheCasesTheTestsCount() throws {
    #expect(try RealGGUF.smollm2.reference().tokenizerCases.count == 27)
  }
}

/// A SentencePiece BPE vocabulary with byte fallback and no merges, written as llama.cpp writes
/// Llama 2 / Mistral vocabularies (Fixtures/gguf/llama-tokenizer.gguf), against the ids
/// transformers gives for the same file.
@Suite("GGUF tokenizer, SentencePiece")
struct SentencePieceGGUFTokenizerTests {
  struct Case: Decodable {
    var text: String
    var ids: [Int]
    var tokens: [String]
  }

  static func load() throws -> (HFTokenizer, [Case]) {
    let folder = try GGUFTypesFixture.url
    let file = try GGUFFile(path: folder.appendingPathComponent("llama-tokenizer.gguf").path)
    let cases = try JSONDecoder().decode(
      [Case].self,
      from: Data(contentsOf: folder.appendingPathComponent("llama-tokenizer-expected.json")))
    return (try file.header.tokenizer(file: file.path), cases)
  }

  @Test(arguments: 0..<7)
  func idsEqualTransformers(index: Int) throws {
    let (tokenizer, cases) = try Self.load()
    try #require(index < cases.count)
    #expect(try tokenizer.ids(cases[index].text) == cases[index].ids, "\(cases[index].tokens)")
  }

  @Test func unsupportedTokenizersAreNamed() throws {
    var builder = GGUFBuilder()
    builder.addString("tokenizer.ggml.model", "rwkv")
    let header = try GGUFFile(bytes: builder.bytes).header
    #expect(
      throws: GGUFError(
        file: "x", subject: "key \"tokenizer.ggml.model\"",
        reason:
          "names the tokenizer \"rwkv\"; attnviz reads the tokenizers gpt2, llama, bert, gemma4 and t5"
      )
    ) {
      try header.tokenizer(file: "x")
    }
  }
}
