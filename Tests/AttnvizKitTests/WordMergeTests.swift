import AttnvizMath
import AttnvizModel
import AttnvizTokens
import Testing

@testable import AttnvizKit

/// `--merge-subwords` on constructed pieces: the grouping rule and Clark et al.'s sum/mean.
@Suite struct WordMergeTests {
  /// "[CLS] the ti ##red . [SEP]" over the text "the tired." (WordPiece-like ranges).
  static let text = "the tired."
  static let tokens = [
    Token("[CLS]", isSpecial: true), Token("the", sourceRange: 0..<3),
    Token("ti", sourceRange: 4..<6), Token("##red", sourceRange: 6..<9),
    Token(".", sourceRange: 9..<10), Token("[SEP]", isSpecial: true),
  ]

  @Test func piecesOfOneWordGroupAndPunctuationStaysApart() {
    #expect(wordGroups(Self.tokens, text: Self.text) == [[0], [1], [2, 3], [4], [5]])
    // "didn't" is one word: the apostrophe is inside it.
    let didnt = [
      Token("didn", sourceRange: 0..<4), Token("'", sourceRange: 4..<5),
      Token("t", sourceRange: 5..<6), Token("go", sourceRange: 7..<9),
    ]
    #expect(wordGroups(didnt, text: "didn't go") == [[0, 1, 2], [3]])
    // Leading punctuation and multi-byte text keep their offsets.
    let quoted = [
      Token("«", sourceRange: 0..<2), Token("été", sourceRange: 2..<7),
      Token("»", sourceRange: 7..<9),
    ]
    #expect(wordGroups(quoted, text: "«été»") == [[0], [1], [2]])
  }

  @Test func toAWordSumsFromAWordAverages() {
    var a = Matrix(rows: 6, columns: 6)
    for r in 0..<6 { for c in 0..<6 { a[r, c] = Double((r * 7 + c * 3) % 5 + 1) } }
    for r in 0..<6 {
      let sum = a.row(r).reduce(0, +)
      for c in 0..<6 { a[r, c] /= sum }
    }
    let groups = wordGroups(Self.tokens, text: Self.text)
    let m = mergedMatrix(a, groups: groups)
    #expect(m.rows == 5 && m.columns == 5)
    // Row "tired" = mean of rows ti and ##red; column "tired" = their sum.
    #expect(abs(m[2, 0] - (a[2, 0] + a[3, 0]) / 2) < 1e-15)
    #expect(abs(m[1, 2] - (a[1, 2] + a[1, 3])) < 1e-15)
    #expect(abs(m[2, 2] - (a[2, 2] + a[2, 3] + a[3, 2] + a[3, 3]) / 2) < 1e-15)
    for r in 0..<5 { #expect(abs(m.row(r).reduce(0, +) - 1) < 1e-12) }
  }

  @Test func theTraceKeepsTextsAndSpecialTokens() {
    let uniform = Matrix(rows: 6, columns: 6, repeating: 1.0 / 6)
    let model = ModelInfo(
      name: "m", family: .transformer(.bert), layers: 1, heads: 1, dModel: 4, causal: false)
    let trace = AttentionTrace(
      text: Self.text, tokens: Self.tokens, model: model,
      layers: [LayerTrace(weights: [uniform])])
    let merged = mergingSubwords(trace)
    #expect(merged.tokens.map(\.text) == ["[CLS]", "the", "tired", ".", "[SEP]"])
    #expect(merged.tokens.map(\.isSpecial) == [true, false, false, false, true])
    #expect(abs(merged.layers[0].weights[0][0, 2] - 2.0 / 6) < 1e-15)
  }
}
