import AttnvizTokens
import Foundation
import Testing

@testable import AttnvizModel

/// The tokenizer built from SmolLM2's GGUF metadata gives transformers' ids.
@Suite("GGUF tokenizer on SmolLM2", .enabled(if: SmolLM2.isPresent, SmolLM2.absentNote))
struct SmolLM2TokenizerTests {
  static let tokenizer = Result {
    let file = try SmolLM2.file.get()
    return try GGUFTokenizer.make(file.header, file: file.path)
  }

  @Test(arguments: 0..<27)
  func idsEqualTransformers(index: Int) throws {
    let cases = try SmolLM2.reference.get().tokenizer_cases
    try #require(index < cases.count)
    let expected = cases[index]
    let ids = try Self.tokenizer.get().ids(expected.text)
    #expect(ids == expected.ids, "\(expected.text.debugDescription): \(expected.tokens)")
  }

  @Test func referenceHasTheCasesTheTestsCount() throws {
    #expect(try SmolLM2.reference.get().tokenizer_cases.count == 27)
  }
}
