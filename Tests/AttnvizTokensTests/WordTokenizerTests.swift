import Testing

@testable import AttnvizTokens

@Suite struct WordTokenizerTests {
  func texts(_ s: String) throws -> [String] { try WordTokenizer().tokenize(s).map(\.text) }

  @Test func lectureSentence() throws {
    #expect(
      try texts("The animal didn't cross the street because it was too tired.")
        == [
          "The", "animal", "didn't", "cross", "the", "street", "because", "it", "was", "too",
          "tired", ".",
        ])
  }

  @Test(arguments: [
    ("self-attention", ["self-attention"]),
    ("transformer's", ["transformer's"]),
    ("didn\u{2019}t", ["didn\u{2019}t"]),
    ("rock 'n' roll", ["rock", "'", "n", "'", "roll"]),
    ("well- known", ["well", "-", "known"]),
    ("-5 - 3", ["-", "5", "-", "3"]),
    ("GPT-2", ["GPT", "-", "2"]),
    ("a—b", ["a", "—", "b"]),
    ("Hello, \"world\"!", ["Hello", ",", "\"", "world", "\"", "!"]),
    ("3.14", ["3", ".", "14"]),
    ("R2D2", ["R2D2"]),
  ])
  func punctuationAndJoiners(input: String, expected: [String]) throws {
    #expect(try texts(input) == expected)
  }

  @Test func unicodeLettersAndCombiningMarks() throws {
    #expect(try texts("Café naïve Ελληνικά кошка") == ["Café", "naïve", "Ελληνικά", "кошка"])
    // e + combining acute accent stays one word with its mark.
    #expect(try texts("cafe\u{301} au lait") == ["cafe\u{301}", "au", "lait"])
  }

  @Test func cjkIdeographsAreSingleTokens() throws {
    #expect(try texts("我爱你") == ["我", "爱", "你"])
    #expect(try texts("注意力 is all") == ["注", "意", "力", "is", "all"])
  }

  @Test func emojiAreSingleTokensWholeClusters() throws {
    #expect(try texts("I 👍🏽 it👨‍👩‍👧!") == ["I", "👍🏽", "it", "👨‍👩‍👧", "!"])
  }

  @Test func whitespaceAndControlsSeparateButNeverBecomeTokens() throws {
    #expect(try texts("  a\tb\nc\u{200B}d \u{1B}e ") == ["a", "b", "c", "d", "e"])
  }

  @Test func emptyTextIsAnError() {
    #expect(throws: TokenizerError.emptyText) { try WordTokenizer().tokenize("  \n\t ") }
    #expect(throws: TokenizerError.emptyText) { try WordTokenizer().tokenize("") }
  }

  @Test func sourceRangesPointBackIntoTheText() throws {
    let text = "Café, ok"
    let tokens = try WordTokenizer().tokenize(text)
    let bytes = Array(text.utf8)
    for token in tokens {
      let range = try #require(token.sourceRange)
      #expect(String(decoding: bytes[range], as: UTF8.self) == token.text)
    }
  }
}
