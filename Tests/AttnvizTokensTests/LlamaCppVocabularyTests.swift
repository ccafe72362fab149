import Foundation
import Testing

@testable import AttnvizTokens

/// GGUF tokenizers against llama.cpp's own conformance files (issue #27): its vocabulary files
/// `ggml-vocab-bert-bge.gguf` and `ggml-vocab-gemma-4.gguf` with their test texts (`.inp`) and
/// the ids llama.cpp expects (`.out`, without BOS/EOS), from the llama-cpp-python 0.3.36 sdist.
/// The fixtures keep the part of each vocabulary the texts can reach, with the real ids
/// (scripts/reference/make_llamacpp_vocab_fixtures.py); the ids left out are filled with tokens
/// no text holds.
@Suite struct LlamaCppVocabularyTests {
  struct Fixture: Decodable {
    struct Metadata: Decodable {
      var model: String
      var pre: String?
      var bosTokenId: Int?
      var eosTokenId: Int?
      var unknownTokenId: Int?
      var paddingTokenId: Int?
      var clsTokenId: Int?
      var seperatorTokenId: Int?
      var addBosToken: Bool?
      var addEosToken: Bool?
      var addSpacePrefix: Bool?
    }
    var architecture: String?
    var metadata: Metadata
    var count: Int
    var tokens: [String: String]
    var types: [String: Int]
    var merges: [String]
    var texts: [String]
    var ids: [[Int]]
  }

  static func fixture(_ name: String) throws -> Fixture {
    let url = TokenizerReferences.fixtures.appendingPathComponent("llamacpp-vocabs/\(name).json")
    let decoder = JSONDecoder()
    decoder.keyDecodingStrategy = .convertFromSnakeCase
    return try decoder.decode(Fixture.self, from: Data(contentsOf: url))
  }

  /// The fixture as the GGUF reader gives it: every id, those left out as unused tokens
  /// (type 5) spelled in the private use area, which no test text holds.
  static func metadata(_ fixture: Fixture) -> HFTokenizer.GGUFMetadata {
    var tokens = (0..<fixture.count).map { "\u{F0000}\($0)" }
    var types = Array(repeating: 5, count: fixture.count)
    for (id, token) in fixture.tokens { tokens[Int(id)!] = token }
    for (id, type) in fixture.types { types[Int(id)!] = type }
    let m = fixture.metadata
    return HFTokenizer.GGUFMetadata(
      model: m.model, architecture: fixture.architecture, pre: m.pre, tokens: tokens,
      tokenTypes: types, merges: fixture.merges.isEmpty ? nil : fixture.merges,
      bosID: m.bosTokenId, eosID: m.eosTokenId, unknownID: m.unknownTokenId,
      paddingID: m.paddingTokenId, addBOS: m.addBosToken, addEOS: m.addEosToken,
      addSpacePrefix: m.addSpacePrefix, clsID: m.clsTokenId, separatorID: m.seperatorTokenId)
  }

  @Test(arguments: ["bert-bge", "gemma-4"])
  func idsEqualLlamaCpps(_ name: String) throws {
    let fixture = try Self.fixture(name)
    #expect(fixture.texts.count >= 40)
    let tokenizer = try HFTokenizer(gguf: Self.metadata(fixture), source: "\(name).gguf")
    var failures: [String] = []
    for (text, ids) in zip(fixture.texts, fixture.ids) {
      let got = try? tokenizer.ids(text, addSpecialTokens: false)
      if got != ids { failures.append("\(text.debugDescription): \(got ?? []) ≠ \(ids)") }
    }
    #expect(
      failures.isEmpty, "\(name): \(failures.count) differ:\n\(failures.joined(separator: "\n"))")
  }

  /// What llama.cpp puts around the text: BERT's CLS and SEP; Gemma 4's BOS (llama.cpp forces
  /// it even when the file says `add_bos_token` false).
  @Test func specialTokensAroundTheText() throws {
    let bert = try HFTokenizer(
      gguf: Self.metadata(try Self.fixture("bert-bge")), source: "bert-bge.gguf")
    #expect(try bert.ids("Hello world") == [101, 7592, 2088, 102])
    var gemma = Self.metadata(try Self.fixture("gemma-4"))
    gemma.addBOS = false
    let tokenizer = try HFTokenizer(gguf: gemma, source: "gemma-4.gguf")
    let ids = try tokenizer.ids("Hello world")
    #expect(ids.first == 2 && ids.count > 1, "\(ids)")
  }
}
