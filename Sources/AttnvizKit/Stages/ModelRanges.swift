import AttnvizModel

/// Choices whose range depends on the model (`--layer`, `--head`, explain's `--step 6`): checked
/// right after the model is loaded and before it runs, as the same one-line usage error (exit 2)
/// the command line's static checks give. The static ranges (counts from 1, 1–8) are the
/// command line's `validate()`.
func checkLayerAndHead(layer: Int?, head: Int?, model: ModelInfo) throws {
  let layers = model.layers
  if let layer, !(1...layers).contains(layer) {
    throw AttnvizError.usage(
      layers == 1
        ? "--layer \(layer) is out of range; \(rangeName(model)) is a single layer, so only "
          + "--layer 1 exists (--model NAME|DIR shows a model with several)"
        : "--layer \(layer) is out of range; \(rangeName(model)) has \(layers) layers (1–\(layers))"
    )
  }
  if let head { try checkHead(head, model: model) }
}

package func checkHead(_ head: Int, model: ModelInfo) throws {
  let heads = model.heads
  guard (1...heads).contains(head) else {
    throw AttnvizError.usage(
      heads == 1
        ? "--head \(head) is out of range; \(rangeName(model)) has a single head, so only --head 1 exists"
        : "--head \(head) is out of range; \(rangeName(model)) has \(heads) heads (1–\(heads))")
  }
}

/// "the built-in layer" rather than its internal name "builtin".
private func rangeName(_ model: ModelInfo) -> String {
  model.family == .builtin ? "the built-in layer" : model.name
}
