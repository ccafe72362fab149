import AttnvizModel

/// Choices whose range depends on the model (`--layer`, `--head`, explain's `--step 6`): checked
/// right after the model is loaded and before it runs, as the same one-line usage error (exit 2)
/// the command line's static checks give. The static ranges (counts from 1, 1–8) are the
/// command line's `validate()`.
func checkLayerAndHead(layer: Int?, head: Int?, model: ModelInfo) throws {
  let layers = model.layers
  if let layer, !(1...layers).contains(layer) {
    throw AttnvizError.usage(
      "--layer \(layer) is out of range; \(model.name) has \(layers) layer\(plural(layers)) (1–\(layers))"
    )
  }
  if let head { try checkHead(head, model: model) }
}

package func checkHead(_ head: Int, model: ModelInfo) throws {
  let heads = model.heads
  guard (1...heads).contains(head) else {
    throw AttnvizError.usage(
      "--head \(head) is out of range; \(model.name) has \(heads) head\(plural(heads)) (1–\(heads))"
    )
  }
}

private func plural(_ count: Int) -> String { count == 1 ? "" : "s" }
