import AttnvizMath
import AttnvizStyle
import Foundation
import Testing

@testable import AttnvizHTML

/// translation.html: one self-contained file whose data is valid JSON, text escaped for both
/// markup and script, the heads' average first, numbers printed by the one formatter.
@Suite struct TranslationPageTests {
  let page = TranslationPage(
    modelName: "firefox-en-pt", subtitle: "English → Portuguese · “</script><b>x”",
    source: ["·The", "</script>", "</s>"], target: ["·O", "</s>"],
    layers: [
      [
        Matrix([[0.5, 0.25, 0.25], [0.0, 0.0, 1.0]]),
        Matrix([[1.0, 0.0, 0.0], [0.0, 0.5, 0.5]]),
      ]
    ], initialLayer: 0, colorMap: .viridis)

  func data(_ html: String) throws -> [String: Any] {
    let start = try #require(html.range(of: "<script type=\"application/json\" id=\"data\">"))
    let end = try #require(html.range(of: "</script>", range: start.upperBound..<html.endIndex))
    let json = Data(html[start.upperBound..<end.lowerBound].utf8)
    return try #require(try JSONSerialization.jsonObject(with: json) as? [String: Any])
  }

  @Test func dataHoldsTheAverageThenEachHead() throws {
    let document = try data(page.html())
    #expect(document["source"] as? [String] == ["·The", "</script>", "</s>"])
    let layers = try #require(document["layers"] as? [[String: Any]])
    let labels = try #require(layers[0]["labels"] as? [[[String]]])
    #expect(labels.count == 3)
    // The average; 0.125 prints as 0.12, as C printf rounds an exact half to even.
    #expect(labels[0][0] == ["0.75", "0.12", "0.12"])
    #expect(labels[1][1] == ["0.00", "0.00", "1.00"])
    let colors = try #require(document["colors"] as? [String])
    #expect(colors.count == 256 && colors.allSatisfy { $0.count == 7 && $0.hasPrefix("#") })
  }

  @Test func textCannotEscapeIntoMarkupOrScript() {
    let html = page.html()
    #expect(!html.contains("<b>x"))
    // The one </script> in the data is escaped; the page has exactly its two script elements.
    #expect(html.components(separatedBy: "</script>").count == 3)
    #expect(!html.contains("http://") && !html.contains("https://"))
    #expect(html.contains("default-src 'none'"))
    #expect(page.html() == html)
  }
}
