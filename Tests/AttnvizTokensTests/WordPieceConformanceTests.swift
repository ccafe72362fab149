import Foundation
import Testing

@testable import AttnvizTokens

/// BERT's WordPiece against the `tokenizers` library where they disagreed (issue #27), from
/// scripts/reference/make_wordpiece_conformance.py: unassigned code points and noncharacters are
/// kept ([UNK]), marks and format characters newer than Unicode 8.0 (the BERT normaliser's
/// tables) are kept, private-use-only text is `[CLS] [SEP]`, not refused. Both readers of
/// all-MiniLM-L6-v2 agree: its tokenizer.json and its vocab.txt.
@Suite struct WordPieceConformanceTests {
  struct Reference: Decodable {
    var texts: [String]
    var ids: [[Int]]
  }

  static let folder = "models/all-MiniLM-L6-v2"
  static var present: Bool {
    FileManager.default.fileExists(atPath: folder + "/tokenizer.json")
      || ProcessInfo.processInfo.environment["ATTNVIZ_REQUIRE_MODELS"] == "1"
  }

  func reference() throws -> Reference {
    let url = TokenizerReferences.fixtures.appendingPathComponent("wordpiece-conformance.json")
    return try JSONDecoder().decode(Reference.self, from: Data(contentsOf: url))
  }

  @Test(.enabled(if: present, "run `make model` first"))
  func tokenizerJSONMatchesTheLibrary() throws {
    let reference = try reference()
    let tokenizer = try HFTokenizer(contentsOf: Self.folder + "/tokenizer.json")
    for (text, ids) in zip(reference.texts, reference.ids) {
      #expect(try tokenizer.tokenize(text).compactMap(\.id) == ids, "\(text.debugDescription)")
    }
  }

  @Test(.enabled(if: present, "run `make model` first"))
  func vocabTxtMatchesTheLibrary() throws {
    let reference = try reference()
    let tokenizer = try BertTokenizer(vocabularyFile: Self.folder + "/vocab.txt")
    for (text, ids) in zip(reference.texts, reference.ids) {
      #expect(try tokenizer.tokenize(text).compactMap(\.id) == ids, "\(text.debugDescription)")
    }
  }

  @Test func theCharacterTablesAreUnicode8() {
    #expect(isBertAccent("\u{08E3}") && !isBertAccent("\u{08D4}"))
    #expect(isBertControl("\u{200B}") && !isBertControl("\u{0890}"))
    #expect(isBertControl("\u{E000}") && !isBertControl("\u{0378}"))
  }

  @Test func blankTextIsStillRefused() throws {
    let tokenizer = try BertTokenizer(
      vocabulary: WordPieceVocabulary(tokens: ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "a"]))
    #expect(throws: TokenizerError.emptyText) { try tokenizer.tokenize(" \n\t") }
    #expect(try tokenizer.tokenize("\u{E000}").map(\.text) == ["[CLS]", "[SEP]"])
  }
}

/// A normaliser stage that multiplies the text is bounded by its output, not only its input:
/// a `Replace` of one letter by 100,000 passed 2 GiB within seconds before.
@Suite struct NormalizerBoundTests {
  @Test func aReplaceThatMultipliesTheTextIsRefusedWithItsLimit() throws {
    let huge = String(repeating: "x", count: 100_000)
    let tokenizer = try HFTokenizer(
      jsonData: tokenizerJSON([
        "normalizer": #"{"type": "Replace", "pattern": {"String": "t"}, "content": "\#(huge)"}"#
      ]), source: "bomb.json")
    // 41 letters t become 4.1 million scalars: over the limit of 4 Mi.
    let text = String(repeating: "t", count: 42)
    #expect(throws: TokenizerError.self) { try tokenizer.tokenize(text) }
    do {
      _ = try tokenizer.tokenize(text)
    } catch {
      #expect("\(error)".contains("limit of \(HFTokenizer.Normalizer.maximumOutput) characters"))
    }
    // Under the limit the same normaliser works.
    #expect(try tokenizer.tokenize("tt").count > 0)
  }
}
