/// What a parameter is for, whatever the checkpoint calls it.
enum Parameter: Hashable, Sendable {
  case tokenEmbedding, positionEmbedding, typeEmbedding
  case embeddingNormWeight, embeddingNormBias
  case finalNormWeight, finalNormBias
  case lmHead
  case layer(Int, LayerParameter)
}

/// One layer's parameters. `attentionNorm` is the norm before attention (pre-norm models) or
/// after attention + residual (post-norm); `mlpNorm` likewise around the feed-forward.
enum LayerParameter: Hashable, Sendable {
  case queryWeight, queryBias, keyWeight, keyBias, valueWeight, valueBias
  /// GPT-2's fused c_attn: Wq | Wk | Wv side by side.
  case fusedQKVWeight, fusedQKVBias
  case outputWeight, outputBias
  case queryNorm, keyNorm
  case attentionNormWeight, attentionNormBias
  case mlpNormWeight, mlpNormBias
  /// Gemma's norms of the sub-blocks' outputs, before they join the residual.
  case postAttentionNormWeight, postMLPNormWeight
  case upWeight, upBias, gateWeight, gateBias, downWeight, downBias
}

/// One row of an architecture's tensor table.
struct TensorEntry: Sendable {
  /// The name without the model prefix (`layers.0.self_attn.q_proj.weight`).
  var name: String
  var parameter: Parameter
  /// The shape as stored.
  var shape: [Int]
  /// Stored (in, out), as GPT-2's Conv1D: transposed to (out, in) when read.
  var transposed = false
  /// Checked when present, not required (the LM head: attention never needs it).
  var optional = false
  /// Outside the model prefix (`lm_head.weight` beside `model.…`).
  var unprefixed = false
  /// Rows of a fused tensor of `storedShape` (Phi-3's qkv_proj and gate_up_proj): the
  /// parameter is these rows, `shape` their shape.
  var rows: Range<Int>? = nil
  var storedShape: [Int]? = nil
}

/// An architecture's tensor table matched against a checkpoint: every expected tensor present
/// with its shape, every other tensor either a known extra (task heads, buffers: `ignored`) or an
/// error naming it. The same check for every architecture and every checkpoint format.
struct TensorTable: Sendable {
  /// Checkpoint name of every parameter present.
  let names: [Parameter: String]
  let entries: [Parameter: TensorEntry]
  let ignored: [String]

  init(config: TransformerConfig, source: any TensorSource, checkpoint: String) throws {
    let layout = ArchitectureLayout(config.architecture)
    let available = Set(source.names)
    // A corrupt config.json must not build a table of millions of names: every layer has
    // several tensors, so more layers than tensors cannot be right.
    guard config.layers <= available.count else {
      throw ModelError.badModel(
        path: checkpoint,
        reason: "the checkpoint holds \(available.count) tensors, too few for the "
          + "\(config.layers) layers config.json declares; do the two belong to the same model?")
    }
    let table = layout.table(config)
    guard let token = table.first(where: { $0.parameter == .tokenEmbedding }) else {
      preconditionFailure("every architecture has a token embedding")
    }
    // The prefix under which the checkpoint stores the body ("model.", "bert.", or none).
    guard let prefix = layout.prefixes.first(where: { available.contains($0 + token.name) }) else {
      let tried = layout.prefixes.map { "\"\($0)\(token.name)\"" }.joined(separator: " or ")
      throw ModelError.badModel(
        path: checkpoint,
        reason: "the checkpoint has no \(tried), so it is not a \(config.architecture.rawValue)"
          + " checkpoint; its tensors are e.g. \(Self.sample(source.names))")
    }
    var names: [Parameter: String] = [:]
    var entries: [Parameter: TensorEntry] = [:]
    var missing: [String] = []
    for entry in table {
      let stored = entry.unprefixed ? entry.name : prefix + entry.name
      guard let shape = source.shape(stored) else {
        if !entry.optional { missing.append(stored) }
        continue
      }
      guard shape == entry.storedShape ?? entry.shape else {
        throw ModelError.badModel(
          path: checkpoint,
          reason: "tensor \"\(stored)\" has shape \(shape) but config.json implies "
            + "\(entry.storedShape ?? entry.shape) (\(config.shapeSummary)); do the two belong "
            + "to the same model?")
      }
      try source.checkConvertible(stored)
      names[entry.parameter] = stored
      entries[entry.parameter] = entry
    }
    if !missing.isEmpty {
      throw ModelError.badModel(
        path: checkpoint,
        reason: "tensor \"\(missing[0])\" is missing"
          + (missing.count > 1 ? ", as are \(missing.count - 1) more" : "")
          + "; a \(config.architecture.rawValue) with \(config.shapeSummary) has it")
    }
    let known = Set(names.values)
    var ignored: [String] = []
    var unknown: [String] = []
    for name in source.names.sorted() where !known.contains(name) {
      let inner = name.hasPrefix(prefix) ? String(name.dropFirst(prefix.count)) : name
      if layout.isBuffer(inner) || !layout.isInBody(inner, prefixed: name.hasPrefix(prefix)) {
        ignored.append(name)
      } else {
        unknown.append(name)
      }
    }
    if !unknown.isEmpty {
      throw ModelError.badModel(
        path: checkpoint,
        reason: "tensor \"\(unknown[0])\" is not part of a \(config.architecture.rawValue) with "
          + "\(config.shapeSummary)"
          + (unknown.count > 1 ? " (nor are \(unknown.count - 1) more)" : "")
          + "; config.json does not describe this checkpoint")
    }
    self.names = names
    self.entries = entries
    self.ignored = ignored
  }

  static func sample(_ names: [String]) -> String {
    names.sorted().prefix(3).map { "\"\($0)\"" }.joined(separator: ", ")
  }

  /// Whether the checkpoint has the parameter (optional biases and norms).
  func has(_ parameter: Parameter) -> Bool { names[parameter] != nil }
}

extension TransformerConfig {
  /// "2 layers, hidden 32, 4 heads" for messages about shapes.
  var shapeSummary: String {
    "\(layers) layers, hidden \(hidden), \(heads) heads (\(kvHeads) key/value) of size "
      + "\(headDim), feed-forward \(intermediate), vocabulary \(vocabularySize)"
  }
}
