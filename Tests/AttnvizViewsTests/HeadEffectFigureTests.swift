import AttnvizRender
import Testing

@testable import AttnvizViews

/// The credit and ablation maps: signed cells on a scale symmetric about 0, the extra column,
/// the named heads outlined.
@Suite struct HeadEffectFigureTests {
  @Test func signedCellsExtraColumnAndOutlines() {
    let values = [[0.5, -0.25, 0], [0.1, -1, 0.02]]
    let scene = headEffectFigure(
      values: values, extraColumn: (title: "MLP", values: [3, -2]), outlined: [(1, 1), (0, 0)],
      title: title, caption: ["the rule"], style: FigureStyle(), measurer: measurer)
    let cells = scene.texts("annotation").map(\.string)
    #expect(cells == ["0.50", "−0.25", "0.00", "0.10", "−1.00", "0.02", "3.00", "−2.00"])
    // Outlines frame exactly the named cells: ink on the cell's edge around a white ring inside
    // it, so the darkest cell shows its outline too.
    let outlines = scene.rects("outline")
    let grid = scene.rects("cell")
    #expect(outlines.map(\.stroke) == [FigureStyle.ink, .white, FigureStyle.ink, .white])
    for (outline, index) in zip(outlines.filter { $0.stroke == FigureStyle.ink }, [4, 0]) {
      #expect(outline.x == grid[index].x && outline.y == grid[index].y)
      #expect(outline.width == grid[index].width && outline.height == grid[index].height)
    }
    // The scale fits the heads (±1): the MLP's −2 takes the same end colour as the head's −1,
    // and 0.50 sits between.
    #expect(grid[7].fill == grid[4].fill && grid[0].fill != grid[4].fill)
    #expect(scene.texts("caption").map(\.string) == ["the rule"])
    expectSaneFigure(scene)
  }

  @Test func sizesUseTheSequentialScale() {
    let scene = headEffectFigure(
      values: [[0, 0.5]], extraColumn: nil, outlined: [], signed: false, title: title,
      caption: [], style: FigureStyle(), measurer: measurer)
    #expect(scene.texts("annotation").map(\.string) == ["0.00", "0.50"])
  }
}
