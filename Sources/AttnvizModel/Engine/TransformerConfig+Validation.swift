extension TransformerConfig {
  /// The settings `validate` judges, each with its words for a message.
  public enum Field: String, Sendable, CaseIterable {
    case layers = "layer count"
    case hidden = "hidden size"
    case heads = "head count"
    case kvHeads = "key/value head count"
    case headDim = "head size"
    case intermediate = "feed-forward width"
    case maxPositions = "position count"
    case vocabularySize = "vocabulary size"
    case normEpsilon = "norm epsilon"
    case ropeTheta = "rotary base"
    case ropeScaling = "rotary scaling"
    case slidingWindow = "sliding window"
    case typeVocabularySize = "token-type count"
    case paddingIndex = "padding index"
  }

  /// The file a configuration was read from ("config.json", "the GGUF metadata") and, for each
  /// setting read from a key of it (not defaulted or derived), that key as the file spells it.
  public struct Origin: Sendable, Equatable {
    public var file: String
    public var keys: [Field: String]

    public init(file: String = "", keys: [Field: String] = [:]) {
      self.file = file
      self.keys = keys
    }
  }

  /// `"num_hidden_layers": 1000000 in config.json` for a setting read from a key, else
  /// `the layer count 1000000`; a head size derived from the hidden size and the head count
  /// names those two keys.
  func subject(_ field: Field, _ value: CustomStringConvertible) -> String {
    if let key = origin.keys[field] { return "\"\(key)\": \(value) in \(origin.file)" }
    if field == .headDim, let hidden = origin.keys[.hidden], let count = origin.keys[.heads] {
      return "the head size \(value) (\"\(hidden)\": \(self.hidden) / \"\(count)\": \(heads) in "
        + "\(origin.file))"
    }
    return "the \(field.rawValue) \(value)"
  }

  /// Sizes the engine can run: positive, heads dividing evenly, and bounded so that a corrupt
  /// configuration cannot ask for a table of billions of tensors. `source` names the model in
  /// the message; the setting at fault is named as its file spells it (`origin`).
  func validate(source: String) throws {
    func fail(_ reason: String) -> ModelError { .badModel(path: source, reason: reason) }
    let sizes: [(Field, Int)] = [
      (.layers, layers), (.hidden, hidden), (.heads, heads), (.kvHeads, kvHeads),
      (.headDim, headDim), (.intermediate, intermediate), (.maxPositions, maxPositions),
      (.vocabularySize, vocabularySize),
    ]
    for (field, value) in sizes where !(1...Self.largestSize).contains(value) {
      throw fail(
        "\(subject(field, value)) is out of range; it must be from 1 to \(Self.largestSize)")
    }
    // Before anything is allocated per layer or per head (ModelLimits).
    guard layers <= ModelLimits.layers else {
      throw fail("\(subject(.layers, layers)) is over the limit of \(ModelLimits.layers) layers")
    }
    for (field, value) in [(Field.heads, heads), (.kvHeads, kvHeads)]
    where value > ModelLimits.heads {
      throw fail("\(subject(field, value)) is over the limit of \(ModelLimits.heads) heads")
    }
    guard heads % kvHeads == 0 else {
      throw fail(
        "\(subject(.kvHeads, kvHeads)) does not divide \(subject(.heads, heads)): \(heads) query "
          + "heads cannot share \(kvHeads) key/value heads evenly")
    }
    guard headDim % 2 == 0 || !architecture.isLlamaFamily else {
      throw fail(
        "\(subject(.headDim, headDim)) is odd; rotary embeddings need an even head size")
    }
    if !architecture.isLlamaFamily, heads * headDim != hidden {
      throw fail(
        "\(subject(.heads, heads)) heads of size \(headDim) do not make "
          + "\(subject(.hidden, hidden))")
    }
    guard normEpsilon.isFinite, normEpsilon > 0 else {
      throw fail("\(subject(.normEpsilon, normEpsilon)) must be a positive number")
    }
    guard ropeTheta.isFinite, ropeTheta > 0 else {
      throw fail("\(subject(.ropeTheta, ropeTheta)) must be a positive number")
    }
    if let window = slidingWindow, window < 1 {
      throw fail("\(subject(.slidingWindow, window)) must be at least 1 token")
    }
    if let period = globalLayerPeriod, period < 1 {
      throw fail("the sliding-window pattern \(period) must be at least 1 layer")
    }
    if let theta = localRopeTheta, !(theta.isFinite && theta > 0) {
      throw fail("the local RoPE base \(theta) must be a positive number")
    }
    if let scalar = queryPreAttentionScalar, !(scalar.isFinite && scalar > 0) {
      throw fail("query_pre_attn_scalar \(scalar) must be a positive number")
    }
    for (key, cap) in [
      ("attn_logit_softcapping", attentionSoftCap), ("final_logit_softcapping", finalLogitSoftCap),
    ] {
      if let cap, !(cap.isFinite && cap > 0) {
        throw fail("the soft-cap \(key) \(cap) must be a positive number (or absent)")
      }
    }
    if case .llama3(let factor, let low, let high, let original) = ropeScaling {
      guard factor > 0, low > 0, high > low, original > 0 else {
        throw fail(
          "\(subject(.ropeScaling, "llama3")) needs factor > 0, 0 < low_freq_factor < "
            + "high_freq_factor and original_max_position_embeddings > 0")
      }
    }
    guard typeVocabularySize >= 0 else {
      throw fail("\(subject(.typeVocabularySize, typeVocabularySize)) must not be negative")
    }
    if let padding = paddingIndex, !(0..<maxPositions).contains(padding) {
      throw fail(
        "\(subject(.paddingIndex, padding)) must be from 0 to \(maxPositions - 1) (there are "
          + "\(maxPositions) positions)")
    }
  }

  static let largestSize = 10_000_000
}
