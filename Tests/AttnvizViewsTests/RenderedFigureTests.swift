import AttnvizMath
import AttnvizRender
import Testing

@testable import AttnvizViews

/// The views laid out with the real (built-in DejaVu) fonts and drawn by the rasteriser: the
/// checks hold for real glyph widths, not just the fixed test measurer, and the pixels agree
/// with the scene.
@Suite struct RenderedFigureTests {
  static let fonts: FontSet? = try? FontSet(searchSystemFonts: false)

  static func figures(_ tokens: [String], fonts: FontSet) -> [(String, Scene)] {
    let heads = headMatrices(tokens, count: 2)
    let style = FigureStyle()
    return [
      ("heatmap", heatmapFigure(heads[0], title: title, style: style, measurer: fonts)),
      (
        "annotated",
        heatmapFigure(
          headMatrices(tokens, count: 1, causal: true)[0], title: title,
          style: FigureStyle(annotate: true), measurer: fonts)
      ),
      (
        "heads",
        headsFigure(
          heads, panelTitles: ["Head 1", "Head 2"], title: title, style: style, measurer: fonts)
      ),
      (
        "lines",
        linesFigure(
          tokens: tokens, heads: heads.map(\.matrix), headNames: ["Head 1", "Head 2"], focus: 1,
          title: title, style: style, measurer: fonts)
      ),
      (
        "model",
        modelFigure(
          [heads.map(\.matrix), heads.map(\.matrix)], tokens: tokens, title: title, style: style,
          measurer: fonts)
      ),
      (
        "pe",
        positionalEncodingFigure(
          sinusoidalPositionalEncoding(positions: tokens.count, dimensions: 32), title: title,
          style: style, measurer: fonts)
      ),
    ]
  }

  @Test(arguments: [TokenSet.short, .long])
  func realFontsFitAndPixelsMatchTheScene(_ set: TokenSet) throws {
    let fonts = try #require(Self.fonts)
    for (name, scene) in Self.figures(set.tokens, fonts: fonts) {
      expectSaneFigure(scene, measurer: fonts)
      let image = try decodePNG(renderPNG(scene, scale: 2, fonts: fonts))
      #expect(image.width == Int(scene.width * 2) && image.height == Int(scene.height * 2))
      // The margin stays blank: nothing was drawn across the figure's edge.
      let edge =
        (0..<image.width).flatMap {
          [image.pixel(x: $0, y: 0), image.pixel(x: $0, y: image.height - 1)]
        }
        + (0..<image.height).flatMap {
          [image.pixel(x: 0, y: $0), image.pixel(x: image.width - 1, y: $0)]
        }
      #expect(edge.allSatisfy { $0 == .white }, "\(name): ink on the border")
      // A cell's centre shows the cell's colour (unless a value is printed over it).
      let annotated = !scene.texts("annotation").isEmpty
      if let cell = scene.rects("cell").first(where: { $0.width >= 4 && $0.fill != maskedFill }),
        !annotated
      {
        let pixel = image.pixel(
          x: Int((cell.x + cell.width / 2) * 2), y: Int((cell.y + cell.height / 2) * 2))
        #expect(pixel == cell.fill, "\(name): cell pixel \(pixel) vs fill \(cell.fill)")
      }
    }
  }
}
