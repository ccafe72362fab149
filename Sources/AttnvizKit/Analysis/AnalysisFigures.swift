import AttnvizAnalysis
import AttnvizMath
import AttnvizModel
import AttnvizRender
import AttnvizViews
import Foundation

/// The scenes of the analysis views (patterns, sinks, rollout, stats), each as (file stem,
/// scene). They read every layer and head of the whole trace, special tokens included: a sink
/// or a [SEP] head is only visible with them.
func analysisScene(
  _ view: ViewKind, trace: AttentionTrace, titles: Titles, rolloutFrom: Int?, style: FigureStyle,
  measurer: any TextMeasuring
) throws -> (String, Scene)? {
  let model = trace.model
  let grid = layersByHeads(trace)
  let subtitle = titles.subtitle(includingLayer: false)
  let layers = trace.layers.map(\.weights)
  switch view {
  case .patterns:
    let title = FigureTitle("Head patterns · \(grid)", subtitle: subtitle)
    return (
      "patterns",
      patternsFigure(
        layers, patterns: headPatterns(trace), rule: HeadPatternRule(),
        tokens: trace.tokens.map(\.text), causal: model.causal,
        queryHeadsPerKeyValueHead: groupSize(model), legend: groupLegend(model), title: title,
        style: style, measurer: measurer)
    )
  case .sinks:
    let targets = sinkTargets(trace)
    let table = SinkTable(layers: layers, sinkKeys: targets.keys)
    let title = FigureTitle("Attention sinks · \(grid)", subtitle: subtitle)
    let caption = [
      "Each cell: the share of a head's attention that goes to \(targets.description),",
      "averaged over the other query tokens; “mean” is the layer's average over its heads.",
    ]
    return (
      "sinks",
      sinksFigure(
        shares: table.shares, layerMeans: table.layerMeans, title: title, caption: caption,
        style: style, measurer: measurer)
    )
  case .rollout:
    return try rolloutScene(
      trace, titles: titles, from: rolloutFrom, style: style, measurer: measurer)
  case .stats:
    let stats = layers.map { $0.map(HeadStatistics.init) }
    let title = FigureTitle(
      "Attention distance and entropy · \(grid)", subtitle: subtitle)
    let caption = [
      "Distance: Σⱼ w(i, j)·|i − j| averaged over queries i (1 = a previous-token head).",
      "Entropy: −Σⱼ w(i, j)·log₂ w(i, j) averaged over queries (0 = one key).",
    ]
    return (
      "stats",
      statsFigure(
        distances: stats.map { $0.map(\.meanDistance) },
        entropies: stats.map { $0.map(\.meanEntropyBits) },
        maxEntropy: log2(Double(max(trace.tokens.count, 2))), title: title, caption: caption,
        style: style, measurer: measurer)
    )
  default:
    return nil
  }
}

/// The rollout beside the raw last-layer average, the formula in the caption.
func rolloutScene(
  _ trace: AttentionTrace, titles: Titles, from: Int?, style: FigureStyle,
  measurer: any TextMeasuring
) throws -> (String, Scene) {
  let count = trace.layers.count
  let first = try rolloutStart(from, layers: count)
  let layers = trace.layers.map(\.weights)
  guard let rollout = attentionRollout(layers, from: first), let last = layers.last else {
    throw AttnvizError.failure("the trace has no layers to roll out")
  }
  let labels = trace.tokens.map { tokenLabel($0.text) }
  func labeled(_ m: Matrix) -> LabeledMatrix {
    LabeledMatrix(
      m, rowLabels: labels, columnLabels: labels, kind: .probabilities,
      isCausal: trace.model.causal)
  }
  let range = first + 1 == count ? "layer \(count)" : "layers \(first + 1)–\(count)"
  let title = FigureTitle(
    "Attention rollout · \(range) of \(count)",
    subtitle: titles.subtitle(includingLayer: false))
  let caption = [
    "Rollout (Abnar & Zuidema 2020): R = Â\(subscripted(count)) ··· Â\(subscripted(first + 1)),"
      + " Âₗ = ½ (meanₕ Aₗ,ₕ + I): heads averaged, identity added for the residual stream,",
    "rows renormalised, layers multiplied."
      + " Row i: how much token i's output draws on each input token.",
  ]
  return (
    "rollout",
    rolloutFigure(
      raw: labeled(headAverage(last)), rollout: labeled(rollout),
      rawTitle: "Raw attention · layer \(count), heads averaged",
      rolloutTitle: "Rollout · \(range)", title: title, caption: caption, style: style,
      measurer: measurer)
  )
}

/// `--rollout-from L` (1-based) as a 0-based layer, checked against the model.
func rolloutStart(_ from: Int?, layers: Int) throws -> Int {
  guard let from else { return 0 }
  guard (1...layers).contains(from) else {
    throw AttnvizError.usage(
      "--rollout-from \(from) is out of range; the model has \(layers) "
        + "layer\(layers == 1 ? "" : "s") (1–\(layers))"
    )
  }
  return from - 1
}

func subscripted(_ n: Int) -> String {
  let digits = Array("₀₁₂₃₄₅₆₇₈₉")
  return String(String(n).compactMap { $0.wholeNumberValue.map { digits[$0] } })
}

/// Query heads per key/value head when the model groups them (GQA), else nil.
func groupSize(_ model: ModelInfo) -> Int? {
  model.keyValueHeads < model.heads && model.keyValueHeads > 0
    ? model.queryHeadsPerKeyValueHead : nil
}

/// "9 query heads, 3 key/value heads" for a grouped-query model, else nothing.
func groupLegend(_ model: ModelInfo) -> [String] {
  guard groupSize(model) != nil else { return [] }
  return [
    "\(model.heads) query heads, \(model.keyValueHeads) key/value heads:"
      + " each bracket marks the query heads that share one key/value head."
  ]
}

/// "6 layers × 12 heads", "1 layer × 2 heads".
func layersByHeads(_ trace: AttentionTrace) -> String {
  let layers = trace.layers.count
  let heads = trace.model.heads
  return "\(layers) layer\(layers == 1 ? "" : "s") × \(heads) head\(heads == 1 ? "" : "s")"
}
