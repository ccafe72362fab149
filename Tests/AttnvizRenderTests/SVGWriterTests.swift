import Foundation
import Testing

@testable import AttnvizRender

#if canImport(FoundationXML)
  import FoundationXML
#endif

/// Collects elements, attributes and text of a parsed SVG.
final class SVGCollector: NSObject, XMLParserDelegate {
  var elements: [(name: String, attributes: [String: String])] = []
  var texts: [String] = []
  private var inText = false

  func parser(
    _ parser: XMLParser, didStartElement name: String, namespaceURI: String?,
    qualifiedName: String?, attributes: [String: String] = [:]
  ) {
    elements.append((name, attributes))
    if name == "text" {
      inText = true
      texts.append("")
    }
  }

  func parser(
    _ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?
  ) {
    if name == "text" { inText = false }
  }

  func parser(_ parser: XMLParser, foundCharacters string: String) {
    if inText { texts[texts.count - 1] += string }
  }
}

func parseSVG(_ svg: String) throws -> SVGCollector {
  let parser = XMLParser(data: Data(svg.utf8))
  let collector = SVGCollector()
  parser.delegate = collector
  let ok = parser.parse()
  try #require(ok, "SVG is not well-formed XML: \(String(describing: parser.parserError))")
  return collector
}

@Suite("SVG writer")
struct SVGWriterTests {
  @Test("every item becomes one element with the scene's geometry")
  func elements() throws {
    var scene = Scene(width: 120.5, height: 80, background: RGBA(250, 250, 245))
    scene.add(
      .rect(
        RectItem(
          x: 1, y: 2.345, width: 10, height: 20, fill: RGBA(68, 1, 84), stroke: .black,
          strokeWidth: 0.5, role: "cell")))
    scene.add(
      .line(
        LineItem(
          from: Point(0, 0), to: Point(-0.001, 33.333), color: RGBA(255, 0, 0, 128), width: 2)))
    scene.add(
      .text(
        TextItem(
          "a<b & \"c\" 'd'", at: Point(10, 20), size: 12, anchor: .end, weight: .bold,
          rotation: 90, role: "label")))
    scene.add(.text(TextItem(" tab\there\u{0}\u{7F}", at: Point(5, 5), size: 9)))
    scene.add(.rect(RectItem(x: 0, y: 0, width: 5, height: 5, fill: .clear, stroke: .black)))
    let svg = renderSVG(scene)
    let parsed = try parseSVG(svg)
    let names = parsed.elements.map(\.name)
    #expect(names == ["svg", "rect", "rect", "line", "text", "text", "rect"])
    #expect(parsed.elements[6].attributes["fill"] == "none")
    let root = parsed.elements[0].attributes
    #expect(root["width"] == "120.5" && root["height"] == "80")
    #expect(root["viewBox"] == "0 0 120.5 80")
    let background = parsed.elements[1].attributes
    #expect(background["fill"] == "#fafaf5" && background["width"] == "120.5")
    let cell = parsed.elements[2].attributes
    #expect(cell["class"] == "cell" && cell["y"] == "2.35" && cell["fill"] == "#440154")
    #expect(cell["stroke"] == "#000000" && cell["stroke-width"] == "0.5")
    #expect(cell["shape-rendering"] == "crispEdges")
    let line = parsed.elements[3].attributes
    #expect(line["x2"] == "0")  // -0.001 rounds to 0, never "-0"
    #expect(line["y2"] == "33.33" && line["stroke-opacity"] == "0.502")
    #expect(line["stroke-linecap"] == "butt")
    let label = parsed.elements[4].attributes
    #expect(label["text-anchor"] == "end" && label["font-weight"] == "bold")
    #expect(label["transform"] == "rotate(-90 10 20)")
    #expect(label["font-family"] == "DejaVu Sans, Verdana, Arial, sans-serif")
    #expect(label["class"] == "label" && label["font-size"] == "12")
    #expect(parsed.texts == ["a<b & \"c\" 'd'", " tab\u{FFFD}here\u{FFFD}\u{FFFD}"])
    #expect(svg.contains("a&lt;b &amp; &quot;c&quot; &apos;d&apos;"))
  }

  @Test("output is deterministic and free of external references")
  func deterministic() throws {
    let first = renderSVG(demoScene())
    #expect(first == renderSVG(demoScene()))
    #expect(!first.contains("href") && !first.contains("url("))
    let parsed = try parseSVG(first)
    let textItems = demoScene().items.filter { if case .text = $0 { true } else { false } }
    #expect(parsed.texts.count == textItems.count)
  }

  @Test(
    "numbers are compact and never -0",
    arguments: [
      (12.0, "12"), (0.5, "0.5"), (1.0 / 3, "0.33"), (-0.001, "0"), (-2.678, "-2.68"),
      (1e20, "1000000000000"), (Double.nan, "0"), (0.1 + 0.2, "0.3"), (-7.5, "-7.5"),
    ])
  func numbers(value: Double, expected: String) {
    #expect(SVGWriter.format(value) == expected)
  }
}
