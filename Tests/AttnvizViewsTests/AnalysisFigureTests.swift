import AttnvizAnalysis
import AttnvizMath
import AttnvizRender
import Testing

@testable import AttnvizViews

/// A pure previous-token head over `n` tokens.
private func previousHead(_ n: Int) -> Matrix {
  var m = Matrix(rows: n, columns: n)
  for i in 0..<n { m[i, max(i - 1, 0)] = 1 }
  return m
}

@Suite struct PatternsFigureTests {
  @Test func everyHeadCarriesItsLabelUnderItsThumbnail() {
    let n = sentence.count
    let layers = [
      [previousHead(n), attention(n, seed: 1)], [attention(n, seed: 2), previousHead(n)],
    ]
    let rule = HeadPatternRule()
    let roles = Array(repeating: TokenRole.ordinary, count: n)
    let patterns = layers.map { $0.map { rule.classify($0, roles: roles) } }
    let scene = patternsFigure(
      layers, patterns: patterns, rule: rule, tokens: sentence, causal: false, title: title,
      style: FigureStyle(), measurer: measurer)
    let labels = scene.texts("pattern-label")
    #expect(labels.count == 4)
    #expect(labels[0].string == "previous token" && labels[3].string == "previous token")
    // Each label sits under its own thumbnail, centred on it.
    let cells = scene.rects("cell")
    let perPanel = cells.count / 4
    for (index, label) in labels.enumerated() {
      let panel = cells[(index * perPanel)..<((index + 1) * perPanel)]
      let bottom = panel.map { $0.y + $0.height }.max()!
      let centre = (panel.map(\.x).min()! + panel.map { $0.x + $0.width }.max()!) / 2
      #expect(label.position.y > bottom && abs(label.position.x - centre) < 0.5)
    }
    #expect(scene.texts("caption").map(\.string).joined().contains("50%"))
    expectSaneFigure(scene)
  }

  /// SmolLM2's 30 layers × 9 heads: as one column the thumbnails would be a few pixels and
  /// pooled; the layers wrap into two blocks of 15, side by side, each with its labels.
  @Test func thirtyLayersOfNineHeadsWrapIntoTwoBlocks() {
    let n = 14
    let layers = Array(repeating: (0..<9).map { _ in previousHead(n) }, count: 30)
    let rule = HeadPatternRule()
    let roles = Array(repeating: TokenRole.ordinary, count: n)
    let patterns = layers.map { $0.map { rule.classify($0, roles: roles) } }
    let scene = patternsFigure(
      layers, patterns: patterns, rule: rule, tokens: (0..<n).map { "t\($0)" }, causal: true,
      queryHeadsPerKeyValueHead: 3, title: title, style: FigureStyle(), measurer: measurer)
    #expect(scene.texts("pattern-label").count == 270)
    #expect(Set(scene.texts("pattern-label").map(\.string)) == ["prev"])
    #expect(scene.texts("caption").first?.string == "prev = previous token")
    // Brackets and head numbers over each block; layer 16 starts the second block, level
    // with layer 1.
    #expect(scene.texts("kv-group").count == 6)
    #expect(scene.texts("column-label").count == 18)
    let rows = scene.texts("row-label")
    let first = try? #require(rows.first { $0.string == "Layer 1" })
    let sixteenth = try? #require(rows.first { $0.string == "Layer 16" })
    #expect(first?.position.y == sixteenth?.position.y)
    #expect((sixteenth?.position.x ?? 0) > (first?.position.x ?? 0) + 300)
    // 14 tokens fit the thumbnails unpooled, and nothing in the subtitle says otherwise.
    #expect(scene.rects("cell").count == 270 * n * n)
    #expect(scene.width < 2000 && scene.height < 1300)
    expectSaneFigure(scene)
  }

  @Test func twelveLayersOfTwelveHeadsStayOneBlock() {
    let layers = Array(repeating: (0..<12).map { _ in previousHead(6) }, count: 12)
    let scene = modelFigure(
      layers, tokens: (0..<6).map { "t\($0)" }, title: title, style: FigureStyle(),
      measurer: measurer)
    #expect(scene.texts("column-label").count == 12)
    #expect(scene.texts("row-label").count == 12)
  }

  @Test func groupedQueryHeadsGetOneBracketPerKeyValueHead() {
    let n = 4
    let layers = Array(repeating: (0..<9).map { _ in previousHead(n) }, count: 2)
    let scene = modelFigure(
      layers, tokens: ["a", "b", "c", "d"], causal: true, title: title,
      marks: ModelGridMarks(
        queryHeadsPerKeyValueHead: 3, legend: ["9 query heads, 3 key/value heads"]),
      style: FigureStyle(), measurer: measurer)
    #expect(scene.texts("kv-group").map(\.string) == ["KV head 1", "KV head 2", "KV head 3"])
    #expect(scene.texts("caption").map(\.string) == ["9 query heads, 3 key/value heads"])
    expectSaneFigure(scene)
  }
}

@Suite struct HeadsGroupingTests {
  @Test func nineHeadsInThreeGroupsAreBracketedPerRow() {
    let heads = headMatrices(["a", "b", "c", "d"], count: 9, causal: true)
    let scene = headsFigure(
      heads, panelTitles: (1...9).map { "Head \($0)" }, title: title, queryHeadsPerKeyValueHead: 3,
      caption: ["9 query heads, 3 key/value heads"], style: FigureStyle(), measurer: measurer)
    #expect(scene.texts("kv-group").map(\.string) == (1...3).map { "key/value head \($0)" })
    // Each bracket is above its panels' titles.
    let titles = scene.texts("panel-title")
    for (g, bracket) in scene.texts("kv-group").enumerated() {
      #expect(bracket.position.y < titles[g * 3].position.y)
    }
    expectSaneFigure(scene)
  }
}

@Suite struct SinksAndStatsFigureTests {
  @Test func sinksPrintEveryShareAndTheLayerMeans() {
    let scene = sinksFigure(
      shares: [[1, 0.25], [0.5, 0.5]], layerMeans: [0.625, 0.5], title: title,
      caption: ["share of attention on the first token"], style: FigureStyle(),
      measurer: measurer)
    #expect(
      scene.texts("annotation").map(\.string) == ["1.00", "0.25", "0.50", "0.50", "0.62", "0.50"])
    #expect(scene.rects("cell").count == 6)
    #expect(scene.texts("row-label").map(\.string) == ["Layer 1", "Layer 2"])
    #expect(scene.texts("column-label").map(\.string).sorted() == ["1", "2", "mean"])
    expectSaneFigure(scene)
  }

  @Test func statsAreTwoPanelsSideBySide() {
    let scene = statsFigure(
      distances: [[0.8, 2.5]], entropies: [[0, 2]], maxEntropy: 2, title: title,
      caption: [], style: FigureStyle(), measurer: measurer)
    #expect(scene.texts("panel-title").count == 2)
    #expect(scene.texts("annotation").map(\.string) == ["0.8", "2.5", "0.00", "2.00"])
    let cells = scene.rects("cell")
    #expect(cells[2].x > cells[1].x + cells[1].width + 40)
    expectSaneFigure(scene)
  }
}

@Suite struct RolloutAndRotaryFigureTests {
  @Test func rolloutShowsRawAndRolledOutSideBySideWithTheFormula() {
    let m = LabeledMatrix(
      Matrix.identity(3), rowLabels: ["a", "b", "c"], columnLabels: ["a", "b", "c"],
      kind: .probabilities)
    let scene = rolloutFigure(
      raw: m, rollout: m, rawTitle: "Raw", rolloutTitle: "Rollout",
      title: title, caption: ["R = Â₂ · Â₁"], style: FigureStyle(), measurer: measurer)
    #expect(scene.texts("panel-title").map(\.string) == ["Raw", "Rollout"])
    #expect(scene.texts("caption").map(\.string) == ["R = Â₂ · Â₁"])
    #expect(scene.rects("cell").count == 18)
    expectSaneFigure(scene)
  }

  @Test func rotaryFiguresDrawAnglesAndOneCurve() {
    let rope = RotaryEmbedding(headSize: 16)
    let angles = rotaryAnglesFigure(
      rope, positions: 20, title: title, style: FigureStyle(), measurer: measurer)
    #expect(angles.rects("cell").count == 20 * 8)
    expectSaneFigure(angles)
    let dot = rotaryDotProductFigure(
      rope, maxDistance: 30, title: title, caption: ["q·k"], style: FigureStyle(),
      measurer: measurer)
    #expect(dot.lines("series").count == 30)
    // The curve starts at the top of the plot (1 at distance 0).
    let frame = dot.rects("plot-frame")[0]
    #expect(abs(dot.lines("series")[0].from.y - frame.y) < 1e-9)
    expectSaneFigure(dot)
  }
}

@Suite struct LongInputTests {
  @Test func longHeatmapsShowTheLargestWeightOfEachBlockAndSaySo() {
    let n = 1200
    let tokens = (0..<n).map { "t\($0)" }
    let m = LabeledMatrix(
      previousHead(n), rowLabels: tokens, columnLabels: tokens, kind: .probabilities)
    let scene = heatmapFigure(m, title: title, style: FigureStyle(), measurer: measurer)
    // 1200 tokens at ≥ 1 px in 1000 px: blocks of 2, 600 × 600 cells.
    #expect(scene.rects("cell").count == 600 * 600)
    #expect(scene.texts("subtitle")[0].string.contains("largest weight of 2×2 tokens"))
    // Every block on the diagonal band holds a 1 (max), never an average of 1/3.
    let top = ColorScale.probabilities(FigureStyle().colorMap).color(1)
    #expect(scene.rects("cell").filter { $0.fill == top }.count >= 600)
    expectSaneFigure(scene)
  }

  @Test func poolingKeepsMaximaAndSignedMagnitudes() {
    let m = Matrix([[0.1, 0.9, 0.2, 0.3], [0.4, 0.0, 0.1, 0.2]])
    #expect(
      pooled(m, maxRows: 1, maxColumns: 2, isMasked: { _, _ in false }).matrix
        == Matrix([[0.9, 0.3]]))
    let s = Matrix([[0.1, -0.9], [0.5, 0.2]])
    #expect(
      pooled(s, maxRows: 1, maxColumns: 1, isMasked: { _, _ in false }, signed: true).matrix
        == Matrix([[-0.9]]))
  }
}
