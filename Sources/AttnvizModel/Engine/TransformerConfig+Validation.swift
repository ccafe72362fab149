extension TransformerConfig {
  /// Sizes the engine can run: positive, heads dividing evenly, and bounded so that a corrupt
  /// configuration cannot ask for a table of billions of tensors. `source` names the model in
  /// the message.
  func validate(source: String) throws {
    func fail(_ reason: String) -> ModelError { .badModel(path: source, reason: reason) }
    let sizes: [(String, Int)] = [
      ("layer count", layers), ("hidden size", hidden), ("head count", heads),
      ("key/value head count", kvHeads), ("head size", headDim),
      ("feed-forward width", intermediate), ("position count", maxPositions),
      ("vocabulary size", vocabularySize),
    ]
    for (name, value) in sizes where !(1...Self.largestSize).contains(value) {
      throw fail("the \(name) is \(value); it must be from 1 to \(Self.largestSize)")
    }
    guard layers <= Self.mostLayers else {
      throw fail("it declares \(layers) layers; attnviz runs at most \(Self.mostLayers)")
    }
    guard heads % kvHeads == 0 else {
      throw fail(
        "\(heads) query heads cannot share \(kvHeads) key/value heads evenly; the number of "
          + "key/value heads must divide the number of heads")
    }
    guard headDim % 2 == 0 || !architecture.isLlamaFamily else {
      throw fail("rotary embeddings need an even head size, not \(headDim)")
    }
    if !architecture.isLlamaFamily, heads * headDim != hidden {
      throw fail("\(heads) heads of size \(headDim) do not make the hidden size \(hidden)")
    }
    guard normEpsilon.isFinite, normEpsilon > 0 else {
      throw fail("the norm epsilon is \(normEpsilon); it must be a positive number")
    }
    guard ropeTheta.isFinite, ropeTheta > 0 else {
      throw fail("rope_theta is \(ropeTheta); it must be a positive number")
    }
    if let window = slidingWindow, window < 1 {
      throw fail("the sliding window is \(window); it must be at least 1 token")
    }
    if case .llama3(let factor, let low, let high, let original) = ropeScaling {
      guard factor > 0, low > 0, high > low, original > 0 else {
        throw fail(
          "rope_scaling llama3 needs factor > 0, 0 < low_freq_factor < high_freq_factor and "
            + "original_max_position_embeddings > 0")
      }
    }
    if typeVocabularySize < 0 || (paddingIndex ?? 0) < 0 || (paddingIndex ?? 0) >= maxPositions {
      throw fail("the token-type count or padding index is out of range")
    }
  }

  static let largestSize = 10_000_000
  static let mostLayers = 1_000
}
