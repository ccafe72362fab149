import AttnvizAnalysis
import AttnvizMath
import AttnvizModel
import AttnvizRender
import AttnvizStyle
import AttnvizTables
import AttnvizViews

/// `--view contribution`: the selected layer's attention weights beside what the heads actually
/// move, ‖α·f(x)‖ (Kobayashi et al. 2020), and the sink keys' share of each. One head with
/// `--head`, otherwise the layer's heads together (weights averaged, contributions summed).
struct ContributionSummary: Sendable {
  /// 0-based layer and the heads taken together.
  var layer: Int
  var heads: [Int]
  /// What the figure and the table show (full rows, before any `--hide-special`).
  var layerContribution: LayerContribution
  /// The sink keys (first token of a decoder, special tokens of an encoder) and how a caption
  /// names them.
  var sinkKeys: [Int]
  var sinkDescription: String
  /// The sink keys' share of the weight and of the contribution, averaged over the other
  /// queries (the sinks view's rule).
  var weightShare: Double
  var contributionShare: Double

  init(_ selection: AttentionSelection) throws {
    let trace = selection.trace
    guard let norms = trace.layers[selection.layer].headTransformedNorms else {
      throw AttnvizError.usage(
        "--view contribution needs the value and output projections, which this run did not keep"
          + (trace.layers[selection.layer].steps == nil && trace.layers.count > 1
            ? " (--merge-subwords combines tokens after the model ran; drop it for this view)"
            : ""))
    }
    layer = selection.layer
    heads = selection.heads
    layerContribution = LayerContribution(
      weights: trace.layers[layer].weights, norms: norms, heads: heads)
    let targets = sinkTargets(trace)
    sinkKeys = targets.keys
    sinkDescription = targets.description
    weightShare = sinkShare(layerContribution.weights, sinkKeys: sinkKeys)
    contributionShare = sinkShare(layerContribution.shares, sinkKeys: sinkKeys)
  }

  /// "the heads together" or "head 9 of 9".
  func headsPart(_ model: ModelInfo) -> String {
    heads.count == 1
      ? "head \(heads[0] + 1) of \(model.heads)" : "all \(model.heads) heads together"
  }

  /// Said wherever the view is shown on a model whose attention output passes a norm of its
  /// own before the residual stream (Gemma): the norms are not those of what reaches the stream.
  static func inexactNote(_ model: ModelInfo) -> String? {
    guard model.normalizesAttentionOutput else { return nil }
    return "Not exact for \(model.name): its attention output passes a norm (learned scale per "
      + "dimension) before the residual stream, so ‖α·f(x)‖ measures what the heads put into "
      + "that output, not what reaches the stream."
  }

  /// The sentence on the difference, with the numbers `contribution.json` holds.
  var differenceSentence: String {
    let w = formatFixed(weightShare, decimals: 2)
    let c = formatFixed(contributionShare, decimals: 2)
    let name = sinkDescription.prefix(1).uppercased() + sinkDescription.dropFirst()
    let gets = sinkKeys.count == 1 ? "gets" : "get"
    if contributionShare < weightShare * 0.8 {
      return "\(name) \(gets) \(w) of the weight but only \(c) of the contribution:"
        + " looked at, little read."
    }
    if contributionShare > weightShare * 1.25 {
      return "\(name) \(gets) \(w) of the weight and \(c) of the contribution:"
        + " \(sinkKeys.count == 1 ? "its vector is" : "their vectors are") longer than the others'."
    }
    return "\(name) \(gets) \(w) of the weight and \(c) of the contribution."
  }
}

/// The weight | contribution pair, on one 0…1 scale, with the rule and the sentence on the
/// difference under it.
func contributionScene(
  _ selection: AttentionSelection, titles: Titles, names: FileNumbers, style: FigureStyle,
  measurer: any TextMeasuring
) throws -> (String, Scene) {
  let summary = try ContributionSummary(selection)
  let trace = selection.trace
  var stem = "contribution-\(names.layer(selection.layer))"
  if summary.heads.count == 1 { stem += "-\(names.head(summary.heads[0]))" }
  let title = FigureTitle(
    "Weight vs contribution · \(titles.layerPart) · \(summary.headsPart(trace.model))",
    subtitle: titles.subtitle)
  let together = summary.heads.count > 1
  var caption = [
    "Left: where the head\(together ? "s look (weights averaged)" : " looks") α(i, j)."
      + " Right: what \(together ? "they move" : "it moves"), ‖α(i, j)·f(xⱼ)‖"
      + "\(together ? " summed over heads" : ""), f = value then output projection"
      + " (Kobayashi et al. 2020); each row sums to 1.",
    summary.differenceSentence + " (mean over the other query rows; contribution.json)",
  ]
  if let note = ContributionSummary.inexactNote(trace.model) { caption.append(note) }
  let panels = [summary.layerContribution.weights, summary.layerContribution.shares].map {
    selection.labeled(selection.restrict($0))
  }
  // One colour bar serves both panels: a weight on the left, a share of the row on the right.
  var style = style
  style.unitScaleLabel = "weight · share of the row"
  return (
    stem,
    headsFigure(
      panels,
      panelTitles: ["Attention weight α", "Contribution ‖α·f(x)‖, share of the row"],
      title: title, caption: caption, style: style, measurer: measurer)
  )
}

/// What `--view contribution` adds to standard output: the contribution shares as a table and
/// the sentence on the sink.
func contributionText(_ selection: AttentionSelection, titles: Titles, options: TableOptions)
  throws -> String
{
  let summary = try ContributionSummary(selection)
  let matrix = selection.labeled(selection.restrict(summary.layerContribution.shares))
  let title =
    "Contribution ‖α·f(x)‖, share of each row · \(titles.layerPart) · "
    + "\(summary.headsPart(selection.trace.model)) · \(titles.modelName)"
  let note = ContributionSummary.inexactNote(selection.trace.model).map { $0 + "\n" } ?? ""
  return "\n" + renderTable(matrix, title: title, options: options)
    + tokenLabel(
      summary.differenceSentence) + "\n" + note
}

/// `contribution.json`: ‖f_h(x_j)‖ of every layer, head and token; the sink shares of weight
/// and contribution for every layer and head; and for the selected layer the pair the figure
/// shows and every head's unnormalised contribution matrix ‖α_h(i, j) f_h(x_j)‖. Streamed a
/// row at a time: the per-head matrices are H × T² numbers.
func contributionFile(_ selection: AttentionSelection, precision: Int?) throws -> OutputFile {
  let summary = try ContributionSummary(selection)
  let trace = selection.trace
  guard trace.layers.allSatisfy({ $0.headTransformedNorms != nil }) else {
    throw AttnvizError.failure("a layer of the trace has no value norms")
  }
  return OutputFile(name: "contribution.json") { sink in
    try writeContributionJSON(trace, summary: summary, precision: precision) {
      try sink.write($0)
    }
  }
}

func writeContributionJSON(
  _ trace: AttentionTrace, summary: ContributionSummary, precision: Int?,
  _ emit: (String) throws -> Void
) rethrows {
  func number(_ x: Double) -> String { jsonNumber(x, precision: precision) }
  func row(_ xs: some Sequence<Double>) -> String {
    "[" + xs.map(number).joined(separator: ", ") + "]"
  }
  func matrix(_ m: Matrix, indent: String) throws {
    try emit("[\n")
    for r in 0..<m.rows {
      try emit(indent + "  " + row(m.row(r)) + (r + 1 < m.rows ? ",\n" : "\n"))
    }
    try emit(indent + "]")
  }
  let norms = trace.layers.map { $0.headTransformedNorms ?? [] }
  var weightShares: [[Double]] = []
  var contributionShares: [[Double]] = []
  var layerWeight: [Double] = []
  var layerContribution: [Double] = []
  for (layer, n) in zip(trace.layers, norms) {
    let all = LayerContribution(
      weights: layer.weights, norms: n, heads: Array(layer.weights.indices))
    weightShares.append(layer.weights.map { sinkShare($0, sinkKeys: summary.sinkKeys) })
    contributionShares.append(
      layer.weights.indices.map { h in
        sinkShare(
          rowNormalized(contributionMatrix(weights: layer.weights[h], norms: n[h])),
          sinkKeys: summary.sinkKeys)
      })
    layerWeight.append(sinkShare(all.weights, sinkKeys: summary.sinkKeys))
    layerContribution.append(sinkShare(all.shares, sinkKeys: summary.sinkKeys))
  }
  var out = "{\n"
  out +=
    "  \"rule\": "
    + jsonStringLiteral(
      "contribution[h][i][j] = ‖α_h(i,j)·f_h(x_j)‖ = α_h(i,j)·f_norms[layer][h][j], f_h = value "
        + "projection (with its bias) then head h's columns of the output projection (without "
        + "its bias), Kobayashi et al. 2020; shares: rows divided by their sums; sink shares: "
        + "the sink keys' share averaged over the queries that are not sinks") + ",\n"
  if let note = ContributionSummary.inexactNote(trace.model) {
    out += "  \"exact_for_residual_stream\": false,\n  \"note\": \(jsonStringLiteral(note)),\n"
  }
  out += "  \"tokens\": [" + trace.tokens.map { jsonStringLiteral($0.text) }.joined(separator: ", ")
  out += "],\n  \"sink_keys\": [\(summary.sinkKeys.map(String.init).joined(separator: ", "))],\n"
  out += "  \"f_norms\": [\n"
  out += norms.map { layer in
    "    [\n" + layer.map { "      " + row($0) }.joined(separator: ",\n") + "\n    ]"
  }.joined(separator: ",\n")
  out += "\n  ],\n"
  out += "  \"sink_share_weight\": [\n"
  out += weightShares.map { "    " + row($0) }.joined(separator: ",\n") + "\n  ],\n"
  out += "  \"sink_share_contribution\": [\n"
  out += contributionShares.map { "    " + row($0) }.joined(separator: ",\n") + "\n  ],\n"
  out += "  \"sink_share_weight_layer\": \(row(layerWeight)),\n"
  out += "  \"sink_share_contribution_layer\": \(row(layerContribution)),\n"
  out += "  \"shown\": {\n"
  out += "    \"layer\": \(summary.layer + 1),\n"
  out += "    \"heads\": [\(summary.heads.map { String($0 + 1) }.joined(separator: ", "))],\n"
  out += "    \"sink_share_weight\": \(number(summary.weightShare)),\n"
  out += "    \"sink_share_contribution\": \(number(summary.contributionShare)),\n"
  out += "    \"weight\": "
  try emit(out)
  try matrix(summary.layerContribution.weights, indent: "    ")
  try emit(",\n    \"contribution_share\": ")
  try matrix(summary.layerContribution.shares, indent: "    ")
  try emit(",\n    \"contribution\": [\n")
  let selected = trace.layers[summary.layer]
  for h in selected.weights.indices {
    try emit("      ")
    try matrix(
      contributionMatrix(weights: selected.weights[h], norms: norms[summary.layer][h]),
      indent: "      ")
    try emit(h + 1 < selected.weights.count ? ",\n" : "\n")
  }
  try emit("    ]\n  }\n}\n")
}
