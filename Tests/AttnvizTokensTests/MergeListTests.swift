import Testing

@testable import AttnvizTokens

/// GGUF merge lines split at a byte offset (`HFTokenizer.ggufMerges`, `MergeList`): the split
/// llama.cpp's `find(' ', 1)` makes, after a first scalar of any UTF-8 length, and the same
/// refusals as the pairs of a tokenizer.json.
@Suite("GGUF merge lines read in place")
struct MergeListTests {
  static func halves(_ merges: MergeList) -> [[String]] {
    (0..<merges.count).map {
      let (l, r) = merges.halves($0)
      return [l, r]
    }
  }

  @Test func linesSplitAtTheFirstSpaceAfterTheFirstScalar() throws {
    let merges = try HFTokenizer.ggufMerges(["a b", "é ab", "  x", "អ ា", "🙂 a b"])
    #expect(
      Self.halves(merges) == [["a", "b"], ["é", "ab"], [" ", "x"], ["អ", "ា"], ["🙂", "a b"]])
    #expect(Self.halves(MergeList(pairs: [("a", "b"), ("", "c")])) == [["a", "b"], ["", "c"]])
  }

  @Test(arguments: ["ab", "", "é", " "])
  func aLineWithoutASecondHalfIsRefused(line: String) {
    #expect(
      throws: GGUFTokenizerError(
        key: "tokenizer.ggml.merges",
        reason: "entry 1 (\"\(line)\") is not two tokens and a space")
    ) { try HFTokenizer.ggufMerges(["a b", line]) }
  }

  @Test(arguments: [
    ("a c", "c"), ("c a", "c"), ("a a", "aa"),
  ])
  func aMergeOfAnUnlistedTokenIsNamed(line: String, missing: String) throws {
    let merges = try HFTokenizer.ggufMerges(["a b", line])
    #expect(
      throws: TokenizerError.malformedVocabulary(
        file: "",
        reason: "merge 2 (\"\(line)\") uses \"\(missing)\", which the vocabulary does not list")
    ) {
      try HFTokenizer.BPE(vocabulary: [("a", 0), ("b", 1), ("ab", 2)], merges: merges)
    }
  }

  @Test func linesAndPairsMakeTheSameTable() throws {
    let vocabulary = [("a", 0), ("b", 1), ("ab", 2), ("é", 3), ("éab", 4)]
    let lines = try HFTokenizer.ggufMerges(["a b", "é ab"])
    let fromLines = try HFTokenizer.BPE.mergeTable(
      lines, ids: HFTokenizer.BPE(vocabulary: vocabulary, merges: lines).ids, prefix: nil)
    let pairs = MergeList(pairs: [("a", "b"), ("é", "ab")])
    let fromPairs = try HFTokenizer.BPE.mergeTable(
      pairs, ids: HFTokenizer.BPE(vocabulary: vocabulary, merges: pairs).ids, prefix: nil)
    let entries = { (table: [SymbolPair: Merge]) in table.mapValues { [$0.rank, $0.merged] } }
    #expect(entries(fromLines) == entries(fromPairs))
    #expect(
      entries(fromLines) == [
        SymbolPair(left: 0, right: 1): [0, 2], SymbolPair(left: 3, right: 2): [1, 4],
      ])
  }
}
