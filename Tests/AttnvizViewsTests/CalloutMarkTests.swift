import AttnvizMath
import AttnvizRender
import Testing

@testable import AttnvizViews

/// `--focus`: the figure marks the focused query's strongest key and writes the callout on it.
@Suite struct CalloutMarkTests {
  let style = FigureStyle()
  let it = 7
  let animal = 1
  var mark: CalloutMark { CalloutMark(query: it, key: animal, text: "it → animal 0.68") }

  func box(_ r: RectItem) -> (minX: Double, minY: Double, maxX: Double, maxY: Double) {
    (r.x, r.y, r.x + r.width, r.y + r.height)
  }

  @Test func theHeatmapOutlinesTheCellAndWritesTheCalloutBesideItInItsRow() throws {
    let scene = heatmapFigure(
      attentionMatrix(sentence), title: title, style: style, measurer: measurer, mark: mark)
    let cells = scene.rects("cell")
    let cell = cells[it * sentence.count + animal]
    let outline = try #require(scene.rects("callout-mark").first)
    #expect(outline.x == cell.x && outline.y == cell.y && outline.width == cell.width)
    #expect(outline.fill == .clear && outline.stroke != nil)
    #expect(scene.texts("callout").map(\.string) == ["it → animal 0.68"])
    let label = try #require(scene.rects("callout-box").first)
    // Right of the cell, in the cell's row, inside the grid.
    let gridRight = cells.map { $0.x + $0.width }.max()!
    #expect(label.x > cell.x + cell.width && label.x + label.width <= gridRight)
    #expect(label.y > cell.y && label.y + label.height < cell.y + cell.height)
    let text = try #require(scene.texts("callout").first)
    #expect(text.position.x > label.x && text.position.y < label.y + label.height)
    expectSaneFigure(scene)
  }

  @Test func aKeyAtTheRightEdgeGetsItsCalloutOnTheLeft() throws {
    let last = sentence.count - 1
    let scene = heatmapFigure(
      attentionMatrix(sentence), title: title, style: style, measurer: measurer,
      mark: CalloutMark(query: 0, key: last, text: "The → . 0.31"))
    let cell = scene.rects("cell")[last]
    let label = try #require(scene.rects("callout-box").first)
    #expect(label.x + label.width < cell.x)
    let gridLeft = scene.rects("cell").map(\.x).min()!
    #expect(label.x >= gridLeft)
    expectSaneFigure(scene)
  }

  @Test func printedValuesPushTheCalloutAboveTheGrid() throws {
    var annotated = style
    annotated.annotate = true
    let scene = heatmapFigure(
      attentionMatrix(sentence), title: title, style: annotated, measurer: measurer, mark: mark)
    let cells = scene.rects("cell")
    let label = try #require(scene.rects("callout-box").first)
    #expect(label.y + label.height < cells.map(\.y).min()!)
    // Clear of every printed value and every other text.
    let texts = scene.allTexts.filter { $0.role != "callout" }.map { OrientedBox($0) }
    let callout = OrientedBox(try #require(scene.texts("callout").first))
    #expect(!texts.contains { $0.overlaps(callout) })
    expectSaneFigure(scene)
  }

  @Test func onADarkFigureTheCalloutKeepsDarkTextOnItsLightBox() throws {
    let scene = themed(
      heatmapFigure(
        attentionMatrix(sentence), title: title, style: style, measurer: measurer, mark: mark),
      .dark)
    let text = try #require(scene.texts("callout").first)
    #expect(text.color == FigureStyle.ink)
    #expect(scene.texts("title").first?.color != FigureStyle.ink)
  }

  @Test func noMarkNoCallout() {
    let scene = heatmapFigure(
      attentionMatrix(sentence), title: title, style: style, measurer: measurer)
    #expect(scene.rects("callout-mark").isEmpty && scene.texts("callout").isEmpty)
  }

  @Test func theLinesViewUnderlaysTheStrongestLineAndLabelsItsKeyEnd() throws {
    let heads = headMatrices(sentence, count: 2).map(\.matrix)
    let scene = linesFigure(
      tokens: sentence, heads: heads, headNames: ["Head 1", "Head 2"], focus: it, title: title,
      style: style, measurer: measurer, callout: mark)
    let halo = try #require(scene.lines("callout-mark").first)
    let lines = scene.lines("line")
    // From the focused query's row to the key's row, under every weight line.
    let queryY = try #require(lines.first?.from.y)
    #expect(halo.from.y == queryY && halo.width > lines.map(\.width).max()!)
    let keyLabel = try #require(scene.texts("column-label").first { $0.string == "animal" })
    #expect(keyLabel.weight == .bold)
    let middle = (measurer.ascent(size: 13) - measurer.descent(size: 13)) / 2
    #expect(abs(halo.to.y - (keyLabel.position.y - middle)) < 1e-9)
    let index = scene.items.firstIndex { if case .line(let l) = $0 { l == halo } else { false } }!
    let firstLine = scene.items.firstIndex {
      if case .line(let l) = $0 { l.role == "line" } else { false }
    }!
    #expect(index < firstLine)
    // The callout after the key's label, on its row, left of the legend.
    let text = try #require(scene.texts("callout").first)
    #expect(text.string == "it → animal 0.68")
    let keyEnd = keyLabel.position.x + measurer.width(of: "animal", size: 13, weight: .bold)
    #expect(text.position.x > keyEnd && abs(text.position.y - keyLabel.position.y) < 1)
    let legend = scene.texts("legend").map(\.position.x).min()!
    let label = try #require(scene.rects("callout-box").first)
    #expect(label.x + label.width < legend)
    expectSaneFigure(scene)
  }

  @Test(arguments: TokenSet.allCases)
  func linesCalloutsNeitherClipNorOverlap(_ set: TokenSet) {
    let tokens = set.tokens
    let heads = headMatrices(tokens, count: 2).map(\.matrix)
    for (query, key) in [(0, 0), (0, tokens.count - 1), (tokens.count - 1, 0)] {
      let scene = linesFigure(
        tokens: tokens, heads: heads, headNames: ["A", "B"], focus: query, title: title,
        style: style, measurer: measurer,
        callout: CalloutMark(query: query, key: key, text: "q → k 0.50 (average of 2 heads)"))
      #expect(scene.texts("callout").count == 1)
      expectSaneFigure(scene)
    }
  }

  @Test(arguments: TokenSet.allCases)
  func heatmapCalloutsNeitherClipNorOverlap(_ set: TokenSet) {
    let m = attentionMatrix(set.tokens)
    let n = set.tokens.count
    for (query, key) in [(0, 0), (0, n - 1), (n - 1, 0), (n - 1, n - 1), (n / 2, n / 2)] {
      let scene = heatmapFigure(
        m, title: title, style: style, measurer: measurer,
        mark: CalloutMark(query: query, key: key, text: "q → k 0.50"))
      #expect(scene.texts("callout").count == 1 && scene.rects("callout-mark").count == 2)
      expectSaneFigure(scene)
    }
  }
}
