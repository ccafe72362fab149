import AttnvizModel
import AttnvizRender
import AttnvizTables
import AttnvizViews

/// What the prediction views computed for one run: the credit map, the ablated run, the sweep.
struct AttributionResults: Sendable {
  var credit: Credit?
  var ablation: AblationRun?
  var sweep: AblationSweep?

  var isEmpty: Bool { credit == nil && ablation == nil && sweep == nil }
}

extension VisualizeOptions {
  /// Whether the run needs the model's next-token head.
  var predicts: Bool {
    let views = self.views ?? []
    return views.contains(.credit) || views.contains(.ablation) || !attribution.ablate.isEmpty
  }

  /// `--target` and `--ablate-mode` only mean something with the views that use them.
  func checkAttributionChoices() throws {
    let views = self.views ?? []
    if attribution.target != nil, !views.contains(.credit), !views.contains(.ablation),
      attribution.ablate.isEmpty
    {
      throw AttnvizError.usage(
        "--target picks the token that --view credit, --view ablation and --ablate report on;"
          + " add one of them")
    }
    if attribution.ablateMode != .zero, attribution.ablate.isEmpty, !views.contains(.ablation) {
      throw AttnvizError.usage(
        "--ablate-mode says how --ablate and --view ablation switch heads off; add one of them")
    }
  }
}

/// Runs the prediction views the options ask for on the model that made `trace`; `pass` is
/// what that run's pass kept for `--view credit` and `--ablate` (`traceForViews`).
func runAttribution(
  _ trace: AttentionTrace, model: (any AttentionModel)?, options: VisualizeOptions,
  progress: any RunProgress, pass: ForwardOutput? = nil
) throws -> AttributionResults {
  var results = AttributionResults()
  guard options.predicts, let model else { return results }
  let views = options.views ?? []
  let what =
    views.contains(.credit)
    ? "--view credit" : views.contains(.ablation) ? "--view ablation" : "--ablate"
  let decoder = try predictingModel(model, for: what, additive: views.contains(.credit))
  let ids = try traceIDs(trace)
  let target = try options.attribution.target.map { try targetTokenID($0, model: decoder) }
  if views.contains(.credit) {
    progress.stage("crediting the heads")
    results.credit = try Credit(
      model: decoder, ids: ids, target: target, pass: pass?.headWrites == nil ? nil : pass)
  }
  let heads = try options.attribution.checked(against: model.info)
  if !heads.isEmpty {
    progress.stage("running with \(heads.count == 1 ? "1 head" : "\(heads.count) heads") ablated")
    results.ablation = try AblationRun(
      model: decoder, trace: trace, ids: ids, heads: heads, mode: options.attribution.ablateMode,
      target: target, pass: pass)
  }
  if views.contains(.ablation) {
    results.sweep = try AblationSweep(
      model: decoder, ids: ids, mode: options.attribution.ablateMode, target: target,
      progress: progress)
  }
  return results
}

/// Standard output's part: the credit table, the before/after of `--ablate`, the sweep's table.
func attributionText(_ results: AttributionResults, options: TableOptions) -> String {
  var out = ""
  if let credit = results.credit { out += creditText(credit, options: options) }
  if let ablation = results.ablation { out += ablationText(ablation) }
  if let sweep = results.sweep { out += sweepText(sweep, options: options) }
  return out
}

/// credit.json, ablation.json, ablation-sweep.json (with `--format json`).
func attributionFiles(_ results: AttributionResults, options: VisualizeOptions) -> [OutputFile] {
  guard options.formats.contains(.json) else { return [] }
  var files: [OutputFile] = []
  let precision = options.jsonPrecision
  if let credit = results.credit {
    files.append(OutputFile(name: "credit.json", text: creditJSON(credit, precision: precision)))
  }
  if let ablation = results.ablation {
    files.append(
      OutputFile(name: "ablation.json", text: ablationJSON(ablation, precision: precision)))
  }
  if let sweep = results.sweep {
    files.append(
      OutputFile(name: "ablation-sweep.json", text: sweepJSON(sweep, precision: precision)))
  }
  return files
}

/// The prediction views' figures.
func attributionScenes(
  _ results: AttributionResults, titles: Titles, style: FigureStyle, measurer: any TextMeasuring
) -> [(String, Scene)] {
  var scenes: [(String, Scene)] = []
  if let credit = results.credit {
    scenes.append(creditScene(credit, titles: titles, style: style, measurer: measurer))
  }
  if let ablation = results.ablation {
    scenes.append(ablationScene(ablation, titles: titles, style: style, measurer: measurer))
  }
  if let sweep = results.sweep {
    scenes.append(sweepScene(sweep, titles: titles, style: style, measurer: measurer))
  }
  return scenes
}
