import AttnvizModel
import AttnvizRender
import AttnvizTables
import Foundation
import Testing

@testable import AttnvizKit

/// What a user reads, for one fixed input (the built-in layer on "The cat sat on the mat."),
/// compared with committed files: tables, JSON, SVG and PNG pixels. Figures use only the
/// embedded DejaVu subset (no system-font search), so the snapshots do not depend on the machine.
/// Re-record with `ATTNVIZ_RECORD=1 swift test --filter SnapshotTests` and read the diff.
@Suite struct OutputSnapshotTests {
  static let text = "The cat sat on the mat."

  func selection() throws -> AttentionSelection {
    let trace = try EmbeddedModel().trace(Self.text)
    return try AttentionSelection(trace: trace, layer: nil, head: nil, hideSpecial: false)
  }

  @Test func plainTerminalTable() throws {
    let selection = try selection()
    let table = renderTable(
      selection.matrix(head: 0), title: "head 1", options: TableOptions(colorMode: .plain))
    try assertSnapshot(table, named: "table-head1.txt")
  }

  @Test func truecolorTerminalTable() throws {
    let selection = try selection()
    let table = renderTable(
      selection.matrix(head: 1), title: "head 2",
      options: TableOptions(colorMode: .truecolor, colorMap: .viridis))
    try assertSnapshot(table, named: "table-head2-truecolor.txt")
  }

  @Test func markdownTable() throws {
    try assertSnapshot(
      renderMarkdownTable(try selection().matrix(head: 0)), named: "table-head1.md")
  }

  @Test func attentionJSONDocument() throws {
    try assertSnapshot(attentionJSON(try selection().trace), named: "attention.json")
  }

  @Test func figuresAsSVGAndPixels() throws {
    let selection = try selection()
    let fonts = try FontSet(searchSystemFonts: false)
    var options = FigureOptions()
    options.annotate = true
    let scenes = try figureScenes(
      selection, titles: Titles(trace: selection.trace, selection: selection),
      views: [.heatmap, .lines], focus: nil, style: figureStyle(options), measurer: fonts)
    #expect(
      scenes.map(\.stem) == [
        "heatmap-layer1-head1", "heatmap-layer1-head2", "lines-layer1-all-heads",
      ])
    for (stem, scene) in scenes where stem != "heatmap-layer1-head2" {
      try assertSnapshot(renderSVG(scene), named: stem + ".svg")
      try assertPixelSnapshot(try renderPNG(scene, scale: 1, fonts: fonts), named: stem + ".png")
    }
  }

  /// `--focus cat`: the heatmap's outlined cell and callout beside it, the lines view's
  /// underlaid line and callout at the key end.
  @Test func focusedFiguresAsSVGAndPixels() throws {
    let selection = try selection()
    let fonts = try FontSet(searchSystemFonts: false)
    let focus = try resolveFocus("cat", selection: selection)
    var scenes = try figureScenes(
      selection, titles: Titles(trace: selection.trace, selection: selection),
      views: [.heatmap, .lines], focus: focus, style: figureStyle(FigureOptions()),
      measurer: fonts)
    scenes = scenes.filter { $0.stem != "heatmap-layer1-head2" }
    for (stem, scene) in scenes {
      try assertSnapshot(renderSVG(scene), named: stem + "-focus-cat.svg")
      try assertPixelSnapshot(
        try renderPNG(scene, scale: 1, fonts: fonts), named: stem + "-focus-cat.png")
    }
  }
}
