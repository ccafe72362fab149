import AttnvizStyle
import Foundation
import Testing

@testable import AttnvizHTML

/// generation.html: one self-contained file whose data is valid JSON, text escaped for markup
/// and script, the weights as the two-decimal rule prints them.
@Suite struct GenerationPageTests {
  let page = GenerationPage(
    modelName: "SmolLM2-135M-Instruct", subtitle: "2 tokens · greedy · “</script><b>x”",
    tokens: [
      .init(label: "<|im_start|>", role: "user", isMarker: true, isSpecial: true),
      .init(label: "Hi</script>", role: "user"),
      .init(label: "\\n", role: "assistant", isMarker: true),
      .init(label: "Hello", role: "assistant"),
      .init(label: "!", role: "assistant"),
    ], promptCount: 3,
    steps: [
      .init(
        probability: 0.125,
        alternatives: [
          .init(label: "Hello", probability: 0.125, isChosen: true),
          .init(label: "<b>", probability: 0.1, isChosen: false),
        ], rows: [[[0.5, 0.25, 0.25], [1, 0, 0]]]),
      .init(
        probability: 0.999, alternatives: [],
        rows: [[[0.125, 0.375, 0.25, 0.25], [0.0049, 0.0051, 0.99, 0]]]),
    ], layers: [30], headNames: ["average of 1 heads", "head 1"], initialLayer: 0, notes: [],
    colorMap: .viridis)

  func data(_ html: String) throws -> [String: Any] {
    let start = try #require(html.range(of: "id=\"generation-data\">"))
    let end = try #require(html.range(of: "</script>", range: start.upperBound..<html.endIndex))
    let json = Data(html[start.upperBound..<end.lowerBound].utf8)
    return try #require(try JSONSerialization.jsonObject(with: json) as? [String: Any])
  }

  @Test func dataHoldsTokensRolesAndHundredths() throws {
    let document = try data(page.html())
    let tokens = try #require(document["tokens"] as? [[String: Any]])
    #expect(
      tokens.map { $0["t"] as? String } == ["<|im_start|>", "Hi</script>", "\\n", "Hello", "!"])
    #expect(
      tokens.map { $0["r"] as? String } == ["user", "user", "assistant", "assistant", "assistant"])
    #expect(tokens.map { $0["m"] as? Bool } == [true, false, true, false, false])
    #expect(document["prompt"] as? Int == 3)
    let steps = try #require(document["steps"] as? [[String: Any]])
    // 0.125 prints as 0.12 (an exact half rounds to even, as printf does); 0.0049 → 0, 0.0051 → 1.
    #expect(steps[0]["p"] as? String == "0.12")
    #expect(steps[0]["w"] as? [[[Int]]] == [[[50, 25, 25], [100, 0, 0]]])
    #expect(steps[1]["w"] as? [[[Int]]] == [[[12, 38, 25, 25], [0, 1, 99, 0]]])
    #expect(steps[1]["p"] as? String == "1.00")
    let alternatives = try #require(steps[0]["a"] as? [[Any]])
    #expect(alternatives[1][0] as? String == "<b>" && alternatives[1][1] as? String == "0.10")
    #expect(alternatives[0][2] as? Bool == true)
    let colors = try #require(document["colors"] as? [[String]])
    #expect(colors.count == 101 && colors.allSatisfy { $0[0].count == 7 && $0[0].hasPrefix("#") })
  }

  @Test func oneOfflineFileWithItsTextEscaped() {
    let html = page.html()
    #expect(html == page.html())
    #expect(
      html.contains("default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'\""))
    #expect(!html.contains("<b>x"))
    #expect(html.contains("&lt;/script&gt;&lt;b&gt;x"))
    // Inside the data, "</script>" cannot close the element.
    #expect(html.components(separatedBy: "</script>").count == 3)
    #expect(!html.contains("http://") || html.components(separatedBy: "http://").count == 2)
    #expect(html.contains("aria-keyshortcuts"))
  }

  @Test func hundredthsFollowTheTwoDecimalRule() {
    #expect(hundredths(0) == 0)
    #expect(hundredths(1) == 100)
    #expect(hundredths(0.125) == 12)
    #expect(hundredths(0.375) == 38)
    #expect(hundredths(0.994) == 99)
    #expect(hundredths(0.996) == 100)
  }
}
