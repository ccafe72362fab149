import AttnvizKit
import AttnvizModel

/// Explain follows one head (1-based) and may show one step.
func checkExplainChoices(head: Int, step: Int?, model: ModelInfo) throws {
  try checkHead(head, model: model)
  if step == ExplainStepKind.causalMask.rawValue && !model.causal {
    throw AttnvizError.usage(
      "--step 6 (the causal mask) exists only for a causal layer; add --causal, or pick another step"
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
