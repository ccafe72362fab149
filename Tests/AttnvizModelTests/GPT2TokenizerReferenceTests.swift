import AttnvizTokens
import Foundation
import Testing

/// GPT2Tokenizer against Hugging Face's `GPT2Tokenizer` on the same files.
@Suite("GPT-2 tokenizer against Hugging Face")
struct GPT2TokenizerReferenceTests {
  static let sentences = (try? TinyGPT2.reference()) ?? []

  @Test func referenceIsThere() {
    #expect(Self.sentences.count == 5)
  }

  @Test(arguments: sentences)
  func tinyVocabularyGivesHFTokens(sentence: TinyGPT2.Sentence) throws {
    let folder = try TinyGPT2.folder
    let tokenizer = try GPT2Tokenizer(
      vocabularyFile: folder.appendingPathComponent("vocab.json").path,
      mergesFile: folder.appendingPathComponent("merges.txt").path)
    let pieces = tokenizer.encode(sentence.text)
    #expect(pieces.map(\.raw) == sentence.tokens)
    #expect(pieces.map(\.id) == sentence.ids)
  }

  /// `<|endoftext|>` in the text is one special token, split out before pre-tokenising; ids
  /// and tokens from `GPT2Tokenizer.from_pretrained("tiny-gpt2")` (transformers 5.24).
  @Test(arguments: [
    ("Hello<|endoftext|> world", [324, 376, 264, 357], ["Hello", "<|endoftext|>", "Ġw", "orld"]),
    ("<|endoftext|>The cat", [376, 261, 269, 267], ["<|endoftext|>", "The", "Ġc", "at"]),
    (
      "a <|endoftext|><|endoftext|>b", [64, 220, 376, 376, 65],
      ["a", "Ġ", "<|endoftext|>", "<|endoftext|>", "b"]
    ),
  ])
  func endOfTextIsOneSpecialToken(text: String, ids: [Int], tokens: [String]) throws {
    let folder = try TinyGPT2.folder
    let tokenizer = try GPT2Tokenizer(
      vocabularyFile: folder.appendingPathComponent("vocab.json").path,
      mergesFile: folder.appendingPathComponent("merges.txt").path)
    let pieces = tokenizer.encode(text)
    #expect(pieces.map(\.id) == ids)
    #expect(pieces.map(\.raw) == tokens)
    #expect(pieces.map(\.isSpecial) == tokens.map { $0 == "<|endoftext|>" })
    // The ranges still tile the input bytes.
    #expect(
      pieces.first?.utf8Range.lowerBound == 0
        && pieces.last?.utf8Range.upperBound == text.utf8.count)
    #expect(
      zip(pieces, pieces.dropFirst()).allSatisfy {
        $0.utf8Range.upperBound == $1.utf8Range.lowerBound
      })
  }
}
