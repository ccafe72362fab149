import AttnvizMath
import AttnvizRender
import Testing

@testable import AttnvizViews

/// The label-thinning rule and the slide preset: the focused token and its strongest key keep
/// their labels on every figure, the all-heads slide uses the 16:9 canvas, titles widen.
@Suite struct SlideFigureTests {
  var slide: FigureStyle {
    var style = FigureStyle()
    FigurePreset.slide.apply(to: &style)
    return style
  }

  @Test func thinnedLabelsAlwaysKeepTheMarkedOnes() {
    #expect(thinnedIndices(count: 8, stride: 1, keep: [3]) == Array(0..<8))
    #expect(thinnedIndices(count: 10, stride: 2) == [0, 2, 4, 6, 8])
    // Row 7 (“it”) and key 1 (“animal”) were dropped by every-second thinning.
    let shown = thinnedIndices(count: 16, stride: 2, keep: [7, 1])
    #expect(shown.contains(7) && shown.contains(1))
    // Neighbours give way so kept labels never collide.
    #expect(!shown.contains(0) && !shown.contains(2) && !shown.contains(6) && !shown.contains(8))
    #expect(shown == shown.sorted())
  }

  /// A heatmap so dense that labels thin out still names the focused query and its key.
  @Test func heatmapKeepsTheFocusedRowAndItsKeyLabelled() {
    let n = 60
    let tokens = (0..<n).map { "w\($0)" }
    let m = LabeledMatrix(
      attention(n, seed: 3), rowLabels: tokens, columnLabels: tokens, kind: .probabilities)
    var style = FigureStyle()
    style.maxGridSize = 400
    let scene = heatmapFigure(
      m, title: title, style: style, measurer: measurer,
      mark: CalloutMark(query: 33, key: 51, text: "w33 → w51 0.50"))
    let rows = scene.texts("row-label").map(\.string)
    let columns = scene.texts("column-label").map(\.string)
    #expect(rows.count < n && columns.count < n, "the axes are thinned")
    #expect(rows.contains("w33") && columns.contains("w51"))
  }

  /// The lecture's all-heads slide: 12 heads of 12 tokens with --focus. Every label shows (no
  /// thinning), each head outlines the focused row's strongest key, and the figure is landscape.
  @Test func allHeadsSlideShowsEveryLabelAndOutlinesTheFocus() {
    let heads = headMatrices(sentence, count: 12)
    let focus = 7  // "it"
    let scene = headsFigure(
      heads, panelTitles: (1...12).map { "Head \($0)" }, title: title, focus: focus,
      style: slide, measurer: measurer)
    let rows = Set(scene.texts("row-label").map(\.string))
    let columns = Set(scene.texts("column-label").map(\.string))
    #expect(rows == Set(sentence) && columns == Set(sentence))
    #expect(scene.width > scene.height * 1.3, "landscape: \(scene.width)×\(scene.height)")
    // Two rectangles (ink frame, white ring) per head, around the strongest key of row 7.
    let marks = scene.rects("callout-mark")
    #expect(marks.count == 24)
    let cells = scene.rects("cell")
    for (index, head) in heads.enumerated() {
      let row = Array(head.matrix.row(focus))
      let key = row.indices.max { row[$0] < row[$1] } ?? 0
      let cell = cells[index * 144 + focus * 12 + key]
      #expect(
        marks.contains { abs($0.x - cell.x) < 0.01 && abs($0.y - cell.y) < 0.01 },
        "head \(index + 1): key \(key)")
    }
  }

  /// On a slide, the heads grid fills more of the 16:9 canvas than the old 4 × 3 arrangement.
  @Test func slideHeadsGridFillsTheCanvas() {
    let heads = headMatrices(sentence, count: 12)
    let scene = headsFigure(
      heads, panelTitles: (1...12).map { "Head \($0)" }, title: title, style: slide,
      measurer: measurer)
    let fitted = min(1920 / scene.width, 1080 / scene.height)
    let used = scene.width * scene.height * fitted * fitted / (1920 * 1080)
    #expect(used > 0.6, "\(used) of the slide")
  }

  /// The lines slide's title ("… from “it”") is longer than 960 px at the slide's 32 px bold:
  /// the figure widens instead of cutting it.
  @Test func longTitlesWidenTheFigureInsteadOfBeingCut() {
    let heads = headMatrices(sentence, count: 12).map(\.matrix)
    let headline =
      "Who attends to whom · layer 4 of 6 · all 12 heads · from “it” · a long model name here"
    let scene = linesFigure(
      tokens: sentence, heads: heads, headNames: (1...12).map { "Head \($0)" }, focus: 7,
      title: FigureTitle(headline, subtitle: "s"), style: slide, measurer: measurer)
    #expect(scene.texts("title").map(\.string) == [headline])
  }

  /// A wide hidden layer (1536 dimensions) pools columns of dimensions, not tokens: the note
  /// says which (it said "1×2 tokens").
  @Test func poolingNoteNamesWhatEachAxisPools() {
    var m = Matrix(rows: 4, columns: 1536)
    for i in m.values.indices { m.values[i] = Double(i % 7) - 3 }
    var labeled = LabeledMatrix(
      m, rowLabels: ["a", "b", "c", "d"], columnLabels: nil, kind: .signed)
    labeled.labelsAreDimensions = true
    var style = FigureStyle()
    style.maxGridSize = 700
    let scene = heatmapFigure(labeled, title: title, style: style, measurer: measurer)
    let subtitle = scene.texts("subtitle").map(\.string).joined(separator: " ")
    #expect(subtitle.contains("of 1 token × 3 dimensions"), "\(subtitle)")
  }
}
