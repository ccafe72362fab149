import AttnvizMath
import AttnvizModel
import AttnvizRender
import AttnvizStyle
import AttnvizTables
import AttnvizViews

/// `--view credit`: each head's direct effect on the logit of the predicted token (or
/// `--target`), the other terms of the sum, and the heads with the largest effect named.
struct Credit: Sendable {
  var attribution: LogitAttribution
  var probability: Double
  var targetName: String
  /// The model's own prediction and its probability.
  var predicted: Int
  var predictedName: String
  var predictedProbability: Double
  var modelName: String
  /// The heads named: the largest effects by size, at most `namedHeads`.
  var top: [(layer: Int, head: Int, value: Double)]

  static let namedHeads = 5

  /// From `pass`, the trace's own pass when it kept the residual stream and the heads' writes
  /// (`ForwardRequest.attribute`); else from a pass of its own over `ids`.
  init(model: TransformerModel, ids: [Int], target: Int?, pass: ForwardOutput? = nil) throws {
    let (attribution, logits) = try runModel {
      try pass.map { try model.logitAttribution(from: $0, target: target) }
        ?? model.logitAttribution(ids: ids, target: target)
    }
    let distribution = NextTokenDistribution(logits: logits)
    self.attribution = attribution
    probability = distribution.probabilities[attribution.target]
    targetName = tokenName(attribution.target, model: model)
    predicted = distribution.argmax
    predictedName = tokenName(predicted, model: model)
    predictedProbability = distribution.probabilities[predicted]
    modelName = model.info.name
    var all: [(layer: Int, head: Int, value: Double)] = []
    for (l, row) in attribution.heads.enumerated() {
      for (h, value) in row.enumerated() { all.append((l, h, value)) }
    }
    top = Array(
      all.sorted { (abs($0.value), $1.layer, $1.head) > (abs($1.value), $0.layer, $0.head) }
        .prefix(Self.namedHeads))
  }

  var isPrediction: Bool { attribution.target == predicted }

  /// "“·The” (the prediction, p = 0.31)" or "“·animal” (p = 0.02; the prediction is “·The”)".
  var targetPhrase: String {
    let p = "p = \(formatFixed(probability, decimals: 2))"
    return isPrediction
      ? "“\(targetName)” (the prediction, \(p))"
      : "“\(targetName)” (\(p); the model predicts “\(predictedName)”)"
  }

  /// logit = heads + feed-forwards + embeddings + biases, each printed.
  var sumLine: String {
    let a = attribution
    func n(_ x: Double) -> String { formatFixed(x, decimals: 2) }
    var line =
      "logit \(n(a.logit)) = heads \(n(a.heads.joined().reduce(0, +)))"
      + " + feed-forwards \(n(a.feedForwards.reduce(0, +)))"
      + " + embeddings \(n(a.embeddings))"
    let biases = a.attentionBiases.reduce(0, +)
    if biases != 0 { line += " + attention biases \(n(biases))" }
    if a.normBias != 0 { line += " + final-norm bias \(n(a.normBias))" }
    return line + " (sum \(n(a.sum)))"
  }

  /// "14.9 +1.23, 20.3 −0.98, …"
  var topLine: String {
    top.map { "\($0.layer + 1).\($0.head + 1) \(signed($0.value))" }.joined(separator: ", ")
  }
}

/// "+1.23" / "−0.98": the sign always shown.
func signed(_ x: Double, decimals: Int = 2) -> String {
  let text = formatSigned(x, decimals: decimals)
  return text.hasPrefix("−") ? text : "+" + text
}

/// Model errors (an encoder's missing head, an id out of range) as the pipeline's errors.
func runModel<T>(_ body: () throws -> T) throws -> T {
  do {
    return try body()
  } catch let error as AttnvizError {
    throw error
  } catch {
    throw AttnvizError.from(error)
  }
}

/// Layers × heads as plain text: "Layer n" rows, "H1…" columns, signed values with two
/// decimals, each head's column as wide as its widest value.
func headGridText(_ values: [[Double]], title: String) -> String {
  let heads = values.map(\.count).max() ?? 0
  let cells = values.map { $0.map { formatSigned($0, decimals: 2) } }
  let labelWidth = "Layer \(values.count)".count + 1
  func padded(_ s: String, _ n: Int, right: Bool = true) -> String {
    let fill = String(repeating: " ", count: max(0, n - s.count))
    return right ? fill + s : s + fill
  }
  let width = max(5, cells.joined().map(\.count).max() ?? 0) + 1
  var lines = [title, padded("", labelWidth, right: false)]
  lines[1] += (0..<heads).map { padded("H\($0 + 1)", width) }.joined()
  for (l, row) in cells.enumerated() {
    lines.append(
      padded("Layer \(l + 1)", labelWidth, right: false) + row.map { padded($0, width) }.joined())
  }
  return lines.joined(separator: "\n") + "\n"
}

func creditText(_ credit: Credit, options: TableOptions) -> String {
  var out = "\nCredit for the next token · \(credit.modelName) · target \(credit.targetPhrase)\n"
  out += credit.sumLine + "\n"
  out += "Largest head effects (layer.head): \(credit.topLine)\n"
  out += headGridText(
    credit.attribution.heads,
    title: "Each head's direct effect on the logit of “\(credit.targetName)”")
  return out
}

func creditScene(_ credit: Credit, titles: Titles, style: FigureStyle, measurer: any TextMeasuring)
  -> (String, Scene)
{
  let a = credit.attribution
  let title = FigureTitle(
    "Credit for “\(credit.targetName)” · each head's direct effect on its logit",
    subtitle: titles.subtitle(includingLayer: false))
  let caption = [
    "Cell: what the head writes at the last position, through the final norm (its scale fixed"
      + " there) and the unembedding of “\(credit.targetName)” (direct logit attribution).",
    "MLP: each layer's feed-forward, same rule. Target \(credit.targetPhrase).",
    credit.sumLine + ".",
    "Outlined, the largest effects: \(credit.topLine).",
  ]
  return (
    "credit",
    headEffectFigure(
      values: a.heads, extraColumn: (title: "MLP", values: a.feedForwards),
      outlined: credit.top.map { ($0.layer, $0.head) }, title: title, caption: caption,
      style: style, measurer: measurer)
  )
}

/// `credit.json`: the target and the prediction, every term of the logit, the heads named.
func creditJSON(_ credit: Credit, precision: Int?) -> String {
  let a = credit.attribution
  func n(_ x: Double) -> String { jsonNumber(x, precision: precision) }
  func row(_ xs: [Double]) -> String { "[" + xs.map(n).joined(separator: ", ") + "]" }
  var out = "{\n"
  out +=
    "  \"rule\": "
    + jsonStringLiteral(
      "heads[l][h] = s·u·(g⊙o_l,h): o_l,h is what head h of layer l writes into the residual "
        + "stream at the last position (its output through its columns of Wo), g the final "
        + "norm's weight, s its scale 1/√(mean(x²)+ε) (RMSNorm) or 1/√(var(x)+ε) with each term "
        + "centred (LayerNorm) fixed at the final residual x, u the unembedding row of the target; "
        + "the same rule for embeddings, feed_forwards and attention_biases; the terms sum to "
        + "the logit") + ",\n"
  out += "  \"target\": {\"id\": \(a.target), \"token\": \(jsonStringLiteral(credit.targetName)), "
  out += "\"logit\": \(n(a.logit)), \"probability\": \(n(credit.probability))},\n"
  out += "  \"prediction\": {\"id\": \(credit.predicted), "
  out += "\"token\": \(jsonStringLiteral(credit.predictedName)), "
  out += "\"probability\": \(n(credit.predictedProbability))},\n"
  out += "  \"heads\": [\n" + a.heads.map { "    " + row($0) }.joined(separator: ",\n") + "\n  ],\n"
  out += "  \"feed_forwards\": \(row(a.feedForwards)),\n"
  out += "  \"attention_biases\": \(row(a.attentionBiases)),\n"
  out += "  \"embeddings\": \(n(a.embeddings)),\n"
  out += "  \"final_norm_bias\": \(n(a.normBias)),\n"
  out += "  \"sum\": \(n(a.sum)),\n"
  out += "  \"top_heads\": ["
  out += credit.top.map {
    "{\"layer\": \($0.layer + 1), \"head\": \($0.head + 1), \"credit\": \(n($0.value))}"
  }.joined(separator: ", ")
  return out + "]\n}\n"
}
