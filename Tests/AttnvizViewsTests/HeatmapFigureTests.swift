import AttnvizMath
import AttnvizRender
import Testing

@testable import AttnvizViews

@Suite struct HeatmapFigureTests {
  let style = FigureStyle()

  @Test func twelveTokensMakeALabelledGridWithAColourBar() {
    let scene = heatmapFigure(
      attentionMatrix(sentence), title: title, style: style, measurer: measurer)
    #expect(scene.texts("row-label").map(\.string) == sentence)
    #expect(scene.texts("column-label").map(\.string) == sentence)
    let cells = scene.rects("cell")
    #expect(cells.count == 144)
    let xs = Set(cells.map(\.x)).sorted()
    let ys = Set(cells.map(\.y)).sorted()
    #expect(xs.count == 12 && ys.count == 12)
    #expect(zip(xs, xs.dropFirst()).allSatisfy { $1 - $0 == style.cellSize })
    #expect(zip(ys, ys.dropFirst()).allSatisfy { $1 - $0 == style.cellSize })
    let gridRight = cells.map { $0.x + $0.width }.max()!
    let bar = scene.rects("colorbar")
    #expect(!bar.isEmpty && bar.allSatisfy { $0.x > gridRight })
    // Ticks read 1 at the top down to 0 at the bottom.
    let ticks = scene.texts("colorbar-tick").sorted { $0.position.y < $1.position.y }
    #expect(ticks.map(\.string) == ["1", "0.75", "0.5", "0.25", "0"])
    #expect(scene.texts("title").map(\.string) == [title.title])
    #expect(scene.texts("subtitle").map(\.string) == [title.subtitle!])
    #expect(
      scene.texts("axis-title").map(\.string).sorted()
        == ["Key (attended-to token)", "Query (attending token)"])
    // Colour bar spans the grid's height.
    let gridTop = cells.map(\.y).min()!
    let gridBottom = cells.map { $0.y + $0.height }.max()!
    #expect(bar.map(\.y).min()! == gridTop)
    #expect(abs(bar.map { $0.y + $0.height }.max()! - gridBottom) < 1e-9)
    expectSaneFigure(scene)
  }

  @Test func cellColoursFollowTheFixedScale() {
    let m = LabeledMatrix(
      Matrix([[1, 0], [0.5, 0.5]]), rowLabels: ["a", "b"], columnLabels: ["a", "b"],
      kind: .probabilities)
    let gray = FigureStyle(colorMap: .gray)
    let cells = heatmapFigure(m, title: title, style: gray, measurer: measurer).rects("cell")
    #expect(cells.map(\.fill) == [.white, .black, RGBA(128, 128, 128), RGBA(128, 128, 128)])
  }

  @Test(arguments: TokenSet.allCases)
  func nothingClippedOrOverlapping(_ set: TokenSet) {
    for causal in [false, true] {
      for annotate in [false, true] {
        let scene = heatmapFigure(
          attentionMatrix(set.tokens, causal: causal), title: title,
          style: FigureStyle(annotate: annotate), measurer: measurer)
        expectSaneFigure(scene)
      }
    }
  }

  @Test func manyTokensLabelEveryKthAndSaySo() {
    let tokens = TokenSet.many.tokens
    let scene = heatmapFigure(
      attentionMatrix(tokens), title: title, style: style, measurer: measurer)
    #expect(scene.rects("cell").count == 200 * 200)
    let rows = scene.texts("row-label")
    #expect(rows.count < 200 && rows.count > 10)
    let stride = (200 + rows.count - 1) / rows.count
    #expect(rows.map(\.string) == Swift.stride(from: 0, to: 200, by: stride).map { tokens[$0] })
    let subtitle = scene.texts("subtitle").first?.string ?? ""
    #expect(subtitle.hasSuffix("labels: every \(ordinal(stride)) token"))
    #expect(scene.texts("column-label").count == scene.texts("column-label").count)
    #expect(scene.width <= 2400 && scene.height <= 2400)
  }

  @Test func longTokensAreShortenedWithAnEllipsis() {
    let long = String(repeating: "x", count: 40)
    let scene = heatmapFigure(
      attentionMatrix(["a", long]), title: title, style: style, measurer: measurer)
    let label = scene.texts("row-label")[1].string
    #expect(label.hasSuffix("…") && label.count < 40)
    #expect(measurer.width(of: label, size: 13, weight: .regular) <= style.maxLabelWidth)
  }

  /// The label rule is applied where the matrix is built (Kit's selection); the figure draws the
  /// labels it is given, and the rule's labels survive drawing unchanged.
  @Test func controlCharactersAndEmptyTokensAreVisible() {
    let scene = heatmapFigure(
      attentionMatrix(["a\nb", "", " ", "tab\t", "🙂"].map(tokenLabel)), title: title,
      style: style, measurer: measurer)
    #expect(scene.texts("row-label").map(\.string) == ["a\\nb", "∅", "␣", "tab\\t", "🙂"])
  }

  @Test func annotationsContrastWithTheirCells() {
    let gray = FigureStyle(colorMap: .gray, annotate: true)
    let scene = heatmapFigure(
      attentionMatrix(sentence), title: title, style: gray, measurer: measurer)
    let cells = scene.rects("cell")
    let notes = scene.texts("annotation")
    #expect(notes.count == cells.count)
    for (cell, note) in zip(cells, notes) {
      let inside =
        note.position.x > cell.x && note.position.x < cell.x + cell.width
        && note.position.y > cell.y && note.position.y < cell.y + cell.height
      #expect(inside)
      // Gray map: the fill's red channel is its brightness.
      if cell.fill.r > 170 { #expect(note.color.r < 60) }
      if cell.fill.r < 80 { #expect(note.color == .white) }
      #expect(note.string.count == 4)  // "0.12"
    }
  }

  @Test func maskedCellsAreNeitherColouredNorAnnotated() {
    let scene = heatmapFigure(
      attentionMatrix(sentence, causal: true), title: title,
      style: FigureStyle(colorMap: .gray, annotate: true), measurer: measurer)
    let cells = scene.rects("cell")
    #expect(cells.count == 144)
    let masked = cells.filter { $0.fill == maskedFill }
    #expect(masked.count == 12 * 11 / 2)
    #expect(scene.texts("annotation").count == 144 - 66)
    #expect(scene.texts("legend").map(\.string) == ["masked (0)"])
  }

  @Test func signedMatricesUseASymmetricDivergingScale() {
    let m = LabeledMatrix(
      Matrix([[-2, 0, 1], [0.5, 2, -1], [0, 0, 0]]), rowLabels: ["a", "b", "c"], columnLabels: nil,
      kind: .signed)
    let scene = heatmapFigure(
      m, title: title, style: FigureStyle(annotate: true), measurer: measurer)
    let ticks = scene.texts("colorbar-tick").sorted { $0.position.y < $1.position.y }
    #expect(ticks.map(\.string) == ["2", "1", "0", "−1", "−2"])
    let cells = scene.rects("cell")
    let map = FigureStyle().divergingMap
    #expect(cells[1].fill == map.color(at: 0.5))
    #expect(cells[0].fill == map.color(at: 0))
    #expect(cells[4].fill == map.color(at: 1))
    #expect(scene.texts("column-label").map(\.string) == ["d0", "d1", "d2"])
    #expect(scene.texts("axis-title").map(\.string).sorted() == ["Dimension", "Token"])
    #expect(
      scene.texts("annotation").map(\.string) == [
        "−2.00", "0.00", "1.00", "0.50", "2.00", "−1.00", "0.00", "0.00", "0.00",
      ])
  }

  @Test func oneAndFiveHundredAndZeroTokensAllWork() {
    let one = heatmapFigure(
      attentionMatrix(["solo"]), title: title, style: style, measurer: measurer)
    #expect(one.rects("cell").count == 1)
    expectSaneFigure(one)
    let big = heatmapFigure(
      attentionMatrix((0..<500).map { "w\($0)" }), title: title, style: style, measurer: measurer)
    #expect(big.width <= 2400 && big.height <= 2400)
    expectNothingClipped(big)
    let none = heatmapFigure(
      LabeledMatrix(
        Matrix(rows: 0, columns: 0), rowLabels: [], columnLabels: [], kind: .probabilities),
      title: title, style: style, measurer: measurer)
    #expect(none.rects("cell").isEmpty)
    expectNothingClipped(none)
  }
}

/// Numbered column labels thin out with a nice stride only when their numbers step evenly:
/// every other label of pairs 0, 1, 16, 31 would read as a scale of 0…16.
@Suite struct NumberedLabelTests {
  @Test func evenlySteppedNumbersOnly() {
    #expect(evenlyNumbered(["d0", "d1", "d2", "d3"]))
    #expect(evenlyNumbered(["0", "4", "8"]))
    #expect(!evenlyNumbered(["0", "1", "16", "31"]))
    #expect(!evenlyNumbered(["d0", "d32", "d1", "d33"]))
    #expect(!evenlyNumbered(["d0", "x", "d2"]))
  }

  @Test func unevenNumbersAreNotThinnedToAScale() {
    var style = FigureStyle()
    style.fontSize = 18
    let uneven = planColumnLabels(
      ["0", "1", "16", "31"], spacing: 24, nice: true, style: style, measurer: measurer)
    #expect(uneven.stride == 1 && uneven.rotation == 90)
    let even = planColumnLabels(
      ["10", "11", "12", "13"], spacing: 24, nice: true, style: style, measurer: measurer)
    #expect(even.stride > 1 && even.rotation == 0)
  }
}
