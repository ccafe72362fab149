import AttnvizMath
import AttnvizRender
import Testing

@testable import AttnvizViews

/// The alignment figure: source above, translation below, one line per weight ≥ 0.05 (and the
/// strongest of every row even when smaller), the strongest in the accent colour.
@Suite struct AlignmentFigureTests {
  let source = ["The", "black", "cat", "</s>"]
  let target = ["O", "gato", "preto", "</s>"]
  // Rows sum to 1: gato reads cat, preto reads black (the crossing), one faint 0.02.
  let weights = Matrix([
    [0.9, 0.02, 0.04, 0.04],
    [0.1, 0.2, 0.7, 0.0],
    [0.0, 0.85, 0.15, 0.0],
    [0.0, 0.0, 0.0, 1.0],
  ])

  func figure() -> Scene {
    alignmentFigure(
      source: source, target: target, weights: weights, sourceTitle: "English",
      targetTitle: "Portuguese", title: FigureTitle("Alignment"), style: FigureStyle(),
      measurer: measurer)
  }

  @Test func drawsOneLinePerVisibleWeightStrongestInTheAccent() {
    let scene = figure()
    let lines = scene.lines("line")
    // 0.02 is dropped; 0.04 too (below 0.05 and not the row's strongest).
    #expect(lines.count == 7)
    let strongest = lines.filter {
      $0.color.r == headPalette[0].r && $0.color.b == headPalette[0].b
    }
    #expect(strongest.count == 4)
    #expect(scene.texts("column-label").map(\.string) == source)
    #expect(scene.texts("row-label").map(\.string) == target)
    // Every line runs from the source row down to the translation row.
    let top = scene.texts("column-label")[0].position.y
    let bottom = scene.texts("row-label")[0].position.y
    #expect(lines.allSatisfy { $0.from.y > top && $0.to.y < bottom && $0.from.y < $0.to.y })
    // preto's line goes to black: it leaves black's label and lands under preto's.
    let black = scene.texts("column-label")[1].position.x
    let preto = scene.texts("row-label")[2].position.x
    #expect(lines.contains { abs($0.from.x - black) < 1e-9 && abs($0.to.x - preto) < 1e-9 })
    expectSaneFigure(scene)
  }

  @Test func aMismatchedMatrixDrawsAnEmptyFigure() {
    let scene = alignmentFigure(
      source: source, target: ["O"], weights: weights, sourceTitle: "S", targetTitle: "T",
      title: FigureTitle("Alignment"), style: FigureStyle(), measurer: measurer)
    #expect(scene.lines("line").isEmpty)
  }
}
