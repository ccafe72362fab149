import AttnvizKit
import AttnvizModel

/// Explain follows one head (1-based) and may show one step, numbered as the model numbers its
/// steps (`StepNumbering`).
func checkExplainChoices(head: Int, step: Int?, model: ModelInfo) throws {
  try checkHead(head, model: model)
  guard let step else { return }
  let numbering = StepNumbering(model: model)
  guard let kind = numbering.kind(step) else {
    if !numbering.rotary, (1...StepNumbering.largest).contains(step) {
      throw AttnvizError.usage(
        "--step \(step) exists only for a rotary model (Llama family, e.g. SmolLM2), whose step 5 "
          + "is the rotation; here the steps are \(numbering.range)")
    }
    throw AttnvizError.usage(
      "--step \(step) does not exist; the steps are \(StepNumbering.summary)")
  }
  if kind == .causalMask && !model.causal {
    throw AttnvizError.usage(
      "--step \(step) (the causal mask) exists only for a causal layer; add --causal, or pick another step"
    )
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
