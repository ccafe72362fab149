import AttnvizMath
import AttnvizRender
import Testing

@testable import AttnvizViews

/// The chat role bars where explain draws them: over the token boxes (broken where the boxes
/// break onto a new line) and beside the rows of a token × dimension heatmap.
@Suite struct RoleBarFigureTests {
  let style = FigureStyle()
  /// system marker 0–1, system text 2–4, user marker 5, user text 6–9, assistant marker 10–11.
  let segments = [
    ColumnSegment(kind: .system, columns: 0...1, isMarker: true),
    ColumnSegment(kind: .system, columns: 2...4, isMarker: false),
    ColumnSegment(kind: .user, columns: 5...5, isMarker: true),
    ColumnSegment(kind: .user, columns: 6...9, isMarker: false),
    ColumnSegment(kind: .assistant, columns: 10...11, isMarker: true),
  ]
  let tokens = (0..<12).map { "t\($0 < 10 ? "0" : "")\($0)" }

  @Test func tokenBoxesGetABarPerRunAndLine() {
    // Boxes of equal width, 10 apart: 4 fit a line, so lines break before tokens 4 and 8,
    // inside the system text and the user text.
    let plain = tokenFigure(tokens, title: FigureTitle("t"), style: style, measurer: measurer)
    let width = plain.rects("token")[0].width
    let maxWidth = 4 * width + 30
    let scene = tokenFigure(
      tokens, title: FigureTitle("t"), style: style, measurer: measurer, maxWidth: maxWidth,
      segments: segments)
    let boxes = scene.rects("token")
    #expect(boxes.count == 12)
    let lineTops = Set(boxes.map(\.y)).sorted()
    #expect(lineTops.count == 3)
    #expect(boxes.map(\.y) == [0, 4, 8].flatMap { Array(repeating: boxes[$0].y, count: 4) })
    let bars = scene.rects("role-segment").sorted { ($0.y, $0.x) < ($1.y, $1.x) }
    // Line 1: system marker (0–1), system text (2–3); line 2: system text (4), user marker
    // (5), user text (6–7); line 3: user text (8–9), assistant marker (10–11).
    #expect(bars.count == 7)
    func box(_ i: Int) -> RectItem { boxes[i] }
    let expected: [(first: Int, last: Int)] = [
      (0, 1), (2, 3), (4, 4), (5, 5), (6, 7), (8, 9), (10, 11),
    ]
    for (bar, run) in zip(bars, expected) {
      #expect(abs(bar.x - (box(run.first).x + 1)) < 1e-9, "\(run)")
      #expect(
        abs(bar.x + bar.width - (box(run.last).x + box(run.last).width - 1)) < 1e-9, "\(run)")
      // Just over its own line of boxes.
      let top = box(run.first).y
      #expect(bar.y + bar.height + segmentBarGap == top, "\(run)")
    }
    // Markers pale, messages in the role's colour.
    #expect(bars[0].fill == segments[0].fill && bars[1].fill == segments[1].color)
    #expect(bars[0].fill != bars[1].fill)
    // Each role named once, over its widest message bar (or its marker bar when it has none).
    let names = scene.texts("role-label")
    #expect(names.map(\.string).sorted() == ["assistant", "system", "user"])
    let systemName = names.first { $0.string == "system" }
    #expect(systemName.map { abs($0.position.x - (bars[1].x + bars[1].width / 2)) < 1.5 } == true)
    #expect(
      names.allSatisfy { name in
        boxes.allSatisfy { name.position.y < $0.y || name.position.y > $0.y + $0.height }
      })
    #expect(
      scene.texts("note").map(\.string) == [
        "Bars over the tokens: the chat roles (system green, user blue, assistant pink); pale: "
          + "the template's own markers."
      ])
    expectSaneFigure(scene)
    // Without roles: no bars, no names, no legend, and the boxes where they were.
    let unmarked = tokenFigure(
      tokens, title: FigureTitle("t"), style: style, measurer: measurer, maxWidth: maxWidth)
    #expect(unmarked.rects("role-segment").isEmpty && unmarked.texts("role-label").isEmpty)
    #expect(unmarked.texts("note").isEmpty)
    #expect(unmarked.height < scene.height)
  }

  @Test func tokensPastTheLimitHaveNoBars() {
    let scene = tokenFigure(
      tokens, title: FigureTitle("t"), style: style, measurer: measurer, limit: 7,
      segments: segments)
    let bars = scene.rects("role-segment")
    let boxes = scene.rects("token")
    #expect(boxes.count == 7)
    // Runs 0–1, 2–4, 5, 6 (cut at the limit); none for the assistant's tokens 10–11.
    #expect(bars.count == 4)
    let right = boxes.map { $0.x + $0.width }.max() ?? 0
    #expect(bars.allSatisfy { $0.x + $0.width <= right })
  }

  @Test func tokenRowsGetBarsBetweenLabelsAndCells() {
    var m = LabeledMatrix(
      attention(12), rowLabels: tokens, columnLabels: (0..<12).map { "d\($0)" }, kind: .signed)
    m.labelsAreDimensions = true
    let scene = heatmapFigure(
      m, title: title, style: style, measurer: measurer, rowSegments: segments)
    let cells = scene.rects("cell")
    let gridLeft = cells.map(\.x).min() ?? 0
    let rowTops = Set(cells.map(\.y)).sorted()
    let bars = scene.rects("role-segment").sorted { $0.y < $1.y }
    #expect(bars.count == 5)
    for (bar, segment) in zip(bars, segments) {
      #expect(bar.x + bar.width + segmentBarGap == gridLeft)
      #expect(abs(bar.y - (rowTops[segment.columns.lowerBound] + 1)) < 1e-9)
      #expect(bar.width == segmentBarSize)
    }
    // The row labels end left of the bars.
    let labels = scene.texts("row-label")
    #expect(labels.count == 12)
    #expect(labels.allSatisfy { $0.position.x <= bars[0].x - labelGap + 1e-9 })
    #expect(
      scene.texts("caption").map(\.string) == [
        "Bars beside the rows: the chat roles (system green, user blue, assistant pink); pale: "
          + "the template's own markers."
      ])
    expectSaneFigure(scene)
    // legend: false leaves the caption to the figure the panel goes into.
    let panel = heatmapFigure(
      m, title: title, style: style, measurer: measurer, rowSegments: segments, legend: false)
    #expect(panel.rects("role-segment").count == 5 && panel.texts("caption").isEmpty)
  }

  @Test func pooledRowsGetNoBars() {
    let n = 600
    var m = LabeledMatrix(
      Matrix(rows: n, columns: 4), rowLabels: (0..<n).map { "t\($0)" },
      columnLabels: ["d0", "d1", "d2", "d3"], kind: .signed)
    m.labelsAreDimensions = true
    var small = style
    small.maxGridSize = 300
    let scene = heatmapFigure(
      m, title: title, style: small, measurer: measurer,
      rowSegments: [ColumnSegment(kind: .user, columns: 0...(n - 1), isMarker: false)])
    #expect(scene.rects("role-segment").isEmpty)
    #expect(scene.texts("caption").isEmpty)
  }
}
