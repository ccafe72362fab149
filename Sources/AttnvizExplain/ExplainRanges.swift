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
