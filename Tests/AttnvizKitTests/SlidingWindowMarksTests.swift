import AttnvizMath
import AttnvizModel
import AttnvizTokens
import Testing

@testable import AttnvizKit

/// Sliding-window layers in the figures: the model grid's row tags and legend, the heatmap's
/// layer title and subtitle, and the band drawn masked (Gemma 3: window 512, global every 6th).
@Suite struct SlidingWindowMarksTests {
  /// Three layers, the middle one global, window 2, on `tokens` tokens.
  func trace(tokens t: Int) -> AttentionTrace {
    let uniform = Matrix(
      rows: t, columns: t, values: [Double](repeating: 1 / Double(t), count: t * t))
    let model = ModelInfo(
      name: "tiny", family: .transformer(.gemma3), layers: 3, heads: 1, dModel: 4, causal: true)
    return AttentionTrace(
      text: "a b c d", tokens: (0..<t).map { Token("t\($0)", id: $0) }, model: model,
      layers: [
        LayerTrace(weights: [uniform], window: 2), LayerTrace(weights: [uniform]),
        LayerTrace(weights: [uniform], window: 2),
      ])
  }

  @Test func modelGridTagsAndExplainsLocalLayers() {
    let trace = trace(tokens: 4)
    #expect(windowTags(trace) == ["local", "", "local"])
    #expect(
      windowLegend(trace) == [
        "local = sliding window of 2 tokens (each token sees its 2 latest); layer 2 attends globally"
      ])
    var full = trace
    full.layers = full.layers.map { LayerTrace(weights: $0.weights) }
    #expect(windowTags(full) == nil && windowLegend(full).isEmpty)
  }

  @Test func localLayerTitleSubtitleAndBand() throws {
    let trace = trace(tokens: 4)
    let local = try AttentionSelection(trace: trace, layer: 1, head: 1, hideSpecial: false)
    let titles = Titles(trace: trace, selection: local)
    #expect(titles.layerPart == "layer 1 of 3 (local)")
    #expect(titles.subtitle.contains("sliding window: each token sees only its 2 latest tokens"))
    let m = local.matrix(head: 0)
    #expect(m.isMasked(2, 0) && m.isMasked(3, 1) && !m.isMasked(3, 2) && m.isMasked(1, 2))
    let global = try AttentionSelection(trace: trace, layer: 2, head: 1, hideSpecial: false)
    #expect(Titles(trace: trace, selection: global).layerPart == "layer 2 of 3")
    #expect(!global.matrix(head: 0).isMasked(3, 0))
    // A text no longer than the window: the layer is still called local, with no band to explain.
    let short = self.trace(tokens: 2)
    let shortTitles = Titles(
      trace: short,
      selection: try AttentionSelection(trace: short, layer: 1, head: 1, hideSpecial: false))
    #expect(!shortTitles.subtitle.contains("sliding window"))
  }
}
