import AttnvizFiles
import AttnvizTokens
import Foundation
import Testing

@testable import AttnvizModel

/// The GGUF `t5` tokenizer (SentencePiece Unigram, llama.cpp's UGM) against the original
/// tokenizer: `Fixtures/t5-vocab/ggml-vocab-t5-firefox.gguf` is the Firefox en→pt translator's
/// real 32,000-piece vocabulary converted as llama.cpp's `T5Model.set_vocab` converts one (with
/// its `nmt_nfkc` precompiled character map), and the `.out` file holds sentencepiece's own ids
/// on llama.cpp's test texts and the other suites' hard strings
/// (scripts/reference/make_t5_gguf_vocab.py), as does `ggml-vocab-t5-byte-fallback.gguf`, a small
/// model trained by sentencepiece with byte fallback. llama.cpp ships no test vocabulary of this
/// kind.
@Suite("GGUF t5 (Unigram) tokenizer")
struct GGUFUnigramTests {
  static let name = "t5-firefox"

  static func folder() throws -> URL {
    try LlamaCppVocabTests.folder().deletingLastPathComponent().appendingPathComponent("t5-vocab")
  }

  static func tokenizer() throws -> HFTokenizer {
    let path = try folder().appendingPathComponent("ggml-vocab-\(name).gguf").path
    return try GGUFFile(path: path).header.tokenizer(file: path)
  }

  /// `t5-firefox`: the real vocabulary; `t5-byte-fallback`: a 445-piece model sentencepiece
  /// trained with byte fallback, where CJK, emoji and rare letters become `<0xNN>` pieces (689 of
  /// the 2,558 reference ids).
  @Test(arguments: [name, "t5-byte-fallback"])
  func idsEqualSentencePiece(_ name: String) throws {
    let (differing, count) = try LlamaCppVocabTests.differing(name, in: Self.folder())
    // llama.cpp's 46 texts and 41 more (noncharacters, full-width and compatibility characters,
    // combining marks, control characters, URLs, control tokens written in the text), and the
    // empty text after the last separator.
    #expect(count >= 80)
    #expect(
      differing.isEmpty,
      "\(name): \(differing.count) of \(count)\n\(differing.joined(separator: "\n"))")
  }

  /// The file's own settings reach the tokenizer: the character map (full-width letters and
  /// ligatures folded), extra spaces removed, the dummy prefix, EOS after and no BOS.
  @Test func theFilesSettingsApply() throws {
    let tokenizer = try Self.tokenizer()
    let plain = try tokenizer.ids("fine full", addSpecialTokens: false)
    #expect(try tokenizer.ids("  ﬁne   ｆｕｌｌ ", addSpecialTokens: false) == plain)
    let eos = try #require(tokenizer.id(of: "</s>"))
    #expect(try tokenizer.ids("fine full") == plain + [eos])
    #expect(try tokenizer.tokenize("fine full").first?.text == "·fine")
  }

  /// Tokens point back at the text they came from, also through the character map.
  @Test func tokensKeepTheirSourceRanges() throws {
    let text = "Olá  ｆｕｌｌ gato"
    let bytes = Array(text.utf8)
    let tokens = try Self.tokenizer().tokenize(text).filter { !$0.isSpecial }
    let spelled = tokens.map { token in
      token.sourceRange.map { String(decoding: bytes[$0], as: UTF8.self) } ?? "-"
    }
    #expect(spelled.joined().replacingOccurrences(of: " ", with: "") == "Oláｆｕｌｌgato")
    #expect(tokens.last.flatMap { $0.sourceRange }.map { bytes[$0].count } ?? 0 > 0)
  }
}

/// The `t5` builder on hand-made vocabularies: byte fallback and the refusals.
@Suite("GGUF t5 builder")
struct GGUFUnigramBuilderTests {
  /// `<unk>` 0, `</s>` 1, then pieces; types as llama.cpp writes them.
  static func metadata(
    _ pieces: [(String, Float, Int)], charsMap: [UInt8]? = nil
  ) -> HFTokenizer.GGUFMetadata {
    let all = [("<unk>", Float(0), 2), ("</s>", Float(0), 3)] + pieces
    return HFTokenizer.GGUFMetadata(
      model: "t5", tokens: all.map(\.0), tokenTypes: all.map(\.2), scores: all.map(\.1),
      eosID: 1, unknownID: 0, addSpacePrefix: true, removeExtraWhitespaces: true,
      precompiledCharsMap: charsMap)
  }

  /// sentencepiece's byte fallback: a character no piece spells becomes its UTF-8 bytes when
  /// the vocabulary has byte pieces, the unknown token when it has not; the best spelling wins
  /// (`▁ab` at −1 beats `▁a` + `b` at −2 − 2).
  @Test func unknownCharactersFallBackToBytes() throws {
    let pieces: [(String, Float, Int)] = [
      ("\u{2581}a", -2, 1), ("b", -2, 1), ("\u{2581}ab", -1, 1), ("\u{2581}", -3, 1),
      ("<0xC3>", 0, 6), ("<0xA9>", 0, 6),
    ]
    let tokenizer = try HFTokenizer(gguf: Self.metadata(pieces), source: "t.gguf")
    #expect(try tokenizer.ids("ab é", addSpecialTokens: false) == [4, 5, 6, 7])
    #expect(try tokenizer.ids("ab") == [4, 1])
    let plain = try HFTokenizer(gguf: Self.metadata(Array(pieces.prefix(4))), source: "t.gguf")
    #expect(try plain.ids("ab éé", addSpecialTokens: false) == [4, 5, 0])
  }

  /// A precompiled character map that turns `a` into 1,000 letters: normalising stops at the
  /// limit (4 Mi bytes) instead of filling memory, and says so in one line.
  @Test func aMapThatMultipliesTheTextIsRefusedWithItsLimit() throws {
    // darts-clone units: the root's children start at 1; `a` (0x61) at 1 ^ 0x61 = 96 has a
    // leaf, whose value (replacement offset 0) is at 96 ^ 1 = 97.
    var units = [UInt32](repeating: 0, count: 98)
    units[0] = 1 << 10
    units[96] = 1 << 10 | 1 << 8 | 0x61
    units[97] = 1 << 31
    var blob: [UInt8] = []
    for value in [UInt32(units.count * 4)] + units {
      blob += (0..<4).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) }
    }
    blob += Array(repeating: UInt8(ascii: "b"), count: 1000) + [0]
    let tokenizer = try HFTokenizer(
      gguf: Self.metadata([("\u{2581}", -1, 1), ("b", -1, 1)], charsMap: blob), source: "t.gguf")
    #expect(
      try tokenizer.ids("a", addSpecialTokens: false) == [2] + Array(repeating: 3, count: 1000))
    // 5,000 letters a would become 5 million bytes: over the limit of 4 Mi.
    #expect {
      _ = try tokenizer.tokenize(String(repeating: "a", count: 5000))
    } throws: { error in
      "\(error)".contains("limit of \(HFTokenizer.Normalizer.maximumOutput) characters")
        && "\(error)".contains("precompiled character map")
    }
  }

  @Test func refusalsNameTheKey() {
    var noScores = Self.metadata([("\u{2581}a", -1, 1)])
    noScores.scores = nil
    #expect(
      throws: GGUFTokenizerError(
        key: "tokenizer.ggml.scores", reason: "must give one score per token for a t5 vocabulary")
    ) { _ = try HFTokenizer(gguf: noScores, source: "t.gguf") }
    let corrupt = Self.metadata([("\u{2581}a", -1, 1)], charsMap: [8, 0, 0, 0, 1, 2])
    #expect {
      _ = try HFTokenizer(gguf: corrupt, source: "t.gguf")
    } throws: { error in
      (error as? GGUFTokenizerError)?.key == "tokenizer.ggml.precompiled_charsmap"
    }
    var badUnknown = Self.metadata([("\u{2581}a", -1, 1)])
    badUnknown.unknownID = 99
    #expect {
      _ = try HFTokenizer(gguf: badUnknown, source: "t.gguf")
    } throws: { error in
      (error as? GGUFTokenizerError)?.key == "tokenizer.ggml.unknown_token_id"
    }
  }
}
