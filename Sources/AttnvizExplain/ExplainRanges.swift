import AttnvizKit
import AttnvizModel

/// Explain follows one head (1-based) and may show one step, numbered as the model numbers its
/// steps (`StepNumbering`).
func checkExplainChoices(head: Int, step: Int?, model: ModelInfo) throws {
  try checkHead(head, model: model)
  guard let step else { return }
  let numbering = StepNumbering(model: model)
  guard numbering.kind(step) != nil else {
    throw AttnvizError.usage(
      (1...StepNumbering.largest).contains(step)
        ? "--step \(step) does not exist for \(model.name); its steps are \(numbering.range)"
        : "--step \(step) does not exist; the steps are \(StepNumbering.summary)")
  }
}

/// `explain --layer L`: checked as soon as the model is loaded, before it runs.
func checkExplainLayer(_ layer: Int?, model: ModelInfo) throws {
  guard let layer, !(1...max(model.layers, 1)).contains(layer) else { return }
  throw AttnvizError.usage(
    model.layers == 1
      ? "--layer \(layer) is out of range; \(model.name) has a single layer"
      : "--layer \(layer) is out of range; \(model.name) has \(model.layers) layers (1-\(model.layers))"
  )
}
