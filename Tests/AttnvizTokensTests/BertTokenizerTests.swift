import Testing

@testable import AttnvizTokens

/// The vocabulary of google-research/bert's own tokenization tests, plus the pieces of its
/// doc-comment example "unaffable".
let classicVocabulary = WordPieceVocabulary(tokens: [
  "[UNK]", "[CLS]", "[SEP]", "want", "##want", "##ed", "wa", "un", "runn", "##ing", ",",
  "##aff", "##able", "[MASK]", "the", "cafe", "naive", "中", "文", "!", ".", "?",
])

@Suite("WordPiece")
struct WordpieceTokenizerTests {
  let wordpiece = WordpieceTokenizer(vocabulary: classicVocabulary)

  @Test(arguments: [
    ("unaffable", ["un", "##aff", "##able"]),
    ("unwanted", ["un", "##want", "##ed"]),
    ("running", ["runn", "##ing"]),
    ("want", ["want"]),
    ("wanted", ["want", "##ed"]),
    // "unwantedX": no piece spells the X, so the whole word is unknown, not "un ##want ##ed [UNK]".
    ("unwantedX", ["[UNK]"]),
    ("xyz", ["[UNK]"]),
  ])
  func splitsGreedilyLongestFirst(word: String, expected: [String]) {
    #expect(wordpiece.tokenize(word: word).map(\.text) == expected)
  }

  @Test func piecesCarryIdsAndScalarRanges() {
    let pieces = wordpiece.tokenize(word: "unaffable")
    #expect(pieces.map(\.id) == [7, 11, 12])
    #expect(pieces.map(\.scalars) == [0..<2, 2..<5, 5..<9])
  }

  @Test func overlongWordIsUnknown() {
    let long = "un" + String(repeating: "aff", count: 32)  // 98 scalars: still split
    #expect(
      wordpiece.tokenize(word: long).map(\.text) == ["un"] + Array(repeating: "##aff", count: 32))
    #expect(wordpiece.tokenize(word: long + "aff").map(\.text) == ["[UNK]"])  // 101 scalars
    let limited = WordpieceTokenizer(vocabulary: classicVocabulary, maxInputCharactersPerWord: 4)
    #expect(limited.tokenize(word: "want").map(\.text) == ["want"])
    #expect(limited.tokenize(word: "wanted").map(\.text) == ["[UNK]"])
  }
}

@Suite("BERT basic tokenizer")
struct BasicTokenizerTests {
  func texts(_ text: String, _ tokenizer: BasicTokenizer = BasicTokenizer()) -> [String] {
    tokenizer.tokenize(text).map(\.text)
  }

  // The cases of google-research/bert tokenization_test.py and Hugging Face's test_tokenization_bert.
  @Test func lowerCasesAndSplitsPunctuation() {
    #expect(texts(" \tHeLLo!how  \n Are yoU?  ") == ["hello", "!", "how", "are", "you", "?"])
  }

  @Test func keepsCaseWhenAsked() {
    #expect(
      texts(" \tHeLLo!how  \n Are yoU?  ", BasicTokenizer(lowercase: false))
        == ["HeLLo", "!", "how", "Are", "yoU", "?"])
  }

  @Test func accents() {
    let text = " \tHäLLo!how  \n Are yoU?  "
    #expect(texts(text) == ["hallo", "!", "how", "are", "you", "?"])
    #expect(
      texts(text, BasicTokenizer(stripAccents: false)) == ["hällo", "!", "how", "are", "you", "?"])
    #expect(
      texts(text, BasicTokenizer(lowercase: false, stripAccents: true))
        == ["HaLLo", "!", "how", "Are", "yoU", "?"])
    // A decomposed accent (e + U+0301) loses its mark like a precomposed one; kept, it stays
    // decomposed, as in Hugging Face's Rust tokenizer.
    #expect(texts("cafe\u{301} café") == ["cafe", "cafe"])
    #expect(
      texts("cafe\u{301}", BasicTokenizer(stripAccents: false)).map { Array($0.unicodeScalars) }
        == [Array("cafe\u{301}".unicodeScalars)])
    #expect(texts("Ümlaut NAÏVE") == ["umlaut", "naive"])
  }

  @Test func chineseCharactersAreTokensOfTheirOwn() {
    #expect(texts("ah\u{535A}\u{63A8}zz") == ["ah", "\u{535A}", "\u{63A8}", "zz"])
    #expect(texts("中文句子") == ["中", "文", "句", "子"])
    #expect(texts("中文", BasicTokenizer(splitChineseCharacters: false)) == ["中文"])
    // Kana are not CJK ideographs in BERT's sense; stripping accents drops the voicing mark
    // (U+3099 is a non-spacing mark after NFD), as Hugging Face does.
    #expect(texts("ひらがな") == ["ひらかな"])
    #expect(texts("ひらがな", BasicTokenizer(stripAccents: false)) == ["ひらがな"])
  }

  @Test func punctuationIncludesAsciiSymbols() {
    #expect(texts("a$b^c`d+e") == ["a", "$", "b", "^", "c", "`", "d", "+", "e"])
    #expect(texts("3.14, “quoted”—dash") == ["3", ".", "14", ",", "“", "quoted", "”", "—", "dash"])
    // Symbols outside ASCII that are not punctuation (So, Sm) stay in the word.
    #expect(texts("a€b ±c") == ["a€b", "±c"])
  }

  @Test func controlCharactersAreDroppedAndWhitespaceSeparates() {
    #expect(texts("a\u{0}b\u{FFFD}c\u{200B}d\u{1B}e") == ["abcde"])
    #expect(
      texts("one\u{00A0}two\u{2028}three\u{3000}four\tfive\r\nsix")
        == ["one", "two", "three", "four", "five", "six"])
    #expect(texts("\u{0}\u{200B} \t").isEmpty)
  }

  /// Character-by-character lower-casing, as Hugging Face's Rust tokenizer: a final capital
  /// sigma becomes "σ", not "ς" (Python's str.lower() would give "ς").
  @Test func lowerCasingIsPerCharacter() {
    #expect(texts("ΟΔΟΣ ΣΑ", BasicTokenizer(stripAccents: false)) == ["οδοσ", "σα"])
    #expect(
      texts("İSTANBUL").map { Array($0.unicodeScalars) } == [Array("istanbul".unicodeScalars)])
  }

  @Test func specialTokensInTheTextStayWhole() {
    let tokenizer = BasicTokenizer(neverSplit: ["[MASK]", "[SEP]"])
    #expect(
      texts("The cat[MASK] sat. [mask]", tokenizer) == [
        "the", "cat", "[MASK]", "sat", ".", "[", "mask", "]",
      ])
  }

  @Test func sourceRangesPointIntoTheInput() {
    let text = "Ünï, 中!"
    let tokens = BasicTokenizer().tokenize(text)
    #expect(tokens.map(\.text) == ["uni", ",", "中", "!"])
    let bytes = Array(text.utf8)
    let sources = tokens.map { String(decoding: bytes[$0.sourceRange], as: UTF8.self) }
    #expect(sources == ["Ünï", ",", "中", "!"])
  }
}

@Suite("BERT tokenizer")
struct BertTokenizerTests {
  @Test func addsClassifierAndSeparator() throws {
    let tokenizer = try BertTokenizer(vocabulary: classicVocabulary)
    let tokens = try tokenizer.tokenize("The unaffable, unwanted running!")
    #expect(
      tokens.map(\.text) == [
        "[CLS]", "the", "un", "##aff", "##able", ",", "un", "##want", "##ed", "runn", "##ing", "!",
        "[SEP]",
      ])
    #expect(tokens.map(\.id) == [1, 14, 7, 11, 12, 10, 7, 4, 5, 8, 9, 19, 2])
    #expect(tokens.map(\.isSpecial) == [true] + Array(repeating: false, count: 11) + [true])
    #expect(tokens.first?.sourceRange == nil)
    // "##aff" came from bytes 6..<9 of the input.
    #expect(tokens[3].sourceRange == 6..<9)
  }

  @Test func unknownAccentedAndChinese() throws {
    let tokenizer = try BertTokenizer(vocabulary: classicVocabulary)
    let tokens = try tokenizer.tokenize("Café naïve 中文 🙂 [MASK]")
    #expect(tokens.map(\.text) == ["[CLS]", "cafe", "naive", "中", "文", "[UNK]", "[MASK]", "[SEP]"])
    #expect(tokens[5].id == 0 && tokens[6].id == 13 && !tokens[6].isSpecial)
  }

  /// A blank text is refused; a text that cleaning empties (a NUL, private-use characters) is
  /// `[CLS] [SEP]`, as the tokenizers library gives it.
  @Test func emptyTextIsAnError() throws {
    let tokenizer = try BertTokenizer(vocabulary: classicVocabulary)
    #expect(throws: TokenizerError.emptyText) { try tokenizer.tokenize(" \t \n") }
    #expect(try tokenizer.tokenize(" \u{0} \n").map(\.text) == ["[CLS]", "[SEP]"])
  }

  @Test func vocabularyWithoutSeparatorIsRefused() {
    #expect(throws: TokenizerError.self) {
      try BertTokenizer(vocabulary: WordPieceVocabulary(tokens: ["[UNK]", "[CLS]", "a"]))
    }
  }

  @Test func vocabularyLookupIsScalarExact() {
    let vocabulary = WordPieceVocabulary(tokens: ["é", "e\u{301}"])
    #expect(vocabulary.id(of: "é") == 0 && vocabulary.id(of: "e\u{301}") == 1)
  }
}

@Suite("BERT tokenizer on arbitrary text")
struct BertTokenizerFuzzTests {
  /// Seeded random strings from every plane (controls, marks, surrogate-free scalars, CJK,
  /// emoji): tokenizing never crashes, and every token's source range lies inside the input.
  @Test func arbitraryScalarsNeverCrash() throws {
    let tokenizer = try BertTokenizer(vocabulary: classicVocabulary)
    var state: UInt64 = 0x2017
    func next() -> UInt64 {
      state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      return state >> 11
    }
    let pools: [ClosedRange<UInt32>] = [
      0...0x7F, 0x80...0x36F, 0x300...0x36F, 0x2000...0x206F, 0x3000...0x30FF, 0x4E00...0x4E40,
      0x1F300...0x1F64F, 0xFFF0...0xFFFF, 0xE0000...0xE007F,
    ]
    for _ in 0..<300 {
      var scalars = String.UnicodeScalarView()
      for _ in 0..<Int(next() % 40) {
        let pool = pools[Int(next() % UInt64(pools.count))]
        let value = pool.lowerBound + UInt32(next() % UInt64(pool.count))
        if let scalar = Unicode.Scalar(value) { scalars.append(scalar) }
      }
      let text = String(scalars)
      let byteCount = text.utf8.count
      do {
        let tokens = try tokenizer.tokenize(text)
        #expect(tokens.first?.text == "[CLS]" && tokens.last?.text == "[SEP]")
        for token in tokens {
          if let range = token.sourceRange { #expect(range.upperBound <= byteCount) }
          #expect(token.id != nil)
        }
      } catch TokenizerError.emptyText {
        continue
      }
    }
  }
}
