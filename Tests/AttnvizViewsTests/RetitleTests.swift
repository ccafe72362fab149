import AttnvizMath
import AttnvizRender
import Testing

@testable import AttnvizViews

/// `--title` and `--subtitle`: an empty one removes the line and the room it took, so the
/// figure is laid out as if the view had drawn no such line.
@Suite struct RetitleTests {
  let style = FigureStyle()
  let m = attentionMatrix(sentence)

  func heatmap(_ heading: FigureTitle) -> Scene {
    heatmapFigure(m, title: heading, style: style, measurer: measurer)
  }

  /// The vertical layout: every item's top, in order, and the scene's height.
  func tops(_ scene: Scene) -> [Double] {
    scene.items.map { bounds(of: $0, measurer: measurer).minY } + [scene.height]
  }

  /// Laid out alike: the same items at the same heights, give or take the pixel a view rounds
  /// its body to (the removed room is taken out in whole pixels, so cells stay on pixels).
  func sameLayout(_ a: Scene, _ b: Scene) -> Bool {
    let (x, y) = (tops(a), tops(b))
    return x.count == y.count && zip(x, y).allSatisfy { abs($0 - $1) < 1 }
  }

  @Test func anEmptySubtitleRemovesItsLineAndItsGap() {
    let full = heatmap(title)
    let cut = retitled(full, title: nil, subtitle: "", margin: style.margin, measurer: measurer)
    #expect(cut.texts("subtitle").isEmpty)
    #expect(cut.texts("title").map(\.string) == [title.title])
    // Exactly where a figure without a subtitle puts everything, and as tall.
    let plain = heatmap(FigureTitle(title.title))
    #expect(sameLayout(cut, plain))
    let lineAndGap = 6 + measurer.ascent(size: style.fontSize) + measurer.descent(size: 13)
    #expect(abs(full.height - cut.height - lineAndGap) <= 1)
    let cells = cut.rects("cell")
    #expect(cells.first!.y < full.rects("cell").first!.y)
    #expect(cells.allSatisfy { $0.y == $0.y.rounded() })
    expectSaneFigure(cut)
  }

  @Test func anEmptyTitleLetsTheSubtitleTakeItsPlace() {
    let full = heatmap(title)
    let cut = retitled(full, title: "", subtitle: nil, margin: style.margin, measurer: measurer)
    #expect(cut.texts("title").isEmpty)
    let subtitle = cut.texts("subtitle").first!
    let top = subtitle.position.y - measurer.ascent(size: subtitle.size)
    #expect(abs(top - style.margin) < 1)
    #expect(cut.height < full.height)
    expectSaneFigure(cut)
  }

  @Test func replacingALineKeepsTheLayout() {
    let full = heatmap(title)
    let renamed = retitled(
      full, title: "It looks back", subtitle: "a lecture", margin: style.margin,
      measurer: measurer)
    #expect(tops(renamed) == tops(full))
    #expect(renamed.texts("subtitle").map(\.string) == ["a lecture"])
  }

  @Test func theLinesViewLosesItsSubtitleRoomToo() {
    let heads = headMatrices(sentence, count: 2).map(\.matrix)
    func lines(_ heading: FigureTitle) -> Scene {
      linesFigure(
        tokens: sentence, heads: heads, headNames: ["Head 1", "Head 2"], focus: nil,
        title: heading, style: style, measurer: measurer)
    }
    let cut = retitled(
      lines(title), title: nil, subtitle: "", margin: style.margin, measurer: measurer)
    #expect(sameLayout(cut, lines(FigureTitle(title.title))))
  }
}
