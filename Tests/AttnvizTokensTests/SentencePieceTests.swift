import Foundation
import Testing

@testable import AttnvizTokens

/// The SentencePiece reader and unigram segmentation against the `sentencepiece` library
/// (scripts/reference/make_firefox_reference.py) on the Firefox translators' own `.spm` files,
/// which `make model` installs (they are not committed). With ATTNVIZ_REQUIRE_MODELS=1 a missing
/// model fails instead of skipping.
enum FirefoxVocabulary {
  static func path(_ direction: String) -> String {
    let folder = direction == "enpt" ? "firefox-en-pt" : "firefox-pt-en"
    return "models/\(folder)/vocab.\(direction).spm"
  }

  static var present: Bool {
    FileManager.default.fileExists(atPath: path("enpt"))
      || ProcessInfo.processInfo.environment["ATTNVIZ_REQUIRE_MODELS"] == "1"
  }

  struct Case: Decodable {
    var model: String
    var text: String
    var ids: [Int]
    var pieces: [String]
  }

  static let cases: [Case] = {
    let url =
      Bundle.module.resourceURL?.appendingPathComponent("Fixtures/sentencepiece-references.json")
      ?? URL(fileURLWithPath: "Tests/AttnvizTokensTests/Fixtures/sentencepiece-references.json")
    struct File: Decodable { var cases: [Case] }
    guard let data = try? Data(contentsOf: url) else { return [] }
    return (try? JSONDecoder().decode(File.self, from: data).cases) ?? []
  }()
}

@Suite(
  "SentencePiece on the Firefox vocabularies",
  .enabled(if: FirefoxVocabulary.present, "models/firefox-en-pt is absent; run `make model`"))
struct SentencePieceReferenceTests {
  @Test func readsTheModelFile() throws {
    let file = try SentencePieceModelFile(contentsOf: FirefoxVocabulary.path("enpt"))
    #expect(file.pieces.count == 32000)
    #expect(file.modelType == .unigram)
    #expect(file.normalizerName == "nmt_nfkc")
    #expect(file.precompiledCharsMap.count == 237_539)
    #expect(file.pieces[0] == .init(piece: "</s>", score: 0, type: .control))
    #expect(file.pieces[1].type == .unknown)
    #expect(file.pieces[4].piece == "\u{2581}de")
  }

  @Test(arguments: ["enpt", "pten"])
  func idsEqualTheLibrary(direction: String) throws {
    let tokenizer = try SentencePieceTokenizer(contentsOf: FirefoxVocabulary.path(direction))
    let cases = FirefoxVocabulary.cases.filter { $0.model == direction }
    #expect(cases.count == 30)
    for expected in cases {
      let tokens = try tokenizer.tokenize(expected.text)
      #expect(tokens.map(\.id) == expected.ids, "\(expected.text.debugDescription)")
    }
  }

  @Test func tokensKeepTheirSourceBytes() throws {
    let tokenizer = try SentencePieceTokenizer(contentsOf: FirefoxVocabulary.path("enpt"))
    let text = "  The ﬁne cat."
    let tokens = try tokenizer.tokenize(text)
    let bytes = Array(text.utf8)
    let surfaces = tokens.map { String(decoding: bytes[$0.sourceRange ?? 0..<0], as: UTF8.self) }
    #expect(tokens.map(\.text).first == "·The")
    // Ranges start at the word, not at the space before it; "ﬁ" normalises to "fi".
    #expect(surfaces == ["The", "ﬁne", "cat", "."])
    #expect(tokenizer.decode(tokens.compactMap(\.id)) == "The fine cat.")
  }

  @Test func blankTextHasNoTokens() throws {
    let tokenizer = try SentencePieceTokenizer(contentsOf: FirefoxVocabulary.path("enpt"))
    #expect(throws: TokenizerError.emptyText) { try tokenizer.tokenize("   \n ") }
  }
}

@Suite("SentencePiece model file and unigram segmentation")
struct SentencePieceUnitTests {
  /// Two unigram models the `sentencepiece` library trained
  /// (scripts/reference/make_translate_fuzz_seeds.py, also the fuzz seeds): one with the
  /// identity normaliser, one whose precompiled character map holds two rules (full-width "Ａ"
  /// → "a", "ﬁ" → "fi"); the ids are the library's `encode`.
  static let seeds = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("Fuzz/Corpus/FuzzSentencePiece")

  @Test(arguments: [
    ("identity", "ＡThe ﬁ cat", [2, 1, 6, 3, 2, 1, 2, 20, 4]),
    ("identity", "  the  dog\tsat ", [2, 5, 6, 3, 2, 21, 10, 1, 13, 4]),
    ("identity", "zebra 東京", [2, 1, 3, 1, 17, 19, 2, 1]),
    ("rules", "ＡThe ﬁ cat", [2, 19, 1, 6, 3, 2, 1, 2, 20, 4]),
    (
      "rules", "O gato preto sentou-se",
      [2, 15, 2, 12, 4, 7, 2, 16, 17, 3, 11, 9, 3, 8, 11, 18, 14, 13, 3]
    ),
  ])
  func smallModelsMatchTheLibrary(name: String, text: String, ids: [Int]) throws {
    let tokenizer = try SentencePieceTokenizer(
      contentsOf: Self.seeds.appendingPathComponent("\(name).spm").path)
    #expect(try tokenizer.tokenize(text).map(\.id) == ids)
  }

  /// A ModelProto with pieces (field 1: piece 1, score 2, type 3) and a trainer spec.
  static func model(_ pieces: [(String, Float, Int)], modelType: Int = 1) -> [UInt8] {
    func varint(_ v: UInt64) -> [UInt8] {
      var v = v
      var out: [UInt8] = []
      repeat {
        out.append(UInt8(v & 0x7F) | (v >= 0x80 ? 0x80 : 0))
        v >>= 7
      } while v > 0
      return out
    }
    func delimited(_ field: UInt64, _ bytes: [UInt8]) -> [UInt8] {
      varint(field << 3 | 2) + varint(UInt64(bytes.count)) + bytes
    }
    var out: [UInt8] = []
    for (piece, score, type) in pieces {
      var body = delimited(1, Array(piece.utf8))
      body += varint(2 << 3 | 5) + withUnsafeBytes(of: score.bitPattern.littleEndian, Array.init)
      body += varint(3 << 3) + varint(UInt64(type))
      out += delimited(1, body)
    }
    out += delimited(2, varint(3 << 3) + varint(UInt64(modelType)))
    // No precompiled map: the identity normaliser with the default whitespace rules.
    out += delimited(3, delimited(1, Array("identity".utf8)))
    return out
  }

  static let vocabulary: [(String, Float, Int)] = [
    ("</s>", 0, 3), ("<unk>", 0, 2), ("\u{2581}un", -2, 1), ("aff", -3, 1), ("able", -2.5, 1),
    ("\u{2581}", -4, 1), ("u", -6, 1), ("n", -6, 1), ("a", -6, 1), ("f", -6, 1), ("b", -6, 1),
    ("l", -6, 1), ("e", -6, 1), ("\u{2581}unaff", -9, 1),
  ]

  @Test func viterbiPicksTheHighestScoringSpelling() throws {
    let tokenizer = try SentencePieceTokenizer(
      file: SentencePieceModelFile(bytes: Self.model(Self.vocabulary)))
    // ▁un + aff + able = −7.5 beats ▁unaff + able = −11.5 and every single-letter spelling.
    #expect(try tokenizer.tokenize("unaffable").map(\.id) == [2, 3, 4])
    #expect(try tokenizer.tokenize("unaffable").map(\.text) == ["·un", "aff", "able"])
  }

  @Test func unknownCharactersBecomeOneUnknownPiece() throws {
    let tokenizer = try SentencePieceTokenizer(
      file: SentencePieceModelFile(bytes: Self.model(Self.vocabulary)))
    let tokens = try tokenizer.tokenize("un猫犬able")
    #expect(tokens.map(\.id) == [2, 1, 4])
    #expect(tokens[1].text == "猫犬")
    #expect(tokens[1].sourceRange == 2..<8)
  }

  @Test func aVocabularyOfOnlyControlPiecesMakesEveryCharacterUnknown() throws {
    // Found by FuzzSentencePiece (Fuzz/Regressions): no matchable piece, longest piece 0.
    let file = try SentencePieceModelFile(bytes: Self.model([("</s>", 0, 3), ("<unk>", 0, 2)]))
    let tokens = try SentencePieceTokenizer(file: file).tokenize("ab c")
    #expect(tokens.map(\.id) == [1])
  }

  @Test func refusesWhatIsNotAUnigramModel() throws {
    #expect(throws: TokenizerError.self) {
      try SentencePieceTokenizer(
        file: SentencePieceModelFile(bytes: Self.model(Self.vocabulary, modelType: 2)))
    }
    // Text, a truncated file, an empty one.
    for bytes in [Array("hello: world\n".utf8), Array(Self.model(Self.vocabulary).prefix(40)), []] {
      #expect(throws: TokenizerError.self) { try SentencePieceModelFile(bytes: bytes) }
    }
  }

  @Test func charsMapRejectsABadSize() {
    #expect(throws: PrecompiledCharsMap.Corrupt.self) { try PrecompiledCharsMap([1, 0]) }
    #expect(throws: PrecompiledCharsMap.Corrupt.self) {
      try PrecompiledCharsMap([0xFF, 0xFF, 0, 0, 1, 2, 3, 4])
    }
  }
}
