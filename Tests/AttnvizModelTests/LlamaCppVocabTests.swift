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
  /// SentencePiece (`llama`) vocabularies: Llama 2's (also Mistral v0.1's and TinyLlama's) and
  /// Phi-3's; byte-level (`gpt2`): DeepSeek Coder's, StarCoder's, Falcon's and MPT's (GPT-NeoX's
  /// vocabulary, whose runs of spaces are user-defined tokens).
  static let names = ["llama-spm", "phi-3", "deepseek-coder", "starcoder", "falcon", "mpt"]

  static func folder() throws -> URL {
    guard let fixtures = Bundle.module.url(forResource: "Fixtures", withExtension: nil) else {
      throw GGUFError(file: "Fixtures", reason: "are not in the test bundle")
    }
    return fixtures.appendingPathComponent("llamacpp-vocab")
  }

  /// The test texts and their expected ids, read as llama.cpp's test reads them.
  static func cases(_ name: String, in folder: URL? = nil) throws -> [(text: String, ids: [Int])] {
    let base = try (folder ?? Self.folder()).appendingPathComponent("ggml-vocab-\(name).gguf")
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

  /// The texts of `name` whose ids differ from the `.out` file, one line each.
  static func differing(_ name: String, in folder: URL) throws -> (
    differing: [String], count: Int
  ) {
    let path = folder.appendingPathComponent("ggml-vocab-\(name).gguf").path
    let tokenizer = try GGUFFile(path: path).header.tokenizer(file: path)
    let cases = try Self.cases(name, in: folder)
    var differing: [String] = []
    for (text, expected) in cases {
      let ids = try tokenizer.ids(text, addSpecialTokens: false)
      if ids != expected { differing.append("\(text.debugDescription): \(ids) != \(expected)") }
    }
    return (differing, cases.count)
  }

  @Test(arguments: names)
  func idsEqualLlamaCpp(name: String) throws {
    let (differing, count) = try Self.differing(name, in: Self.folder())
    // Every file holds 40-odd texts: the empty one, runs of spaces, tabs and newlines, leading
    // spaces, digits, emoji, CJK, code and contractions.
    #expect(count >= 40)
    #expect(
      differing.isEmpty,
      "\(name): \(differing.count) of \(count)\n\(differing.joined(separator: "\n"))")
  }

  /// The vocabularies with an `.out` file in `folder`.
  static func vocabularies(in folder: URL) throws -> [String] {
    try FileManager.default.contentsOfDirectory(atPath: folder.path)
      .filter { $0.hasPrefix("ggml-vocab-") && $0.hasSuffix(".gguf.out") }
      .map { String($0.dropFirst("ggml-vocab-".count).dropLast(".gguf.out".count)) }.sorted()
  }

  /// With `ATTNVIZ_LLAMACPP_VOCABS` set to a folder (llama.cpp's whole `models/` folder, most of
  /// it too large to commit): every vocabulary there with `.inp`/`.out` must equal llama.cpp on
  /// every text, and the tally is printed. Without it: every committed vocabulary is in `names`.
  @Test func everyVocabularyOfAFolder() throws {
    guard let path = ProcessInfo.processInfo.environment["ATTNVIZ_LLAMACPP_VOCABS"] else {
      #expect(try Self.vocabularies(in: Self.folder()) == Self.names.sorted())
      return
    }
    let folder = URL(fileURLWithPath: path)
    let names = try Self.vocabularies(in: folder)
    #expect(!names.isEmpty, "\(path) holds no ggml-vocab-*.gguf.out")
    var report: [String] = []
    for name in names {
      let (differing, count) = try Self.differing(name, in: folder)
      report.append("\(name): \(count - differing.count) of \(count) equal")
      #expect(differing.isEmpty, "\(name):\n\(differing.joined(separator: "\n"))")
    }
    print(report.joined(separator: "\n"))
  }
}
