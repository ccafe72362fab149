import Foundation
import Testing

@testable import AttnvizTokens

@Suite("GPT-2 byte-level alphabet")
struct ByteLevelAlphabetTests {
  @Test func printableBytesStandForThemselvesOthersAreShifted() {
    let table = ByteLevelAlphabet.characters
    #expect(table.count == 256)
    #expect(Set(table).count == 256)
    #expect(table[0x21] == "!")
    #expect(table[0x41] == "A")
    #expect(table[0xE9] == "é")
    // The 68 non-printable bytes take U+0100… in byte order: 0x00 first, space is the 33rd.
    #expect(table[0x00] == "\u{0100}")
    #expect(table[0x20] == "Ġ")
    #expect(table[0x0A] == "Ċ")
    #expect(table[0x7F] == "\u{0121}")
    #expect(table[0xAD] == "\u{0143}")
  }

  @Test func encodeAndDecodeAreInverse() {
    let bytes = Array("a é 👍\n".utf8)
    let written = ByteLevelAlphabet.encode(bytes)
    #expect(written == "aĠÃ©ĠðŁĳįĊ")
    #expect(ByteLevelAlphabet.decode(written) == bytes)
    #expect(ByteLevelAlphabet.decode("€") == nil)
  }
}

@Suite("GPT-2 pre-tokenizer")
struct GPT2PreTokenizerTests {
  // Expected pieces from Python's `regex` module with GPT-2's pattern.
  @Test(arguments: [
    ("Hello   world!\n", ["Hello", "  ", " world", "!", "\n"]),
    ("I'll don't 'sup", ["I", "'ll", " don", "'t", " '", "sup"]),
    ("HE'S", ["HE", "'", "S"]),
    ("...'s", ["...'", "s"]),
    ("a\u{A0}b", ["a", "\u{A0}", "b"]),
    ("a \u{200B}b", ["a", " \u{200B}", "b"]),
    ("  trailing  ", [" ", " trailing", "  "]),
    ("日本語の文。", ["日本語の文", "。"]),
    ("e\u{301}", ["e", "\u{301}"]),
    ("3.14", ["3", ".", "14"]),
    ("👍🏽!", ["👍🏽!"]),
    ("x\n\n y", ["x", "\n\n", " y"]),
    ("x \n\ny", ["x", " \n", "\n", "y"]),
    ("tab\t\tx", ["tab", "\t", "\t", "x"]),
  ])
  func splitsLikeTheReferenceRegex(text: String, pieces: [String]) {
    #expect(GPT2PreTokenizer.split(text) == pieces)
  }

  @Test func piecesCoverTheText() {
    let text = "Mixed  text: naïve 日本 👨‍👩‍👧 3,000\t\n end  "
    #expect(GPT2PreTokenizer.split(text).joined() == text)
  }
}

/// A byte-level vocabulary in memory: the 256 bytes (ids 0…255 in byte order) plus the merges.
func miniTokenizer(merges: [String]) throws -> GPT2Tokenizer {
  var vocabulary: [String: Int] = [:]
  for (byte, character) in ByteLevelAlphabet.characters.enumerated() {
    vocabulary[String(character)] = byte
  }
  for line in merges {
    let merged = line.replacingOccurrences(of: " ", with: "")
    if vocabulary[merged] == nil { vocabulary[merged] = vocabulary.count }
  }
  return try GPT2Tokenizer(
    vocabulary: vocabulary, mergeLines: (["#version: 0.2"] + merges).map { Substring($0) })
}

@Suite("GPT-2 BPE")
struct GPT2BPETests {
  @Test func theBestRankedPairMergesFirst() throws {
    // "hello": e+l is ranked before l+l, so "ll" never forms and "h e" cannot apply.
    let elFirst = try miniTokenizer(merges: ["e l", "l l", "h e"])
    #expect(elFirst.encode("hello").map(\.raw) == ["h", "el", "l", "o"])
    let llFirst = try miniTokenizer(merges: ["l l", "e l", "h e"])
    #expect(llFirst.encode("hello").map(\.raw) == ["he", "ll", "o"])
  }

  @Test func mergesNeverCrossPieces() throws {
    let tokenizer = try miniTokenizer(merges: ["Ġ c", "Ġc a", "Ġca t", "a t"])
    let pieces = tokenizer.encode("cat cat")
    #expect(pieces.map(\.raw) == ["c", "at", "Ġcat"])
    #expect(pieces.map(\.utf8Range) == [0..<1, 1..<3, 3..<7])
  }

  @Test func repeatedPairMergesLeftToRight() throws {
    let tokenizer = try miniTokenizer(merges: ["a a"])
    #expect(tokenizer.encode("aaa").map(\.raw) == ["aa", "a"])
    // The cache gives the same answer the second time.
    #expect(tokenizer.encode("aaa aaa").map(\.raw) == ["aa", "a", "Ġ", "aa", "a"])
  }

  @Test func tokensCarryDisplayTextIdsAndByteRanges() throws {
    let tokenizer = try miniTokenizer(merges: ["Ġ w", "Ġw e"])
    let tokens = try tokenizer.tokenize("we we👍")
    #expect(tokens.map(\.text) == ["w", "e", "·we", "<0xF0>", "<0x9F>", "<0x91>", "<0x8D>"])
    #expect(tokens.map(\.id) == [0x77, 0x65, 257, 0xF0, 0x9F, 0x91, 0x8D])
    #expect(tokens.map(\.sourceRange) == [0..<1, 1..<2, 2..<5, 5..<6, 6..<7, 7..<8, 8..<9])
    #expect(tokens.allSatisfy { !$0.isSpecial })
  }

  /// Whatever the text, the tokens cover its UTF-8 bytes exactly, in order, and every token
  /// displays as something (never crashes on half a character).
  @Test func tokensCoverAnyTextExactly() throws {
    let tokenizer = try miniTokenizer(merges: ["Ġ t", "h e", "Ġt he", "ð Ł", "ã ģ"])
    let pool: [String] = [
      " ", "  ", "\n", "\r\n", "\t", "\u{A0}", "\u{3000}", "'s", "'", "the", "The", "e\u{301}",
      "日本",
      "の", "👍🏽", "👨\u{200D}👩\u{200D}👧", "\u{200B}", "3.14", "²", "\u{0}", "\u{1C}", "\u{85}", "ß",
      "\u{10348}", "\u{FEFF}", "ǅ",
    ]
    var state: UInt64 = 2017
    func next(_ bound: Int) -> Int {
      state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      return Int((state >> 33) % UInt64(bound))
    }
    for _ in 0..<300 {
      let text = (0..<(1 + next(10))).map { _ in pool[next(pool.count)] }.joined()
      let pieces = tokenizer.encode(text)
      #expect(pieces.flatMap { ByteLevelAlphabet.decode($0.raw) ?? [] } == Array(text.utf8))
      #expect(pieces.first?.utf8Range.lowerBound == 0)
      #expect(pieces.last?.utf8Range.upperBound == text.utf8.count)
      #expect(
        zip(pieces, pieces.dropFirst()).allSatisfy {
          $0.utf8Range.upperBound == $1.utf8Range.lowerBound
        })
      #expect(try tokenizer.tokenize(text).allSatisfy { !$0.text.isEmpty })
    }
  }

  @Test func emptyTextIsAnError() throws {
    #expect(throws: TokenizerError.emptyText) { try miniTokenizer(merges: []).tokenize("") }
    // Whitespace alone is text to GPT-2: it has tokens.
    #expect(try miniTokenizer(merges: []).tokenize("  ").map(\.text) == ["·", "·"])
  }
}

@Suite("GPT-2 token display")
struct GPT2DisplayTextTests {
  @Test(arguments: [
    ("Ġworld", "·world"),
    ("ĠĠĠ", "···"),
    ("Hello", "Hello"),
    ("ĊĊ", "\\n\\n"),
    ("ĉ", "\\t"),
    ("Ġcaf", "·caf"),
    ("Ã©", "é"),
    ("ðŁ", "<0xF0><0x9F>"),
    ("ĳį", "<0x91><0x8D>"),
    ("ðŁĳį", "👍"),
    ("Ìģ", "\u{25CC}\u{301}"),
    ("Âł", "<U+00A0>"),
    ("âĢĭ", "<U+200B>"),
    ("Ā", "<U+0000>"),
    ("ÿ", "<0xFF>"),
    ("íł€", "íł€"),
    ("<|endoftext|>", "<|endoftext|>"),
  ])
  func showsTokensReadably(raw: String, shown: String) {
    #expect(GPT2Tokenizer.displayText(raw) == shown)
  }

  @Test func rejectsOverlongAndSurrogateEncodings() {
    // C0 80 (overlong NUL) and ED A0 80 (a UTF-16 surrogate) are not UTF-8.
    #expect(GPT2Tokenizer.displayText(ByteLevelAlphabet.encode([0xC0, 0x80])) == "<0xC0><0x80>")
    #expect(
      GPT2Tokenizer.displayText(ByteLevelAlphabet.encode([0xED, 0xA0, 0x80]))
        == "<0xED><0xA0><0x80>")
  }
}

@Suite("GPT-2 tokenizer files")
struct GPT2TokenizerFileTests {
  func write(_ files: [String: String]) throws -> URL {
    let folder = FileManager.default.temporaryDirectory
      .appendingPathComponent("attnviz-gpt2-tok-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    for (name, text) in files {
      try Data(text.utf8).write(to: folder.appendingPathComponent(name))
    }
    return folder
  }

  func byteVocabulary(extra: [String: Int] = [:]) throws -> String {
    var vocabulary: [String: Int] = [:]
    for (byte, c) in ByteLevelAlphabet.characters.enumerated() { vocabulary[String(c)] = byte }
    vocabulary.merge(extra) { $1 }
    let data = try JSONSerialization.data(withJSONObject: vocabulary, options: [.sortedKeys])
    return String(decoding: data, as: UTF8.self)
  }

  @Test func readsVocabularyAndMerges() throws {
    let folder = try write([
      "vocab.json": try byteVocabulary(extra: ["Ġt": 256, "Ġth": 257, "Ġthe": 258]),
      "merges.txt": "#version: 0.2\nĠ t\nĠt h\r\nĠth e\n",
    ])
    defer { try? FileManager.default.removeItem(at: folder) }
    let tokenizer = try GPT2Tokenizer(
      vocabularyFile: folder.appendingPathComponent("vocab.json").path,
      mergesFile: folder.appendingPathComponent("merges.txt").path)
    #expect(tokenizer.ids("the the") == [0x74, 0x68, 0x65, 258])
    #expect(tokenizer.largestID == 258)
  }

  @Test(arguments: [
    ("#version: 0.2\nĠ t\nĠtx\n", "line 3 (\"Ġtx\") must be two symbols separated by one space"),
    ("Ġ t\nĠt q\n", "line 2 (\"Ġt q\") uses \"Ġtq\", which /"),
    ("Ġ  t\n", "line 1 (\"Ġ  t\") must be two symbols"),
  ])
  func badMergeLinesNameTheFileAndLine(merges: String, reason: String) throws {
    let folder = try write([
      "vocab.json": try byteVocabulary(extra: ["Ġt": 256]), "merges.txt": merges,
    ])
    defer { try? FileManager.default.removeItem(at: folder) }
    let mergesPath = folder.appendingPathComponent("merges.txt").path
    do {
      _ = try GPT2Tokenizer(
        vocabularyFile: folder.appendingPathComponent("vocab.json").path, mergesFile: mergesPath)
      Issue.record("expected an error")
    } catch let TokenizerError.malformedVocabulary(file, message) {
      #expect(file == mergesPath)
      #expect(message.hasPrefix(reason), "\(message)")
    }
  }

  @Test(arguments: [
    ("[1, 2]", "must be a JSON object from tokens to ids"),
    ("{}", "must be a JSON object from tokens to ids"),
    ("{\"a\": 1,", "is not valid JSON: line 1 should have a string key in double quotes"),
    ("{\n\"a\": 1\n\"b\": 2}", "is not valid JSON: line 3 should have ',' or '}' after a member"),
    ("{\"a\": 1} x", "is not valid JSON: line 1 should have nothing after the document"),
    ("{\"a\\q\": 1}", "is not valid JSON: line 1 should have a valid escape"),
    ("{\"\\ud83d\": 1}", "is not valid JSON: line 1 should have a low surrogate"),
    ("{\"a\": 0,\n \"b\": \"one\"}", "line 2: the id of \"b\" must be a whole number ≥ 0"),
    ("{\"a\": -1}", "line 1: the id of \"a\" must be a whole number ≥ 0"),
    ("{\"a\": 1.5}", "line 1: the id of \"a\" must be a whole number ≥ 0"),
    ("{\"a\": 1e300}", "line 1: the id of \"a\" must be a whole number ≥ 0"),
    ("{\"a\": 1,\n \"\\u0061\": 2}", "repeats the key \"a\" on line 2"),
    ("{\"a\": true}", "line 1: the id of \"a\" must be a whole number ≥ 0"),
    ("{\"a\": 12345678901234567}", "line 1: the id of \"a\" must be a whole number ≥ 0"),
    ("{\"a\": 0}", "has no entry for the byte 0x00 (\"Ā\")"),
  ])
  func badVocabularyNamesTheFile(vocabulary: String, reason: String) throws {
    let folder = try write(["vocab.json": vocabulary, "merges.txt": "#version: 0.2\n"])
    defer { try? FileManager.default.removeItem(at: folder) }
    let vocabularyPath = folder.appendingPathComponent("vocab.json").path
    do {
      _ = try GPT2Tokenizer(
        vocabularyFile: vocabularyPath,
        mergesFile: folder.appendingPathComponent("merges.txt").path)
      Issue.record("expected an error")
    } catch let TokenizerError.malformedVocabulary(file, message) {
      #expect(file == vocabularyPath)
      #expect(message.hasPrefix(reason), "\(message)")
    }
  }

  /// Keys may be written with JSON escapes (Python's json.dump escapes all non-ASCII).
  @Test func readsEscapedKeys() throws {
    var entries: [String] = []
    for (byte, c) in ByteLevelAlphabet.characters.enumerated() {
      let scalar = c.unicodeScalars.first!.value
      let key: String
      switch c {
      case "\"": key = "\\\""
      case "\\": key = "\\\\"
      case "/": key = "\\/"
      default: key = scalar > 0x7E ? "\\u" + String(format: "%04x", scalar) : String(c)
      }
      entries.append("\"\(key)\": \(byte)")
    }
    entries.append("\"\\u0120\\u0041\": 256")  // "ĠA"
    entries.append("\"\\ud83d\\ude00\": 257")  // an emoji: outside the alphabet, not stored
    let folder = try write([
      "vocab.json": "{\r\n" + entries.joined(separator: ",\r\n") + "\r\n}\r\n",
      "merges.txt": "#version: 0.2\nĠ A\n",
    ])
    defer { try? FileManager.default.removeItem(at: folder) }
    let tokenizer = try GPT2Tokenizer(
      vocabularyFile: folder.appendingPathComponent("vocab.json").path,
      mergesFile: folder.appendingPathComponent("merges.txt").path)
    #expect(tokenizer.vocabularySize == 258)
    #expect(tokenizer.largestID == 257)
    #expect(tokenizer.ids("A A\"/\\") == [0x41, 256, 0x22, 0x2F, 0x5C])
  }

  @Test func missingFileSaysSo() {
    #expect(
      throws: TokenizerError.malformedVocabulary(
        file: "/nonexistent/vocab.json", reason: "does not exist; check the path")
    ) {
      try GPT2Tokenizer(vocabularyFile: "/nonexistent/vocab.json", mergesFile: "/nonexistent/m")
    }
  }
}
