import AttnvizModel
import AttnvizRender
import Foundation
import Testing

@testable import AttnvizKit

#if canImport(FoundationXML)
  import FoundationXML
#endif

/// Every view's SVG, as a user gets it: valid XML, no external references, and one `<text>` per
/// token label on each axis.
@Suite struct FigureSVGTests {
  @Test func everyViewIsValidSVGWithOneLabelPerToken() throws {
    let trace = try EmbeddedModel().trace(
      "The animal didn't cross the street because it was too tired.")
    let selection = try AttentionSelection(trace: trace, layer: nil, head: nil, hideSpecial: false)
    let fonts = try FontSet()
    // --view rnn needs a focus token; the others draw as they would without it.
    let scenes = try figureScenes(
      selection, titles: Titles(trace: trace, selection: selection), views: ViewKind.allCases,
      focus: try resolveFocus("it", selection: selection),
      style: try figureStyle(FigureOptions()), measurer: fonts)
    #expect(
      scenes.map(\.0).map { $0.hasPrefix("rnn-layer1-head") ? "rnn" : $0 } == [
        "heatmap-layer1-head1", "heatmap-layer1-head2", "heads-layer1", "lines-layer1-all-heads",
        "model", "patterns", "sinks", "rollout", "stats", "contribution-layer1", "rnn", "tokens",
      ])
    for (name, scene) in scenes {
      let svg = renderSVG(scene)
      #expect(!svg.contains("href"), "\(name)")
      let texts = SVGTexts()
      let parser = XMLParser(data: Data(svg.utf8))
      parser.delegate = texts
      #expect(parser.parse(), "\(name) is not well-formed XML")
      #expect(texts.root == "svg")
      func labels(_ role: String) -> [String] { texts.items.filter { $0.role == role }.map(\.text) }
      if name.hasPrefix("heatmap") {
        #expect(labels("row-label") == trace.tokens.map(\.text), "\(name)")
        #expect(labels("column-label") == trace.tokens.map(\.text), "\(name)")
      }
      if name.hasPrefix("heads") || name.hasPrefix("contribution") {
        // Labels on the outer panels: the left panel's rows, and columns under each panel.
        #expect(labels("row-label") == trace.tokens.map(\.text), "\(name)")
        #expect(labels("column-label").count == 2 * trace.tokens.count, "\(name)")
      }
    }
  }
}

/// The `<text>` elements of an SVG: their class and content.
final class SVGTexts: NSObject, XMLParserDelegate {
  var root: String?
  var items: [(role: String?, text: String)] = []
  private var current: (role: String?, text: String)?

  func parser(
    _ parser: XMLParser, didStartElement name: String, namespaceURI: String?,
    qualifiedName: String?, attributes: [String: String] = [:]
  ) {
    if root == nil { root = name }
    if name == "text" { current = (attributes["class"], "") }
  }

  func parser(_ parser: XMLParser, foundCharacters string: String) {
    current?.text += string
  }

  func parser(
    _ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?
  ) {
    if name == "text", let item = current { items.append(item) }
    if name == "text" { current = nil }
  }
}
