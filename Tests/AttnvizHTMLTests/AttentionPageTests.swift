import AttnvizMath
import AttnvizStyle
import Foundation
import Testing

@testable import AttnvizHTML

@Suite struct HTMLTextTests {
  @Test func escapeHTMLEscapesTheFiveAndDefusesControls() {
    #expect(
      escapeHTML("<a href=\"x\">'&'</a>")
        == "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;")
    #expect(escapeHTML("a\u{202E}b\u{1B}c") == "a\u{FFFD}b\u{FFFD}c")
  }

  @Test func scriptStringsCannotCloseTheScript() throws {
    let hostile = "</script><!-- \u{2028}\"\\\n\u{85}"
    let literal = scriptJSONString(hostile)
    #expect(!literal.contains("<") && !literal.contains(">") && !literal.contains("&"))
    #expect(!literal.unicodeScalars.contains { $0.value < 0x20 || $0 == "\u{2028}" })
    // Still JSON that reads back to the same text.
    let back =
      try JSONSerialization.jsonObject(
        with: Data("[\(literal)]".utf8)) as? [String]
    #expect(back == [hostile])
  }
}

@Suite struct PageBudgetTests {
  @Test func smallPagesHoldEveryWeightInFull() {
    let budget = PageBudget(tokens: 16, layerCount: 6, heads: 12, selected: 5)
    #expect(budget.precision == .full && budget.layers == Array(0..<6))
  }

  @Test func mediumPagesRoundToHundredths() {
    // 200² × 72 = 2.88 M numbers: over the full limit, under the page limit.
    let budget = PageBudget(tokens: 200, layerCount: 6, heads: 12, selected: 5)
    #expect(budget.precision == .hundredths && budget.layers == Array(0..<6))
  }

  @Test(arguments: [(5, [0, 5]), (2, [2, 5]), (0, [0, 5])])
  func largePagesKeepTheShownLayer(selected: Int, expected: [Int]) {
    // 500² × 12 = 3 M numbers a layer: two layers fit in 8 M, the first and the last, the
    // shown one replacing the nearer of them.
    let budget = PageBudget(tokens: 500, layerCount: 6, heads: 12, selected: selected)
    #expect(budget.precision == .hundredths && budget.layers == expected)
  }

  @Test func theShownLayerIsKeptEvenWhenItAloneIsOverBudget() {
    let budget = PageBudget(tokens: 2048, layerCount: 1, heads: 2, selected: 0)
    #expect(budget.layers == [0])
  }
}

@Suite struct AttentionPageTests {
  func page(_ precision: PageBudget.Precision, tokens: [String] = ["a", "b"]) -> AttentionPage {
    let n = tokens.count
    var m = Matrix(rows: n, columns: n)
    for r in 0..<n { for c in 0..<n { m[r, c] = [0.125, 0.875, 0.135, 0.865][(r * n + c) % 4] } }
    return AttentionPage(
      modelName: "m<b>", subtitle: "1 layer", tokens: tokens, layerCount: 1, heads: 1,
      keyValueHeads: 1, causal: false, layers: [(number: 0, heads: [m])], precision: precision,
      initialLayer: 0, initialHead: 0, notes: ["n & m"], colorMap: .viridis,
      headColors: [RGBA(0, 114, 178)])
  }

  @Test func hundredthsAreRoundedAsTheTablesRound() throws {
    let data = try #require(Data(base64Encoded: page(.hundredths).weightsBase64()))
    // 0.125 → 12 and 0.875 → 88 (ties to even), 0.135 → 14 (above the tie in binary).
    #expect(Array(data) == [12, 88, 14, 86])
  }

  @Test func fullPrecisionKeepsTheExactDoubles() throws {
    let data = try #require(Data(base64Encoded: page(.full).weightsBase64()))
    #expect(data.count == 32)
    let first = data.prefix(8).enumerated().reduce(UInt64(0)) { $0 | UInt64($1.1) << (8 * $1.0) }
    #expect(Double(bitPattern: first) == 0.125)
  }

  @Test func metadataIsJSONWithTheTokensAndHeads() throws {
    let hostile = ["</script>", "a\"b"]
    let meta = page(.full, tokens: hostile).metadataJSON()
    #expect(!meta.contains("</script>"))
    let object = try #require(
      try JSONSerialization.jsonObject(with: Data(meta.utf8)) as? [String: Any])
    #expect(object["tokens"] as? [String] == hostile)
    #expect(object["keyValueHeads"] as? Int == 1 && object["heads"] as? Int == 1)
    #expect((object["colorMap"] as? String)?.count == 256 * 6)
  }

  @Test func textIsEscapedAndThePageHasOneScriptOfItsOwn() {
    let html = page(.full).html()
    #expect(html.contains("<h1>Self-attention · m&lt;b&gt;</h1>"))
    #expect(html.contains("<p class=\"note\">n &amp; m</p>"))
    #expect(html.components(separatedBy: "<script").count - 1 == 3)
    #expect(html.components(separatedBy: "</script>").count - 1 == 3)
  }
}
