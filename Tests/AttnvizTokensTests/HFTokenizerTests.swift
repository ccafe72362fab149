import Foundation
import Testing

@testable import AttnvizTokens

/// A tiny tokenizer.json as text, with `parts` replacing members of the default (a byte-level
/// BPE knowing "the" and " the").
func tokenizerJSON(_ parts: [String: String] = [:]) -> [UInt8] {
  let alphabet = ByteLevelAlphabet.characters.enumerated().map { index, character in
    let key = String(character).unicodeScalars.map { scalar in
      scalar == "\"" || scalar == "\\" ? "\\\(scalar)" : String(scalar)
    }.joined()
    return "\"\(key)\": \(index)"
  }
  let vocabulary = alphabet + ["\"th\": 256", "\"the\": 257", "\"Ġthe\": 258", "\"<|end|>\": 259"]
  var members: [String: String] = [
    "version": "\"1.0\"", "truncation": "null",
    "padding": #"{"strategy": {"Fixed": 128}}"#,
    "added_tokens": #"[{"id": 259, "content": "<|end|>", "special": true, "normalized": false}]"#,
    "normalizer": "null",
    "pre_tokenizer": #"{"type": "ByteLevel", "add_prefix_space": false, "use_regex": true}"#,
    "post_processor": "null", "decoder": #"{"type": "ByteLevel"}"#,
    "model": """
    {"type": "BPE", "vocab": {\(vocabulary.joined(separator: ", "))},
     "merges": ["t h", ["th", "e"], "Ġ the"]}
    """,
  ]
  for (key, value) in parts { members[key] = value }
  let body = members.sorted { $0.key < $1.key }.map { "\"\($0.key)\": \($0.value)" }
  return Array("{\(body.joined(separator: ",\n"))}".utf8)
}

@Suite("tokenizer.json reader")
struct HFTokenizerTests {
  @Test func readsATinyFileAndIgnoresPadding() throws {
    let tokenizer = try HFTokenizer(jsonData: tokenizerJSON(), source: "tiny.json")
    let tokens = try tokenizer.tokenize("the the<|end|>")
    #expect(tokens.map(\.id) == [257, 258, 259])
    #expect(tokens.map(\.text) == ["the", "·the", "<|end|>"])
    #expect(tokens.map(\.isSpecial) == [false, false, true])
    #expect(tokens.map(\.sourceRange) == [0..<3, 3..<7, 7..<14])
  }

  @Test func emptyTextIsAnError() throws {
    let tokenizer = try HFTokenizer(jsonData: tokenizerJSON(), source: "tiny.json")
    #expect(throws: TokenizerError.emptyText) { try tokenizer.tokenize("") }
  }

  @Test func theSameTokenizerBuiltFromItsParts() throws {
    let vocabulary =
      ByteLevelAlphabet.characters.enumerated().map { (String($0.element), $0.offset) }
      + [("th", 256), ("the", 257), ("Ġthe", 258)]
    let bpe = try HFTokenizer.BPE(
      vocabulary: vocabulary, merges: [("t", "h"), ("th", "e"), ("Ġ", "the")])
    let tokenizer = HFTokenizer(
      preTokenizer: .byteLevel(addPrefixSpace: false, useRegex: true), model: .bpe(bpe),
      postProcessor: .init(prefix: [.init("<|end|>", id: 259)]),
      addedTokens: [.init(content: "<|end|>", id: 259)])
    #expect(try tokenizer.ids("the the") == [259, 257, 258])
    #expect(tokenizer.display == .byteLevel)
    #expect(tokenizer.largestID == 259)
    #expect(tokenizer.id(of: "Ġthe") == 258)
  }

  @Test(arguments: [
    (
      "normalizer", #"{"type": "UnicodeScripts"}"#,
      "normalizer type \"UnicodeScripts\" is not supported; attnviz reads NFC"
    ),
    (
      "pre_tokenizer", #"{"type": "UnicodeScripts"}"#,
      "pre-tokenizer type \"UnicodeScripts\" is not supported; attnviz reads ByteLevel"
    ),
    (
      "post_processor", #"{"type": "Magic"}"#,
      "post-processor type \"Magic\" is not supported; attnviz reads TemplateProcessing"
    ),
    (
      "model", #"{"type": "WordLevel", "vocab": {"a": 0}}"#,
      "model type \"WordLevel\" is not supported; attnviz reads BPE, WordPiece and Unigram"
    ),
    (
      "model", #"{"type": "BPE", "vocab": {"a": 0}, "merges": ["a b"]}"#,
      "merge 1 (\"a b\") uses \"b\", which the vocabulary does not list"
    ),
    (
      "model", #"{"type": "BPE", "vocab": {"a": 0}, "merges": ["a b c"]}"#,
      "must be two symbols and one space"
    ),
    (
      "model", #"{"type": "BPE", "vocab": {"a": -1}, "merges": []}"#,
      "the id of \"a\" must be a whole number ≥ 0"
    ),
    (
      "pre_tokenizer",
      #"{"type": "Split", "pattern": {"Regex": "(?<=x)y"}, "behavior": "Isolated"}"#,
      "lookbehind"
    ),
    (
      "pre_tokenizer", #"{"type": "Split", "pattern": {"String": " "}, "behavior": "Sideways"}"#,
      "split behavior \"Sideways\" is not one of Removed"
    ),
    ("added_tokens", #"[{"id": 3}]"#, "each added token needs a non-empty \"content\""),
    (
      "post_processor",
      #"{"type": "TemplateProcessing", "single": [{"SpecialToken": {"id": "<s>"}}], "special_tokens": {}}"#,
      "its template uses \"<s>\", which special_tokens lacks"
    ),
  ])
  func unsupportedOrBrokenPartsAreNamed(_ key: String, _ value: String, _ message: String) {
    #expect {
      _ = try HFTokenizer(jsonData: tokenizerJSON([key: value]), source: "models/x/tokenizer.json")
    } throws: { error in
      let text = "\(error)"
      return text.hasPrefix("cannot read tokenizer file models/x/tokenizer.json: ")
        && text.contains(message)
    }
  }

  /// The message docs/tokenizers.md quotes.
  @Test func theDocumentedMessage() {
    let json = tokenizerJSON(["normalizer": #"{"type": "Nmt"}"#])
    #expect {
      _ = try HFTokenizer(jsonData: json, source: "models/albert/tokenizer.json")
    } throws: { error in
      "\(error)"
        == "cannot read tokenizer file models/albert/tokenizer.json: normalizer type "
        + "\"Nmt\" is not supported; attnviz reads NFC, NFD, NFKC, NFKD, Lowercase, "
        + "StripAccents, BertNormalizer, Prepend, Replace, Strip, Precompiled and Sequence"
    }
  }

  @Test(arguments: [
    ("", "is not valid JSON: line 1 should have a value"),
    ("{\"model\": [1,\n 2", "line 2 should have ',' or ']'"),
    ("[]", "must be a JSON object with a \"model\""),
    (String(repeating: "[", count: 100_000), "at most 64 levels of nesting"),
    ("{\"model\": \"\\ud800\"}", "a low surrogate"),
    ("{\"a\": 1} x", "nothing after the document"),
  ])
  func malformedJSONIsNamedByLine(_ text: String, _ message: String) {
    #expect {
      _ = try HFTokenizer(jsonData: Array(text.utf8), source: "t.json")
    } throws: { error in
      "\(error)".contains(message)
    }
  }

  @Test func missingFileNamesThePath() {
    #expect(
      throws: TokenizerError.malformedVocabulary(
        file: "/nonexistent/tokenizer.json", reason: "does not exist; check the path")
    ) { try HFTokenizer(contentsOf: "/nonexistent/tokenizer.json") }
  }
}

@Suite("Token display")
struct TokenDisplayTests {
  @Test(arguments: [
    (TokenDisplay.byteLevel, "Ġanimal", "·animal"), (.byteLevel, "ĊĊ", "\\n\\n"),
    (.byteLevel, "ðŁ", "<0xF0><0x9F>"), (.byteLevel, "Ġ", "·"),
    (.metaspace("▁"), "▁animal", "·animal"), (.metaspace("▁"), "<0xE2>", "<0xE2>"),
    (.metaspace("▁"), "<0x0A>", "\\n"), (.metaspace("▁"), "▁▁", "··"),
    (.plain, "##able", "##able"), (.plain, "\u{1B}[31m", "<U+001B>[31m"),
    (.plain, "\u{301}x", "\u{25CC}\u{301}x"),
  ])
  func oneRuleForEveryStyle(_ style: TokenDisplay, _ raw: String, _ shown: String) {
    #expect(style.text(ofModelToken: raw) == shown)
  }

  @Test func byteFallbackTokensOfAnEmojiShowTheirBytes() throws {
    let url = TokenizerReferences.fixtures.appendingPathComponent(
      "tokenizers/metaspace-first.json")
    let tokenizer = try HFTokenizer(contentsOf: url.path)
    let tokens = try tokenizer.tokenize("cat 🤖")
    #expect(tokens.map(\.text).suffix(4) == ["<0xF0>", "<0x9F>", "<0xA4>", "<0x96>"])
    // Every byte of the emoji points at the whole emoji, as the library's offsets do.
    #expect(tokens.suffix(4).allSatisfy { $0.sourceRange == 4..<8 })
  }

  @Test func gpt2DisplayIsTheSameRule() {
    for raw in ["Ġworld", "ĊĊ", "ðŁ", "<|endoftext|>", "Ã©", "\u{0100}"] {
      let bytes = ByteLevelAlphabet.decode(raw) ?? []
      #expect(GPT2Tokenizer.displayText(raw) == TokenDisplay.visible(bytes))
    }
  }
}

@Suite("tokenizer.json on hostile input")
struct HFTokenizerRobustnessTests {
  @Test func fuzzEntryNeverTraps() {
    var generator = SystemRandomNumberGenerator()
    let seeds: [[UInt8]] = [tokenizerJSON(), Array("{\"model\":{}}".utf8), [0xFF, 0xFE, 0x00]]
    for seed in seeds {
      for _ in 0..<40 {
        var bytes = seed
        for _ in 0..<Int.random(in: 0...8, using: &generator) where !bytes.isEmpty {
          let index = Int.random(in: 0..<bytes.count, using: &generator)
          bytes[index] = UInt8.random(in: 0...255, using: &generator)
        }
        _ = HFTokenizer.fuzz(bytes)
      }
    }
    #expect(HFTokenizer.fuzz(Array("hello the world".utf8)) > 0)
    #expect(HFTokenizer.fuzz(tokenizerJSON()) > 0)
  }

  /// BPE merges with a heap: a 100 000-letter word takes well under a second, not minutes.
  @Test func aVeryLongWordIsEncoded() throws {
    let tokenizer = try HFTokenizer(jsonData: tokenizerJSON(), source: "tiny.json")
    let word = String(repeating: "th", count: 50_000)
    let ids = try tokenizer.ids(word)
    #expect(ids == Array(repeating: 256, count: 50_000))
  }
}

@Suite("tokenizer.json: canonically equivalent text")
struct HFTokenizerEquivalenceTests {
  /// "é" and "e" + U+0301 are different vocabulary entries and different pieces, although
  /// Swift's `String ==` calls them equal; the piece cache must not serve one for the other.
  @Test func precomposedAndDecomposedStayApart() throws {
    let vocabulary = [("\u{E9}", 0), ("e", 1), ("\u{301}", 2), ("e\u{301}", 3), ("x", 4)]
    let bpe = try HFTokenizer.BPE(vocabulary: vocabulary, merges: [("e", "\u{301}")])
    let tokenizer = HFTokenizer(preTokenizer: .whitespaceSplit, model: .bpe(bpe))
    #expect(try tokenizer.ids("\u{E9} e\u{301} \u{E9}x e\u{301}x") == [0, 3, 0, 4, 3, 4])
    #expect(try tokenizer.ids("e\u{301}") == [3])
    #expect(try tokenizer.ids("\u{E9}") == [0])
  }

  @Test func hugeIdsAreRefused() {
    let json = tokenizerJSON([
      "model": #"{"type": "WordPiece", "vocab": {"[UNK]": 0, "a": 2000000000}}"#
    ])
    #expect {
      _ = try HFTokenizer(jsonData: json, source: "t.json")
    } throws: { error in
      "\(error)".contains("has id 2000000000 for a vocabulary of 2 entries")
    }
  }
}
