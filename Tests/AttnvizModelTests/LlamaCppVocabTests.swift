import AttnvizFiles
import AttnvizTokens
import Foundation
import Testing

@testable import AttnvizModel

/// llama.cpp's own tokenizer conformance suite: its vocabulary-only GGUF files
/// (`models/ggml-vocab-NAME.gguf`) with their test texts (`.inp`, separated by
/// `__ggml_vocab_test__` lines) and the ids llama.cpp's `test-tokenizer-0` expects (`.out`, one
/// line per text, tokenized without BOS/EOS and without parsing special tokens), made by each
/// model's own Hugging Face tokenizer. Copied unchanged from the llama-cpp-python 0.3.36 sdist
/// (`vendor/llama.cpp/models/`, see Fixtures/llamacpp-vocab/README.md) for every vocabulary
/// attnviz reads that is small enough to commit.
@Suite("llama.cpp ggml-vocab test suite")
struct LlamaCppVocabTests {
  /// SentencePiece (`llama`) vocabularies: Llama 2's (also Mistral v0.1's and TinyLlama's),
  /// Phi-3's and Baichuan's; byte-level (`gpt2`): GPT-2's.
  static let names = ["llama-spm", "phi-3", "deepseek-coder", "starcoder", "falcon"]

  static func folder() throws -> URL {
    guard let fixtures = Bundle.module.url(forResource: "Fixtures", withExtension: nil) else {
      throw GGUFError(file: "Fixtures", reason: "are not in the test bundle")
    }
    return fixtures.appendingPathComponent("llamacpp-vocab")
  }

  /// The test texts and their expected ids, read as llama.cpp's test reads them.
  static func cases(_ name: String) throws -> [(text: String, ids: [Int])] {
    let base = try folder().appendingPathComponent("ggml-vocab-\(name).gguf")
    let input = try String(
      contentsOf: base.appendingPathExtension("inp"), encoding: .utf8)
    let output = try String(
      contentsOf: base.appendingPathExtension("out"), encoding: .utf8)
    let texts = input.components(separatedBy: "\n__ggml_vocab_test__\n")
    let lines = output.components(separatedBy: "\n")
    return try zip(texts, lines).map { text, line in
      let ids = try line.split(separator: " ").map { word in
        guard let id = Int(word) else {
          throw GGUFError(file: "\(name).out", reason: "has \"\(word)\", not an id")
        }
        return id
      }
      return (text, ids)
    }
  }

  @Test(arguments: names)
  func idsEqualLlamaCpp(name: String) throws {
    let path = try Self.folder().appendingPathComponent("ggml-vocab-\(name).gguf").path
    let tokenizer = try GGUFFile(path: path).header.tokenizer(file: path)
    let cases = try Self.cases(name)
    // Every file holds 40-odd texts: the empty one, runs of spaces, tabs and newlines, leading
    // spaces, digits, emoji, CJK, code and contractions.
    #expect(cases.count >= 40)
    var differing: [String] = []
    for (text, expected) in cases {
      let ids = try tokenizer.ids(text, addSpecialTokens: false)
      if ids != expected { differing.append("\(text.debugDescription): \(ids) != \(expected)") }
    }
    #expect(
      differing.isEmpty,
      "\(name): \(differing.count) of \(cases.count)\n\(differing.joined(separator: "\n"))")
  }
}
