import AttnvizMath
import AttnvizRender
import Testing

@testable import AttnvizViews

/// Every colour the dark preset leaves on its page is dark-safe: no light block (the masked
/// triangle was light grey), page text readable on the dark background.
@Suite struct DarkPresetTests {
  func contrast(_ a: RGBA, _ b: RGBA) -> Double {
    let (la, lb) = (relativeLuminance(a), relativeLuminance(b))
    return (max(la, lb) + 0.05) / (min(la, lb) + 0.05)
  }

  @Test func aCausalHeatmapOnTheDarkPageHasNoLightBlockAndReadableText() {
    let tokens = ["the", "cat", "sat", "on", "the", "mat"]
    var style = FigureStyle()
    style.cellSize = 40
    let scene = themed(
      heatmapFigure(
        attentionMatrix(tokens, causal: true), title: FigureTitle("t", subtitle: "s"),
        style: style, measurer: measurer), .dark)
    let background = scene.background
    #expect(relativeLuminance(background) < 0.05)
    var masked = 0
    for item in scene.items {
      switch item {
      case .rect(let rect) where rect.fill == maskedFill:
        Issue.record("a masked cell keeps its light fill at \(rect.x), \(rect.y)")
      case .rect(let rect) where rect.role == "cell" || rect.role == "legend":
        if rect.fill == FigureTheme.darkMaskedFill { masked += 1 }
      case .rect(let rect) where rect.fill.a > 0 && rect.role != "colorbar":
        #expect(relativeLuminance(rect.fill) < 0.2, "\(rect.role ?? "rect") \(rect.fill)")
      case .line(let line) where line.role == "masked":
        #expect(relativeLuminance(line.color) < 0.2, "masked stroke \(line.color)")
      case .text(let text) where FigureTheme.pageTextRoles.contains(text.role ?? ""):
        #expect(contrast(text.color, background) >= 4.5, "\(text.role ?? "") \(text.color)")
      default:
        break
      }
    }
    // 15 masked cells above the diagonal and the legend's swatch.
    #expect(masked == 16)
  }
}
