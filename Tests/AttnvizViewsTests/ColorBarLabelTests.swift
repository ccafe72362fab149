import AttnvizMath
import AttnvizRender
import Testing

@testable import AttnvizViews

/// A slide says what its colours measure, and what the "·" of byte-level tokens means.
@Suite struct ColorBarLabelTests {
  @Test func weightFiguresLabelTheirColourBarBesideTheTicks() {
    let tokens = ["the", "cat", "sat"]
    let weights = attentionMatrix(tokens)
    for scene in [
      heatmapFigure(weights, title: title, style: FigureStyle(), measurer: measurer),
      headsFigure(
        [weights, weights], panelTitles: ["head 1", "head 2"], title: title, style: FigureStyle(),
        measurer: measurer),
    ] {
      let labels = scene.texts("colorbar-label")
      #expect(labels.map(\.string) == ["attention weight"])
      let tickRight =
        scene.texts("colorbar-tick").map {
          $0.position.x + measurer.width(of: $0.string, size: $0.size, weight: .regular)
        }.max() ?? 0
      #expect(labels.allSatisfy { $0.rotation == 90 && $0.position.x > tickRight })
      #expect(labels.allSatisfy { $0.position.x + measurer.descent(size: $0.size) <= scene.width })
    }
    let signed = LabeledMatrix(
      Matrix(rows: 2, columns: 2, values: [-1, 2, 0.5, -0.25]), rowLabels: ["a", "b"],
      columnLabels: ["x", "y"], kind: .signed)
    #expect(
      heatmapFigure(signed, title: title, style: FigureStyle(), measurer: measurer)
        .texts("colorbar-label").isEmpty)
  }

  @Test func theSpaceMarkIsExplainedOnceWhereItAppears() {
    let marked = attentionMatrix(["The", "·animal", "·it"])
    var style = FigureStyle()
    style.explainsSpaceMark = true
    let scene = heatmapFigure(marked, title: title, style: style, measurer: measurer)
    let subtitle = scene.texts("subtitle").map(\.string).joined(separator: " ")
    #expect(subtitle.components(separatedBy: "marks a token that starts with a space").count == 2)
    let plain = heatmapFigure(
      attentionMatrix(["the", "cat", "·"]), title: title, style: style, measurer: measurer)
    #expect(!plain.texts("subtitle").map(\.string).joined().contains("starts with a space"))
    // A panel of a composed figure leaves it to the figure.
    let panel = heatmapFigure(marked, title: title, style: FigureStyle(), measurer: measurer)
    #expect(!panel.texts("subtitle").map(\.string).joined().contains("starts with a space"))
  }
}

/// Every head colour is visible on a washed-out projector: 3:1 against white at least (WCAG's
/// rule for graphics), and no two heads share a colour.
@Suite struct HeadPaletteTests {
  @Test func everyHeadColourStandsOutOnWhite() {
    for color in headPalette {
      let contrast = 1.05 / (relativeLuminance(color) + 0.05)
      #expect(contrast >= 3, "\(color): \(contrast)")
    }
    #expect(Set(headPalette.map { [$0.r, $0.g, $0.b] }).count == headPalette.count)
    #expect(headPalette.count == 12)
  }
}
