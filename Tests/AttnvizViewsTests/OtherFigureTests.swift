import AttnvizMath
import AttnvizRender
import Testing

@testable import AttnvizViews

func headMatrices(_ tokens: [String], count: Int, causal: Bool = false) -> [LabeledMatrix] {
  (0..<count).map {
    LabeledMatrix(
      attention(tokens.count, seed: UInt64(100 + $0), causal: causal), rowLabels: tokens,
      columnLabels: tokens, kind: .probabilities, isCausal: causal)
  }
}

@Suite struct HeadsFigureTests {
  @Test func twelveHeadsWrapIntoRowsOfFourWithLabelsOnOuterPanels() {
    let heads = headMatrices(sentence, count: 12)
    let scene = headsFigure(
      heads, panelTitles: (1...12).map { "Head \($0)" }, title: title, style: FigureStyle(),
      measurer: measurer)
    #expect(scene.texts("panel-title").map(\.string) == (1...12).map { "Head \($0)" })
    #expect(Set(scene.texts("panel-title").map(\.position.y)).count == 3)
    #expect(scene.rects("cell").count == 12 * 144)
    #expect(scene.texts("row-label").count == 3 * 12)
    #expect(scene.texts("column-label").count == 4 * 12)
    // One colour bar, right of every cell.
    let ticks = scene.texts("colorbar-tick").map(\.string)
    #expect(ticks.sorted() == ["0", "0.25", "0.5", "0.75", "1"])
    let cellsRight = scene.rects("cell").map { $0.x + $0.width }.max()!
    #expect(scene.rects("colorbar").allSatisfy { $0.x > cellsRight })
    expectSaneFigure(scene)
  }

  @Test func headsShareOneScale() {
    let a = LabeledMatrix(
      Matrix([[0.5, 0.5], [1, 0]]), rowLabels: ["x", "y"], columnLabels: ["x", "y"],
      kind: .probabilities)
    var b = a
    b.matrix = Matrix([[0.5, 0.5], [0.9, 0.1]])
    let scene = headsFigure(
      [a, b], panelTitles: ["A", "B"], title: title, style: FigureStyle(colorMap: .gray),
      measurer: measurer)
    let fills = scene.rects("cell").map(\.fill)
    #expect(fills[0] == fills[4])
    #expect(fills[2] == .white && fills[3] == .black)
  }

  @Test(arguments: TokenSet.allCases)
  func nothingClippedOrOverlapping(_ set: TokenSet) {
    for (count, causal) in [(1, false), (2, false), (5, true), (12, false)] {
      let scene = headsFigure(
        headMatrices(set.tokens, count: count, causal: causal),
        panelTitles: (1...count).map { "Head \($0)" }, title: title,
        style: FigureStyle(annotate: count == 2), measurer: measurer)
      expectSaneFigure(scene)
    }
  }

  @Test func annotatedTwoHeadsPrintEveryValue() {
    let scene = headsFigure(
      headMatrices(sentence, count: 2), panelTitles: ["Head 1", "Head 2"], title: title,
      style: FigureStyle(annotate: true), measurer: measurer)
    #expect(scene.texts("annotation").count == 2 * 144)
  }

  @Test func longSequencesArePooledAndSaySo() {
    let tokens = (0..<500).map { "w\($0)" }
    let scene = headsFigure(
      headMatrices(tokens, count: 4), panelTitles: ["1", "2", "3", "4"], title: title,
      style: FigureStyle(), measurer: measurer)
    #expect(scene.rects("cell").count < 4 * 500 * 500 / 4)
    // The note follows the subtitle, on a line of its own when both do not fit on one.
    #expect(
      scene.texts("subtitle").map(\.string).joined(separator: " ").contains(
        "each cell shows the largest weight of"))
    expectSaneFigure(scene)
  }
}

@Suite struct LinesFigureTests {
  let heads = headMatrices(sentence, count: 3).map(\.matrix)
  let names = ["Head 1", "Head 2", "Head 3"]

  func drawnCount(_ queries: [Int]) -> Int {
    heads.reduce(0) { sum, m in
      sum + queries.reduce(0) { $0 + m.row($1).filter { $0 >= minimumDrawnWeight }.count }
    }
  }

  @Test func everyWeightAboveTheThresholdIsALine() {
    let scene = linesFigure(
      tokens: sentence, heads: heads, headNames: names, focus: nil, title: title,
      style: FigureStyle(), measurer: measurer)
    #expect(scene.lines("line").count == drawnCount(Array(0..<12)))
    #expect(scene.texts("row-label").map(\.string) == sentence)
    #expect(scene.texts("column-label").map(\.string) == sentence)
    #expect(Array(scene.texts("legend").map(\.string).prefix(4)) == ["Heads"] + names)
    // Stronger weights draw later, wider and more opaque.
    let lines = scene.lines("line")
    #expect(
      zip(lines, lines.dropFirst()).allSatisfy { $0.width <= $1.width && $0.color.a <= $1.color.a })
    // Each head in its own colour.
    #expect(Set(lines.map { RGBA($0.color.r, $0.color.g, $0.color.b) }).count == 3)
    expectSaneFigure(scene)
  }

  @Test func focusDrawsOnlyThatQuerysLines() {
    let scene = linesFigure(
      tokens: sentence, heads: heads, headNames: names, focus: 7, title: title,
      style: FigureStyle(), measurer: measurer)
    let lines = scene.lines("line")
    #expect(lines.count == drawnCount([7]))
    #expect(Set(lines.map(\.from.y)).count == 1)
    let it = scene.texts("row-label")[7]
    #expect(it.string == "it" && it.weight == .bold)
    #expect(
      abs(
        lines[0].from.y
          - (it.position.y - (measurer.ascent(size: 13) - measurer.descent(size: 13)) / 2)) < 1e-9)
    let pill = scene.rects("focus")
    #expect(
      pill.count == 1 && pill[0].y < lines[0].from.y && pill[0].y + pill[0].height > lines[0].from.y
    )
    expectSaneFigure(scene)
  }

  @Test func aLongTextKeepsEachQuerysStrongestLinesAndSaysSo() {
    // 300 tokens × 2 heads: 2,048 / 600 = 3 lines a query and head, the strongest.
    let tokens = (0..<300).map { "t\($0)" }
    let long = [attention(300, seed: 3), attention(300, seed: 4)]
    #expect(linesPerQuery(queries: 300, heads: 2) == 3)
    let scene = linesFigure(
      tokens: tokens, heads: long, headNames: ["A", "B"], focus: nil, title: title,
      style: FigureStyle(), measurer: measurer)
    let lines = scene.lines("line")
    let expected = long.reduce(0) { sum, m in
      sum + (0..<300).reduce(0) { $0 + min(3, m.row($1).filter { $0 >= 0.01 }.count) }
    }
    #expect(lines.count == expected && lines.count <= linesBudget)
    // The widest line is the strongest weight of all.
    let strongest = long.map { $0.values.max()! }.max()!
    #expect(abs(lines.map(\.width).max()! - linkStyle(strongest).width) < 1e-12)
    let subtitle = scene.texts("subtitle").map(\.string).joined(separator: " ")
    #expect(subtitle.contains("lines: each query's 3 strongest keys per head"))
    // With --focus one query keeps all its lines, and a short text is never cut.
    let focused = linesFigure(
      tokens: tokens, heads: long, headNames: ["A", "B"], focus: 5, title: title,
      style: FigureStyle(), measurer: measurer)
    #expect(
      focused.lines("line").count
        == long.reduce(0) { $0 + $1.row(5).filter { $0 >= 0.01 }.count })
    #expect(!focused.texts("subtitle").map(\.string).joined().contains("strongest"))
    #expect(linesPerQuery(queries: 32, heads: 2) == 32)
    #expect(linesPerQuery(queries: 13, heads: 12) == 13)
  }

  @Test func outOfRangeFocusShowsAllQueries() {
    let scene = linesFigure(
      tokens: sentence, heads: heads, headNames: names, focus: 99, title: title,
      style: FigureStyle(), measurer: measurer)
    #expect(scene.lines("line").count == drawnCount(Array(0..<12)))
  }

  @Test(arguments: TokenSet.allCases)
  func nothingClippedOrOverlapping(_ set: TokenSet) {
    let tokens = set.tokens
    let heads = headMatrices(tokens, count: 2).map(\.matrix)
    for focus in [nil, 0, tokens.count - 1] {
      let scene = linesFigure(
        tokens: tokens, heads: heads, headNames: ["A", "B"], focus: focus, title: title,
        style: FigureStyle(), measurer: measurer)
      expectSaneFigure(scene)
    }
  }
}

@Suite struct ModelFigureTests {
  func layers(_ n: Int, heads: Int, tokens: Int) -> [[Matrix]] {
    (0..<n).map { l in (0..<heads).map { h in attention(tokens, seed: UInt64(l * 100 + h)) } }
  }

  @Test func sixLayersByTwelveHeads() {
    let scene = modelFigure(
      layers(6, heads: 12, tokens: 12), tokens: sentence, title: title, style: FigureStyle(),
      measurer: measurer)
    #expect(scene.rects("cell").count == 72 * 144)
    #expect(scene.texts("row-label").map(\.string) == (1...6).map { "Layer \($0)" })
    #expect(scene.texts("column-label").map(\.string) == (1...12).map { "Head \($0)" })
    // 72 thumbnails: distinct top-left corners of the first cell of each.
    let cells = scene.rects("cell")
    let corners = Set(
      stride(from: 0, to: cells.count, by: 144).map { "\(cells[$0].x),\(cells[$0].y)" })
    #expect(corners.count == 72)
    #expect(Set(cells.map(\.x)).count == 12 * 12 && Set(cells.map(\.y)).count == 6 * 12)
    #expect(scene.texts("colorbar-tick").count == 5)
    expectSaneFigure(scene)
  }

  @Test(arguments: TokenSet.allCases)
  func nothingClippedOrOverlapping(_ set: TokenSet) {
    let shapes = set == .many ? [(1, 1), (3, 16)] : [(1, 1), (6, 12), (12, 16)]
    for (l, h) in shapes {
      let scene = modelFigure(
        layers(l, heads: h, tokens: set.tokens.count), tokens: set.tokens, causal: l == 1,
        title: title, style: FigureStyle(), measurer: measurer)
      expectSaneFigure(scene)
    }
  }

  @Test func longSequencesArePooled() {
    let scene = modelFigure(
      layers(2, heads: 2, tokens: 200), tokens: TokenSet.many.tokens, title: title,
      style: FigureStyle(), measurer: measurer)
    #expect(scene.rects("cell").count < 4 * 200 * 200 / 4)
    #expect(
      scene.texts("subtitle").first?.string.contains("each cell shows the largest weight of")
        == true)
  }
}

@Suite struct PositionalEncodingFigureTests {
  @Test func zeroIsTheNeutralMiddleColour() {
    let pe = sinusoidalPositionalEncoding(positions: 50, dimensions: 128)
    let style = FigureStyle()
    let scene = positionalEncodingFigure(
      pe, title: FigureTitle("Positional encoding"), style: style, measurer: measurer)
    let cells = scene.rects("cell")
    #expect(cells.count == 50 * 128)
    // Position 0: sin 0 = 0 in even dimensions, cos 0 = 1 in odd ones.
    #expect(cells[0].fill == style.divergingMap.color(at: 0.5))
    #expect(cells[1].fill == style.divergingMap.color(at: 1))
    let ticks = scene.texts("colorbar-tick").sorted { $0.position.y < $1.position.y }
    #expect(ticks.map(\.string) == ["1", "0.5", "0", "−0.5", "−1"])
    #expect(scene.texts("axis-title").map(\.string).sorted() == ["Encoding dimension", "Position"])
    // Square cells, numbered every k-th with a round k.
    #expect(cells[0].width == cells[0].height)
    let rows = scene.texts("row-label").map(\.string)
    #expect(rows.first == "0" && [1, 2, 5, 10].contains(Int(rows[1])!))
    expectSaneFigure(scene)
  }

  @Test(arguments: [(1, 2), (12, 8), (500, 512)])
  func anySizeFits(_ size: (Int, Int)) {
    let scene = positionalEncodingFigure(
      sinusoidalPositionalEncoding(positions: size.0, dimensions: size.1),
      title: FigureTitle("PE"), style: FigureStyle(), measurer: measurer)
    #expect(scene.rects("cell").count == size.0 * size.1)
    expectSaneFigure(scene)
  }
}
