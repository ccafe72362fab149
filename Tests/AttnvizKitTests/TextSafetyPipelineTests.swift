import AttnvizMath
import AttnvizModel
import AttnvizRender
import AttnvizStyle
import AttnvizTables
import Foundation
import Testing

@testable import AttnvizKit

#if canImport(FoundationXML)
  import FoundationXML
#endif

/// The text-safety rules where the pipeline applies them: provenance written by the SVG writer,
/// labels applied once where the matrices are built, one HTML shell with a CSP.
@Suite struct TextSafetyPipelineTests {
  /// A noncharacter, a bidi override and markup in the recorded command: the SVG is still
  /// well-formed XML (it was not when provenance had an escaper of its own) and `info` reads the
  /// exact command back.
  @Test func svgProvenanceIsWellFormedAndExact() throws {
    let words = [
      "--view", "heatmap", "--", "it\(nc(0xFFFE)) was \u{202E}<b>&'\"\(nc(0x1FFFF)) tired\n",
    ]
    let provenance = Provenance(arguments: words, model: "model \(nc(0xFFFF))<x>")
    let trace = try EmbeddedModel().trace("the cat")
    let selection = try AttentionSelection(trace: trace, layer: nil, head: nil, hideSpecial: false)
    let scene = try figureScenes(
      selection, titles: Titles(trace: trace, selection: selection), views: [.heatmap],
      focus: nil, style: try figureStyle(FigureOptions()), measurer: try FontSet())[0].1
    let svg = renderSVG(scene, metadata: provenance.pngText)
    let parser = XMLParser(data: Data(svg.utf8))
    #expect(parser.parse(), "not well-formed XML: \(String(describing: parser.parserError))")
    let entries = try #require(provenanceEntries(of: Array(svg.utf8)))
    let command = try #require(entries.first { $0.key == "attnviz-command" }?.value)
    #expect(parseJSONArrayOfStrings(command) == words)
    #expect(entries.first { $0.key == "attnviz-model" }?.value == "model \u{FFFD}<x>")
  }

  /// Every table of the run, the top-keys list included, shows a token by the one label rule:
  /// a newline token reads `\n` whether it is printed as a grid or as each query's top keys.
  @Test func labelsAreAppliedOnceWhereTheMatrixIsBuilt() throws {
    let trace = try EmbeddedModel().trace("cat \u{202E}dog\u{1B}[31m")
    let selection = try AttentionSelection(trace: trace, layer: nil, head: nil, hideSpecial: false)
    let matrix = selection.matrix(head: 0)
    #expect(matrix.rowLabels == trace.tokens.map { tokenLabel($0.text) })
    let top = renderTopKeys(matrix, k: 2, title: "t", asciiOnly: true)
    let grid = renderTable(matrix, title: "t", options: TableOptions(colorMode: .plain, width: 200))
    for label in matrix.rowLabels {
      #expect(top.contains(label), "\(label)")
      #expect(grid.contains(label), "\(label)")
    }
    #expect(!top.unicodeScalars.contains(where: isUnsafeScalar) || top.contains("\n"))
  }

  /// One HTML shell: every page attnviz writes, the deck index too, carries a
  /// Content-Security-Policy that forbids every fetch, and the deck index allows no script.
  @Test func everyPageHasTheShellWithACSP() {
    let deck = Deck(title: "T\u{0600}<script>alert(1)</script>", entries: [])
    let html = deckIndexHTML(deck, figures: [])
    #expect(
      html.contains(
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
          + "style-src 'unsafe-inline'; img-src data:\">"))
    #expect(!html.contains("<script"))
    #expect(html.contains("<title>\u{FFFD}&lt;script&gt;") || html.contains("<title>T\u{FFFD}&lt;"))
    let markdown = deckIndexMarkdown(deck, figures: [])
    #expect(!markdown.contains("<script>") && markdown.contains("\\<script\\>"))
  }
}

/// A noncharacter (Swift refuses them in literals).
private func nc(_ value: UInt32) -> String {
  Unicode.Scalar(value).map { String($0) } ?? ""
}
