import AttnvizMath
import AttnvizModel
import AttnvizRender
import AttnvizViews
import Foundation
import Testing

@testable import AttnvizKit

/// The PNG heatmap, read back through libpng: its size, and that each cell is painted in the
/// colour map's colour for that cell's weight (row = query, column = key).
@Suite struct HeatmapPixelsTests {
  static let weights = """
    {"d_model": 2, "heads": 1, "positional_encoding": "none",
     "embeddings": {"the": [1, 0], "cat": [0, 1], "sat": [1, 1]},
     "wq": [[1, 0], [0, 1]], "wk": [[1, 0], [0, 1]], "wv": [[1, 0], [0, 1]]}
    """

  @Test func cellsHaveTheColourOfTheirWeight() throws {
    let model = try WeightsFileModel(data: Data(Self.weights.utf8), name: "w.json")
    let trace = try model.trace("the cat sat")
    let selection = try AttentionSelection(trace: trace, layer: nil, head: nil, hideSpecial: false)
    let fonts = try FontSet()
    let style = try figureStyle(FigureOptions())
    let scenes = try figureScenes(
      selection, titles: Titles(trace: trace, selection: selection), views: [.heatmap], focus: nil,
      style: style, measurer: fonts)
    #expect(scenes.map(\.0) == ["heatmap-layer1-head1"])
    let scene = scenes[0].1
    let scale = 2.0
    let png = try decodePNG(try renderPNG(scene, scale: scale, fonts: fonts))
    #expect(png.width == Int((scene.width * scale).rounded()))
    #expect(png.height == Int((scene.height * scale).rounded()))

    let cells: [RectItem] = scene.items.compactMap {
      if case .rect(let r) = $0, r.role == "cell" { return r }
      return nil
    }
    #expect(cells.count == 9)
    // Cells are laid out row by row: sort by (y, x) to index them as (query, key).
    let ordered = cells.sorted { ($0.y, $0.x) < ($1.y, $1.x) }
    let w = trace.layers[0].weights[0]
    for query in 0..<3 {
      for key in 0..<3 {
        let cell = ordered[query * 3 + key]
        let pixel = png.pixel(
          x: Int((cell.x + cell.width / 2) * scale), y: Int((cell.y + cell.height / 2) * scale))
        #expect(pixel == ColorMap.viridis.color(at: w[query, key]), "cell (\(query), \(key))")
      }
    }
    // The hand-worked weights: row "sat" puts 0.50 on itself, the brightest of its row.
    #expect(abs(w[2, 2] - 0.5035) < 1e-4)
  }
}
