import AttnvizMath
import AttnvizModel
import AttnvizStyle

/// The part of a trace that tables and figures show: one layer (1-based `--layer`, default the
/// last), its heads (or one `--head`), and the tokens left after `--hide-special`.
struct AttentionSelection {
  let trace: AttentionTrace
  /// 0-based layer index.
  let layer: Int
  /// 0-based head indices shown.
  let heads: [Int]
  /// Token positions shown (all, or all but special tokens).
  let positions: [Int]
  /// `--renormalize`: with tokens hidden, each shown row divided by its sum over the shown keys.
  let renormalizes: Bool

  init(
    trace: AttentionTrace, layer: Int?, head: Int?, hideSpecial: Bool, renormalize: Bool = false
  ) throws {
    self.trace = trace
    self.renormalizes = renormalize
    try checkLayerAndHead(layer: layer, head: head, model: trace.model)
    let layers = trace.layers.count
    let headCount = trace.model.heads
    self.layer = (layer ?? layers) - 1
    self.heads = head.map { [$0 - 1] } ?? Array(0..<headCount)
    let ordinary = trace.tokens.indices.filter { !trace.tokens[$0].isSpecial }
    self.positions = hideSpecial && !ordinary.isEmpty ? ordinary : Array(trace.tokens.indices)
  }

  var hidesTokens: Bool { positions.count < trace.tokens.count }
  /// The shown tokens as every table and figure labels them: the one label rule (`tokenLabel`),
  /// applied here, where the labelled matrices are built, and nowhere after.
  var labels: [String] { positions.map { tokenLabel(trace.tokens[$0].text) } }

  /// Head `head` (0-based) of the selected layer, restricted to the shown tokens.
  func matrix(head: Int) -> LabeledMatrix {
    labeled(restrict(trace.layers[layer].weights[head]))
  }

  /// The average of all heads of the selected layer (rows still sum to 1).
  func averageMatrix() -> LabeledMatrix {
    let weights = trace.layers[layer].weights
    var sum = Matrix(rows: weights[0].rows, columns: weights[0].columns)
    for w in weights { sum = sum + w }
    return labeled(restrict(sum * (1 / Double(weights.count))))
  }

  /// Every layer's heads restricted to the shown tokens, for the model view.
  func allLayers() -> [[Matrix]] {
    trace.layers.map { $0.weights.map(restrict) }
  }

  /// Rows and columns of the shown tokens. With special tokens hidden the rows no longer sum to
  /// 1: the figure shows what the ordinary tokens receive, as BertViz does, and says so.
  /// With `renormalizes`, each row is divided by its sum over the shown keys, so it sums to 1
  /// again: how the token's attention splits among the tokens shown.
  func restrict(_ m: Matrix) -> Matrix {
    guard hidesTokens else { return m }
    var out = Matrix(rows: positions.count, columns: positions.count)
    for (i, r) in positions.enumerated() {
      var sum = 0.0
      for (j, c) in positions.enumerated() {
        out[i, j] = m[r, c]
        sum += m[r, c]
      }
      if renormalizes && sum > 0 {
        for j in positions.indices { out[i, j] /= sum }
      }
    }
    return out
  }

  /// The smallest and largest sum of a shown row over the shown keys, in the heads shown: what
  /// the hidden tokens leave (nil when none are hidden or rows are renormalised).
  var shownRowSums: (lower: Double, upper: Double)? {
    guard hidesTokens, !renormalizes else { return nil }
    var lower = Double.infinity
    var upper = -Double.infinity
    for h in heads {
      let w = trace.layers[layer].weights[h]
      for r in positions {
        let sum = positions.reduce(0) { $0 + w[r, $1] }
        lower = min(lower, sum)
        upper = max(upper, sum)
      }
    }
    return lower <= upper ? (lower, upper) : nil
  }

  func labeled(_ m: Matrix) -> LabeledMatrix {
    var labeled = LabeledMatrix(
      m, rowLabels: labels, columnLabels: labels, kind: .probabilities, isCausal: trace.model.causal
    )
    // Hidden tokens renumber the rows and columns; the window counts the model's positions.
    if !hidesTokens { labeled.window = trace.layers[layer].window }
    return labeled
  }
}
