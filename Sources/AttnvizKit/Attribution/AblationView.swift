import AttnvizMath
import AttnvizModel
import AttnvizRender
import AttnvizStyle
import AttnvizTables
import AttnvizViews
import Foundation

/// `--ablate L.H,…`: the run again with those heads' outputs replaced, the next-token
/// probabilities before and after, and how much every head's attention changed.
struct AblationRun: Sendable {
  var heads: [HeadChoice]
  var mode: AblationMode
  var modelName: String
  /// The unablated and ablated next-token distributions' top tokens: (name, id, before, after).
  var rows: [(name: String, id: Int, before: Double, after: Double)]
  /// The token followed (the unablated prediction, or `--target`) and its log-probabilities.
  var target: (name: String, id: Int, before: Double, after: Double)
  /// The ablated run's attention (what the figures then show).
  var trace: AttentionTrace
  /// [layer][head]: the largest |Δ weight| over query and key between the two runs.
  var attentionChange: [[Double]]

  static let shownTokens = 5

  static func request(_ heads: [HeadChoice], _ mode: AblationMode) -> ForwardRequest {
    var request = ForwardRequest(logits: .last, ablatedHeads: Set(heads.map(\.index)))
    request.ablation = mode.engine
    return request
  }

  /// With `pass`, the trace's own pass when it kept the stream entering every layer: the
  /// unablated logits come from its last row (the bits a pass of their own gives, through the
  /// same head), and the ablated pass starts at the first ablated layer from the stream there
  /// (nothing before it changes); without, two passes of their own over `ids`.
  init(
    model: TransformerModel, trace: AttentionTrace, ids: [Int], heads: [HeadChoice],
    mode: AblationMode, target: Int?, pass: ForwardOutput? = nil
  ) throws {
    let layers = model.config.layers
    let c = model.config.hidden
    let streams = pass?.residuals.flatMap {
      $0.count == layers + 1 && $0.allSatisfy { $0.count == ids.count * c } ? $0 : nil
    }
    let first = heads.map(\.index.layer).min() ?? 0
    let (beforeLogits, after) = try runModel {
      guard let streams else {
        let before = try model.forward(ids: ids, request: ForwardRequest(logits: .last))
        return (before.logits, try model.forward(ids: ids, request: Self.request(heads, mode)))
      }
      var request = Self.request(heads, mode)
      request.resume = ForwardRequest.Resume(layer: first, residual: streams[first])
      var resumed = try model.forward(ids: ids, request: request)
      // The layers before the first ablated one are the trace's (without explain's steps).
      resumed.layers =
        trace.layers.prefix(first).map {
          LayerTrace(
            weights: $0.weights, steps: nil, transformedNorms: $0.transformedNorms,
            window: $0.window)
        } + resumed.layers
      return (
        try model.logits(residual: Array(streams[layers][((ids.count - 1) * c)...]), rows: 1),
        resumed
      )
    }
    guard let beforeLogits, let afterLogits = after.logits else {
      throw AttnvizError.failure("the model returned no logits")
    }
    let p = NextTokenDistribution(logits: beforeLogits)
    let q = NextTokenDistribution(logits: afterLogits)
    var ids: [Int] = p.top(Self.shownTokens).map { $0.id }
    for candidate in q.top(Self.shownTokens) where !ids.contains(candidate.id) {
      ids.append(candidate.id)
    }
    rows = ids.map {
      (tokenName($0, model: model), $0, p.probabilities[$0], q.probabilities[$0])
    }
    let followed = target ?? p.argmax
    self.target = (
      tokenName(followed, model: model), followed, log(p.probabilities[followed]),
      log(q.probabilities[followed])
    )
    self.heads = heads
    self.mode = mode
    modelName = model.info.name
    var ablated = trace
    ablated.layers = after.layers
    self.trace = ablated
    attentionChange = zip(trace.layers, after.layers).map { a, b in
      zip(a.weights, b.weights).map { x, y in largestDifference(x, y) }
    }
  }

  var headList: String { heads.map(\.description).joined(separator: ", ") }

  var modeWords: String { mode == .zero ? "zeroed" : "replaced by their mean over positions" }
}

extension AblationMode {
  var engine: ForwardRequest.Ablation { self == .zero ? .zero : .mean }
}

func ablationText(_ run: AblationRun) -> String {
  var out =
    "\nNext token with head\(run.heads.count == 1 ? "" : "s") \(run.headList) "
    + "\(run.modeWords) · \(run.modelName)\n"
  let width = max(8, run.rows.map { $0.name.count }.max() ?? 0)
  func padded(_ s: String) -> String { s + String(repeating: " ", count: max(0, width - s.count)) }
  out += padded("token") + "  before  after   change\n"
  for row in run.rows {
    out +=
      padded(row.name) + "  " + formatFixed(row.before, decimals: 4) + "  "
      + formatFixed(row.after, decimals: 4) + "  " + signed(row.after - row.before, decimals: 4)
      + "\n"
  }
  let t = run.target
  out +=
    "log p(“\(t.name)”): \(formatFixed(t.before, decimals: 3)) → \(formatFixed(t.after, decimals: 3))"
    + " (\(signed(t.after - t.before)))\n"
  let changed = run.attentionChange.enumerated().compactMap { l, row -> String? in
    guard let largest = row.max(), largest >= 0.01 else { return nil }
    return "layer \(l + 1) \(formatFixed(largest, decimals: 2))"
  }
  out +=
    "Attention changed downstream (largest |Δ weight| per layer, ≥ 0.01): "
    + (changed.isEmpty ? "none" : changed.joined(separator: ", ")) + "\n"
  return out
}

/// max |x − y| over the entries of two matrices of one shape.
func largestDifference(_ x: Matrix, _ y: Matrix) -> Double {
  var largest = 0.0
  for k in x.values.indices { largest = max(largest, abs(x.values[k] - y.values[k])) }
  return largest
}

func ablationScene(
  _ run: AblationRun, titles: Titles, style: FigureStyle, measurer: any TextMeasuring
) -> (String, Scene) {
  let t = run.target
  let title = FigureTitle(
    "Attention after ablating \(run.headList) · largest change per head",
    subtitle: titles.subtitle(includingLayer: false))
  let caption = [
    "Head\(run.heads.count == 1 ? "" : "s") \(run.headList) \(run.modeWords) (outlined);"
      + " each cell: the largest |Δ weight| of that head, over its queries and keys.",
    "Layers before the first ablated head cannot change. Next token “\(t.name)”: p "
      + "\(formatFixed(exp(t.before), decimals: 3)) → \(formatFixed(exp(t.after), decimals: 3)).",
  ]
  return (
    "ablation",
    headEffectFigure(
      values: run.attentionChange, extraColumn: nil,
      outlined: run.heads.map { ($0.layer - 1, $0.head - 1) }, signed: false, title: title,
      caption: caption, style: style, measurer: measurer)
  )
}

func ablationJSON(_ run: AblationRun, precision: Int?) -> String {
  func n(_ x: Double) -> String { jsonNumber(x, precision: precision) }
  var out = "{\n"
  out += "  \"heads\": [" + run.heads.map { "[\($0.layer), \($0.head)]" }.joined(separator: ", ")
  out += "],\n  \"mode\": \(jsonStringLiteral(run.mode.rawValue)),\n"
  out += "  \"tokens\": [\n"
  out += run.rows.map {
    "    {\"id\": \($0.id), \"token\": \(jsonStringLiteral($0.name)), "
      + "\"before\": \(n($0.before)), \"after\": \(n($0.after))}"
  }.joined(separator: ",\n")
  let t = run.target
  out += "\n  ],\n  \"target\": {\"id\": \(t.id), \"token\": \(jsonStringLiteral(t.name)), "
  out += "\"log_probability_before\": \(n(t.before)), \"log_probability_after\": \(n(t.after))},\n"
  out += "  \"attention_change\": [\n"
  out += run.attentionChange.map { "    [" + $0.map(n).joined(separator: ", ") + "]" }
    .joined(separator: ",\n")
  return out + "\n  ]\n}\n"
}

/// `--view ablation`: every head ablated alone, the change in the log-probability of the
/// predicted token (or `--target`).
struct AblationSweep: Sendable {
  var mode: AblationMode
  var targetName: String
  var target: Int
  var logProbability: Double
  /// [layer][head]: log p(target | head ablated) − log p(target).
  var deltas: [[Double]]
  var top: [(layer: Int, head: Int, value: Double)]

  init(
    model: TransformerModel, ids: [Int], mode: AblationMode, target: Int?,
    progress: any RunProgress
  ) throws {
    let (l, h) = (model.config.layers, model.config.heads)
    progress.stage("ablating \(l * h) heads one at a time (\(l) layers × \(h) heads)")
    let sweep = try runModel {
      try model.ablationSweep(ids: ids, target: target, ablation: mode.engine) { done, pass in
        if done == 0 {
          // Each pass starts at its head's layer (on average half a pass per head), and a
          // layer's heads run as one batch, about half the time per head of a pass alone.
          let seconds = Int((pass * Double(l * h) / 4).rounded())
          if seconds >= 3 {
            progress.stage("ablating \(l * h) heads one at a time: about \(seconds) s")
          }
        } else {
          progress.stage("ablating heads: \(done) of \(l * h) done")
        }
      }
    }
    self.mode = mode
    self.target = sweep.target
    targetName = tokenName(sweep.target, model: model)
    logProbability = sweep.logProbability
    deltas = sweep.deltas
    var all: [(layer: Int, head: Int, value: Double)] = []
    for (l, row) in deltas.enumerated() {
      for (h, value) in row.enumerated() { all.append((l, h, value)) }
    }
    top = Array(
      all.sorted { (abs($0.value), $1.layer, $1.head) > (abs($1.value), $0.layer, $0.head) }
        .prefix(Credit.namedHeads))
  }

  var topLine: String {
    top.map { "\($0.layer + 1).\($0.head + 1) \(signed($0.value))" }.joined(separator: ", ")
  }
}

func sweepText(_ sweep: AblationSweep, options: TableOptions) -> String {
  var out =
    "\nEach head ablated alone (\(sweep.mode == .zero ? "zeroed" : "mean over positions")):"
    + " change in log p(“\(sweep.targetName)”), now \(formatFixed(sweep.logProbability, decimals: 3))\n"
  out += "Largest changes (layer.head): \(sweep.topLine)\n"
  out += headGridText(sweep.deltas, title: "Δ log p(“\(sweep.targetName)”) per ablated head")
  return out
}

func sweepScene(
  _ sweep: AblationSweep, titles: Titles, style: FigureStyle, measurer: any TextMeasuring
) -> (String, Scene) {
  let title = FigureTitle(
    "Ablation · each head switched off alone · change in log p(“\(sweep.targetName)”)",
    subtitle: titles.subtitle(includingLayer: false))
  let caption = [
    "Each cell: log p(“\(sweep.targetName)”) with that head's output "
      + (sweep.mode == .zero ? "zeroed" : "replaced by its mean over positions")
      + " minus log p without ablation (\(formatFixed(sweep.logProbability, decimals: 3)));"
      + " negative: the head helps the prediction.",
    "Outlined, the largest changes: \(sweep.topLine).",
  ]
  return (
    "ablation-sweep",
    headEffectFigure(
      values: sweep.deltas, extraColumn: nil, outlined: sweep.top.map { ($0.layer, $0.head) },
      title: title, caption: caption, style: style, measurer: measurer)
  )
}

func sweepJSON(_ sweep: AblationSweep, precision: Int?) -> String {
  func n(_ x: Double) -> String { jsonNumber(x, precision: precision) }
  var out = "{\n  \"mode\": \(jsonStringLiteral(sweep.mode.rawValue)),\n"
  out +=
    "  \"target\": {\"id\": \(sweep.target), \"token\": \(jsonStringLiteral(sweep.targetName)), "
  out += "\"log_probability\": \(n(sweep.logProbability))},\n"
  out += "  \"delta_log_probability\": [\n"
  out += sweep.deltas.map { "    [" + $0.map(n).joined(separator: ", ") + "]" }
    .joined(separator: ",\n")
  out += "\n  ],\n  \"top_heads\": ["
  out += sweep.top.map {
    "{\"layer\": \($0.layer + 1), \"head\": \($0.head + 1), \"delta\": \(n($0.value))}"
  }.joined(separator: ", ")
  return out + "]\n}\n"
}
