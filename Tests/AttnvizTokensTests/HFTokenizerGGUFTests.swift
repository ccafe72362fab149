import Foundation
import Testing

@testable import AttnvizTokens

/// Tokenizers built from GGUF metadata against transformers' `AutoTokenizer` on the same
/// metadata (scripts/reference/make_gguf_tokenizer_references.py).
@Suite("Tokenizers from GGUF metadata")
struct HFTokenizerGGUFTests {
  struct Case: Decodable {
    var name: String
    var model: String
    var pre: String?
    var tokens: [String]
    var tokenTypes: [Int]
    var merges: [String]?
    var scores: [Float]?
    var bos: Int?
    var eos: Int?
    var unk: Int?
    var addBos: Bool?
    var ids: [[Int]]
  }

  struct File: Decodable {
    var texts: [String]
    var cases: [Case]
  }

  static let file: File? = {
    let url = TokenizerReferences.fixtures.appendingPathComponent(
      "gguf-tokenizer-references.json")
    guard let data = try? Data(contentsOf: url) else { return nil }
    return try? snakeCaseDecoder.decode(File.self, from: data)
  }()

  @Test(arguments: ["llama-sentencepiece", "gpt2-bytelevel", "gpt2-llama3-split"])
  func idsMatchTransformers(_ name: String) throws {
    let file = try #require(Self.file)
    let reference = try #require(file.cases.first { $0.name == name })
    let metadata = HFTokenizer.GGUFMetadata(
      model: reference.model, pre: reference.pre, tokens: reference.tokens,
      tokenTypes: reference.tokenTypes, scores: reference.scores, merges: reference.merges,
      bosID: reference.bos, eosID: reference.eos, unknownID: reference.unk,
      addBOS: reference.addBos)
    let tokenizer = try HFTokenizer(gguf: metadata, source: "\(name).gguf")
    for (text, ids) in zip(file.texts, reference.ids) {
      #expect(try tokenizer.ids(text) == ids, "\(name): \(text.debugDescription)")
    }
  }

  @Test func unknownTokenizerModelIsNamed() {
    let metadata = HFTokenizer.GGUFMetadata(model: "rwkv", tokens: ["a"])
    #expect(
      throws: GGUFTokenizerError(
        key: "tokenizer.ggml.model",
        reason:
          "names the tokenizer \"rwkv\"; attnviz reads the tokenizers gpt2, llama, bert, gemma4 and t5"
      )
    ) {
      _ = try HFTokenizer(gguf: metadata, source: "m.gguf")
    }
  }
}

/// The GGUF split patterns are transformers' own (checked on hostile text by the split
/// references, entries 17–19 and 1–2).
@Suite("GGUF split patterns")
struct GGUFSplitPatternTests {
  @Test func theTableUsesTheCheckedPatterns() throws {
    let references = try #require(SplitReferences.shared)
    func pattern(_ index: Int) -> String? { references.configs[index]["pattern"]?["Regex"]?.string }
    #expect(GGUFPreTokenizerSplits.patterns["llama-bpe"] == pattern(1))
    #expect(GGUFPreTokenizerSplits.patterns["qwen2"] == pattern(2))
    #expect(GGUFPreTokenizerSplits.patterns["tekken"] == pattern(17))
    #expect(GGUFPreTokenizerSplits.patterns["gpt-4o"] == pattern(18))
    #expect(GGUFPreTokenizerSplits.patterns["qwen35"] == pattern(19))
  }
}

/// Gemma's variant of the `llama` vocabulary and the checks on scores, on a hand-made vocabulary
/// (the real 262k-token one is compared with transformers in RealGGUFTests).
@Suite("GGUF SentencePiece variants and refusals")
struct GGUFSentencePieceVariantTests {
  static let bytes = (0..<256).map { String(format: "<0x%02X>", $0) }
  static let tokens =
    ["<pad>", "<eos>", "<bos>", "<unk>", "<h1>"] + bytes + [
      "a", "b", "ab", "▁", "  ", "▁a", "ba",
    ]
  static func metadata(
    architecture: String?, scores: [Float]? = nil, addSpacePrefix: Bool = false
  ) -> HFTokenizer.GGUFMetadata {
    var types = [3, 3, 3, 3, 4] + [Int](repeating: 6, count: 256)
    types += [Int](repeating: 1, count: 7)
    return HFTokenizer.GGUFMetadata(
      model: "llama", architecture: architecture, tokens: tokens, tokenTypes: types,
      scores: scores ?? tokens.indices.map { -Float($0) }, bosID: 2, eosID: 1, unknownID: 3,
      paddingID: 0, addBOS: true, addSpacePrefix: addSpacePrefix)
  }

  @Test func gemmaSpellsSpaceTokensWithMetaspaceAndAddsNoPrefix() throws {
    let gemma = try HFTokenizer(gguf: Self.metadata(architecture: "gemma3"), source: "g.gguf")
    let base = 261  // "a"
    // "  " (id base + 4) is spelled ▁▁ for the model, so two spaces are one token.
    #expect(try gemma.ids("a  b") == [2, base, base + 4, base + 1])
    #expect(try gemma.ids(" a") == [2, base + 5])
    #expect(try gemma.ids("<h1>ab") == [2, 4, base + 2])
  }

  @Test func scoresMustBeFinite() {
    var scores = Self.tokens.indices.map { -Float($0) }
    scores[262] = .nan
    #expect(
      throws: GGUFTokenizerError(
        key: "tokenizer.ggml.scores",
        reason: "has the score nan for token 262; scores must be finite numbers, as they order "
          + "the merges")
    ) {
      _ = try HFTokenizer(gguf: Self.metadata(architecture: "llama", scores: scores), source: "x")
    }
    #expect(throws: GGUFTokenizerError.self) {
      _ = try HFTokenizer(
        gguf: Self.metadata(architecture: "llama", scores: [0, 1]), source: "x")
    }
  }

  /// llama.cpp's rule for every non-Gemma `llama` vocabulary (Llama 2, Mistral, TinyLlama,
  /// Phi-3; transformers' `phi3_tokenizer`): with `add_space_prefix`, ▁ in front of every stretch
  /// of text, even one that starts with a space and one after an added token; without it, none.
  @Test(arguments: ["llama", "phi3"])
  func llamaVocabulariesPrefixEveryStretch(_ architecture: String) throws {
    let (a, space, spaceA) = (261, 264, 266)
    let prefixed = try HFTokenizer(
      gguf: Self.metadata(architecture: architecture, addSpacePrefix: true), source: "p.gguf")
    #expect(try prefixed.ids("a") == [2, spaceA])
    #expect(try prefixed.ids(" a") == [2, space, spaceA])
    #expect(try prefixed.ids("<h1>a") == [2, 4, spaceA])
    let plain = try HFTokenizer(gguf: Self.metadata(architecture: architecture), source: "l.gguf")
    #expect(try plain.ids("a") == [2, a])
    #expect(try plain.ids("<h1>a") == [2, 4, a])
  }
}
