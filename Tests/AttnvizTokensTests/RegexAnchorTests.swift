import Foundation
import Testing

@testable import AttnvizTokens

/// `\A` and `\z` as Oniguruma (and so the `tokenizers` library) reads them: the start and the
/// end of the whole text a normaliser or pre-tokenizer is given. transformers 5 writes them for
/// SentencePiece models (`SpmConverter.build_tokenizer_from_spm_proto`); the references are the
/// ids tokenizers gives with the two layouts it builds from a small unigram model
/// (scripts/reference/make_anchor_references.py), on texts with spaces at the edges, a leading
/// ▁ and added tokens between spaces (tokenizers normalises each part between added tokens on
/// its own, so the anchors match at the edges of every part).
@Suite("Regex anchors \\A and \\z against the tokenizers library")
struct RegexAnchorTests {
  static let references: UnigramReferences? = {
    let url = TokenizerReferences.fixtures.appendingPathComponent("anchor-references.json")
    guard let data = try? Data(contentsOf: url) else { return nil }
    return try? snakeCaseDecoder.decode(UnigramReferences.self, from: data)
  }()

  @Test(arguments: ["unigram-anchors-legacy", "unigram-anchors-first"])
  func idsMatchTheTokenizersLibrary(_ name: String) throws {
    let references = try #require(Self.references)
    let entry = try #require(references.tokenizers.first { $0.name == name })
    let path = TokenizerReferences.fixtures.appendingPathComponent(
      "tokenizers/\(try #require(entry.file))"
    ).path
    let json = try String(contentsOfFile: path, encoding: .utf8)
    #expect(json.contains(#"\\A +| +\\z"#), "the file has transformers 5's anchors")
    let tokenizer = try HFTokenizer(contentsOf: path)
    #expect(entry.cases.count == references.texts.count)
    for (text, expected) in zip(references.texts, entry.cases) {
      let ids = try tokenizer.encode(text).compactMap(\.id)
      #expect(ids == expected.ids, "\(name): \(text.debugDescription)")
    }
  }

  /// The references tell the anchors from a plain " +": removing every run of spaces, or
  /// none, would give other ids.
  @Test func referencesNeedTheAnchors() throws {
    let references = try #require(Self.references)
    let legacy = try #require(references.tokenizers.first { $0.name == "unigram-anchors-legacy" })
    let first = try #require(references.tokenizers.first { $0.name == "unigram-anchors-first" })
    let index = try #require(references.texts.firstIndex(of: "\u{2581}\u{2581}two of them"))
    // legacy doubles a leading ▁ (\A▁ → ▁▁), so its ids are one longer.
    #expect(legacy.cases[index].ids.count == first.cases[index].ids.count + 1)
    let spaced = try #require(references.texts.firstIndex(of: " x "))
    let plain = try #require(references.texts.firstIndex(of: "x"))
    #expect(legacy.cases[spaced].ids == legacy.cases[plain].ids)
  }

  @Test func anchorsMatchOnlyAtTheEdges() throws {
    let text = Array("  a  b  ".unicodeScalars)
    #expect(try SplitRegex(#"\A +| +\z"#).matches(in: text) == [0..<2, 6..<8])
    #expect(try SplitRegex(#"\A"#).matches(in: text) == [0..<0])
    #expect(try SplitRegex(#"\z"#).matches(in: text) == [8..<8])
    #expect(try SplitRegex(#"\Ab"#).matches(in: text) == [])
  }

  @Test(arguments: [#"\A*"#, #"\z+"#, #"[\A]"#, #"\Z"#, "^a", "a$"])
  func unsupportedFormsAreRefused(_ pattern: String) {
    #expect(throws: SplitRegex.PatternError.self) { try SplitRegex(pattern) }
  }
}
