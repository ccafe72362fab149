import AttnvizMath
import AttnvizModel
import AttnvizRender
import Testing

@testable import AttnvizKit

/// `--focus it`: each heatmap outlines the cell of *it*'s strongest key in that head, the lines
/// view underlays the line to the strongest key of the heads it draws (their average), and both
/// write the callout on the figure; the caption line under the figure needs `--callout K`.
@Suite struct CalloutSceneTests {
  let sentence = "The animal didn't cross the street because it was too tired."

  func scenes(views: [ViewKind]) throws -> (AttentionSelection, [(stem: String, scene: Scene)]) {
    let trace = try EmbeddedModel().trace(sentence)
    let selection = try AttentionSelection(trace: trace, layer: nil, head: nil, hideSpecial: false)
    let focus = try resolveFocus("it", selection: selection)
    let scenes = try figureScenes(
      selection, titles: Titles(trace: trace, selection: selection), views: views, focus: focus,
      style: try figureStyle(FigureOptions()), measurer: try FontSet())
    return (selection, scenes)
  }

  func strongest(_ row: [Double]) -> Int {
    row.indices.max { row[$0] < row[$1] || (row[$0] == row[$1] && $0 > $1) } ?? 0
  }

  func rects(_ scene: Scene, _ role: String) -> [RectItem] {
    scene.items.compactMap { if case .rect(let r) = $0, r.role == role { r } else { nil } }
  }

  func texts(_ scene: Scene, _ role: String) -> [String] {
    scene.items.compactMap { if case .text(let t) = $0, t.role == role { t.string } else { nil } }
  }

  @Test func eachHeatmapMarksItsHeadsStrongestKey() throws {
    let (selection, scenes) = try scenes(views: [.heatmap])
    let it = selection.labels.firstIndex(of: "it")!
    let n = selection.labels.count
    for (h, (_, scene)) in scenes.enumerated() {
      let row = Array(selection.matrix(head: h).matrix.row(it))
      let key = strongest(row)
      let cell = rects(scene, "cell")[it * n + key]
      let outline = try #require(rects(scene, "callout-mark").first)
      #expect(outline.x == cell.x && outline.y == cell.y, "head \(h + 1)")
      let weight = formatFixed(row[key], decimals: 2)
      #expect(texts(scene, "callout") == ["it → \(selection.labels[key]) \(weight)"])
    }
  }

  @Test func theLinesViewMarksTheStrongestKeyOfTheAverage() throws {
    let (selection, scenes) = try scenes(views: [.lines])
    let it = selection.labels.firstIndex(of: "it")!
    let row = Array(selection.averageMatrix().matrix.row(it))
    let key = strongest(row)
    let scene = try #require(scenes.first?.scene)
    let weight = formatFixed(row[key], decimals: 2)
    #expect(
      texts(scene, "callout") == [
        "it → \(selection.labels[key]) \(weight) (average of 2 heads)"
      ])
    let bold = scene.items.compactMap { item -> String? in
      if case .text(let t) = item, t.role == "column-label", t.weight == .bold {
        t.string
      } else {
        nil
      }
    }
    #expect(bold == [selection.labels[key]])
  }
}
