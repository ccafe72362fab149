import Foundation
import Testing

@testable import AttnvizTokens

/// tokenizer.json's `Unigram` model and `Precompiled` normaliser against the `tokenizers`
/// library (scripts/reference/make_unigram_references.py): T5's layout with the real `nmt_nfkc`
/// rules, transformers' SpmConverter layout and T5's with hand-written rules (a rule longer
/// than one character, ligatures, full-width letters), and a Unigram trained by tokenizers with
/// float64 scores and byte fallback, each on the hard texts of the other tokenizer references
/// plus normalisation cases. Ids and offsets must be equal.
struct UnigramReferences: Decodable {
  var texts: [String]
  var tokenizers: [ReferenceTokenizer]

  static let shared: UnigramReferences? = {
    let url = TokenizerReferences.fixtures.appendingPathComponent("unigram-references.json")
    guard let data = try? Data(contentsOf: url) else { return nil }
    return try? snakeCaseDecoder.decode(UnigramReferences.self, from: data)
  }()

  static var names: [String] { shared?.tokenizers.map(\.name) ?? [] }
}

@Suite("tokenizer.json Unigram and Precompiled against the tokenizers library")
struct UnigramTokenizerReferenceTests {
  @Test func referencesAreThere() throws {
    let references = try #require(UnigramReferences.shared)
    #expect(references.tokenizers.count == 4)
    #expect(references.texts.count >= 30)
  }

  @Test(arguments: UnigramReferences.names)
  func idsAndOffsetsMatch(_ name: String) throws {
    let references = try #require(UnigramReferences.shared)
    let entry = try #require(references.tokenizers.first { $0.name == name })
    let path = TokenizerReferences.fixtures.appendingPathComponent(
      "tokenizers/\(try #require(entry.file))"
    ).path
    let tokenizer = try HFTokenizer(contentsOf: path)
    #expect(tokenizer.kind == .unigram)
    #expect(entry.cases.count == references.texts.count)
    for (text, expected) in zip(references.texts, entry.cases) {
      let tokens = try tokenizer.encode(text)
      let ids = tokens.compactMap(\.id)
      #expect(ids == expected.ids, "\(name): \(text.debugDescription)")
      guard ids == expected.ids, let offsets = expected.offsets else { continue }
      let ranges = tokens.map { $0.sourceRange.map { [$0.lowerBound, $0.upperBound] } ?? [0, 0] }
      #expect(ranges == offsets, "\(name): offsets of \(text.debugDescription)")
    }
  }

  /// The references hold what makes these readers differ from a plain NFKC + Viterbi: unknown
  /// runs, byte pieces, a rule covering two characters, and a grapheme over 6 bytes.
  @Test func referencesExerciseTheHardParts() throws {
    let references = try #require(UnigramReferences.shared)
    let fallback = try #require(references.tokenizers.first { $0.name == "unigram-byte-fallback" })
    let tokenizer = try HFTokenizer(
      contentsOf: TokenizerReferences.fixtures.appendingPathComponent(
        "tokenizers/unigram-byte-fallback.json"
      ).path)
    let byteIDs = Set((0..<256).compactMap { tokenizer.id(of: "<0x\(hex(UInt8($0)))>") })
    #expect(byteIDs.count == 256)
    #expect(fallback.cases.contains { $0.ids.contains(where: byteIDs.contains) })
    let t5 = try #require(references.tokenizers.first { $0.name == "unigram-t5-rules" })
    #expect(t5.cases.contains { $0.ids.contains(2) }, "some text has the unknown id")
  }
}

@Suite("Unigram and Precompiled pieces")
struct UnigramTokenizerUnitTests {
  static func tokenizer(_ model: String, normalizer: String = "null") throws -> HFTokenizer {
    let json = """
      {"normalizer": \(normalizer), "pre_tokenizer": {"type": "Metaspace", "replacement": "▁",
       "prepend_scheme": "always", "split": true},
       "decoder": {"type": "Metaspace", "replacement": "▁"}, "model": \(model)}
      """
    return try HFTokenizer(jsonData: Array(json.utf8), source: "test.json")
  }

  static let vocabulary = """
    {"type": "Unigram", "unk_id": 0, "vocab": [["<unk>", 0], ["▁un", -1], ["aff", -2],
     ["able", -2], ["▁unaff", -6], ["a", -3], ["b", -3], ["l", -3], ["e", -3], ["f", -3],
     ["▁", -2], ["u", -3], ["n", -3]]}
    """

  @Test func segmentsByHighestTotalScore() throws {
    let tokenizer = try Self.tokenizer(Self.vocabulary)
    // ▁un + aff + able = -5 beats ▁unaff + able = -8.
    #expect(try tokenizer.encode("unaffable").map(\.text) == ["·un", "aff", "able"])
    // Unknown characters in a row fuse into one unknown token over their bytes.
    let tokens = try tokenizer.encode("unxyz")
    #expect(tokens.compactMap(\.id) == [1, 0])
    #expect(tokens.last?.sourceRange == 2..<5)
  }

  @Test func refusesBadModels() {
    let cases = [
      #"{"type": "Unigram", "vocab": [["a", 0]]}"#: "no \"unk_id\"",
      #"{"type": "Unigram", "unk_id": 3, "vocab": [["a", 0]]}"#: "not an id",
      #"{"type": "Unigram", "unk_id": 0, "vocab": [["a", "x"]]}"#: "[\"token\", score]",
      #"{"type": "Unigram", "unk_id": 0, "vocab": []}"#: "empty",
    ]
    for (model, reason) in cases {
      #expect {
        try Self.tokenizer(model)
      } throws: { error in
        "\(error)".contains(reason)
      }
    }
    #expect {
      try Self.tokenizer(
        Self.vocabulary, normalizer: #"{"type": "Precompiled", "precompiled_charsmap": "!!"}"#)
    } throws: { "\($0)".contains("base64") }
    #expect {
      try Self.tokenizer(
        Self.vocabulary, normalizer: #"{"type": "Precompiled", "precompiled_charsmap": "AQAAAA=="}"#
      )
    } throws: { "\($0)".contains("precompiled character map") }
  }

  @Test func emptyCharsMapIsNoRules() throws {
    let tokenizer = try Self.tokenizer(
      Self.vocabulary, normalizer: #"{"type": "Precompiled", "precompiled_charsmap": ""}"#)
    #expect(try tokenizer.encode("able").compactMap(\.id) == [10, 3])
  }

  /// A tokenizer.json whose map is corrupt in a rule (the offset past the replacements) fails
  /// on the text that reaches that rule, naming the problem, and does not read out of bounds.
  @Test func corruptRuleIsAnErrorNotACrash() throws {
    let references = try #require(UnigramReferences.shared)
    _ = references
    let path = TokenizerReferences.fixtures.appendingPathComponent(
      "tokenizers/unigram-t5-rules.json"
    ).path
    let root = try JSONValue(parsing: Array(try Data(contentsOf: URL(fileURLWithPath: path))))
    guard case .string(let encoded) = root["normalizer"]?["precompiled_charsmap"] else {
      Issue.record("no charsmap")
      return
    }
    var blob = Array(try #require(Data(base64Encoded: encoded)))
    let trieSize = Int(blob[0]) | Int(blob[1]) << 8 | Int(blob[2]) << 16 | Int(blob[3]) << 24
    blob.removeSubrange((4 + trieSize)...)  // keep the trie, drop every replacement
    let map = try PrecompiledCharsMap(blob)
    #expect(throws: PrecompiledCharsMap.Corrupt.self) {
      try map.shortestMatch(Array("ﬁ".utf8)[...])
    }
    let normalizer = HFTokenizer.Normalizer.precompiled(map)
    let bpe = try HFTokenizer.BPE(vocabulary: [("f", 0), ("<unk>", 1)], merges: [])
    let tokenizer = HFTokenizer(normalizer: normalizer, model: .bpe(bpe), source: "corrupt.json")
    #expect {
      try tokenizer.encode("ﬁ")
    } throws: { "\($0)".contains("replacement bytes") }
  }
}
