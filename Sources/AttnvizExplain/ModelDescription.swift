import AttnvizKit
import AttnvizMath
import AttnvizModel

/// What the captions need to know about where the matrices came from. The facts that change the
/// arithmetic (is PE sinusoidal, is X layer-normalised, are there biases) are read off the
/// matrices themselves, so a caption can never claim a formula the numbers do not follow.
struct ModelDescription {
  enum Position { case none, sinusoidal, learned }

  let family: ModelFamily
  let norm: ModelInfo.Norm
  let position: Position
  /// X is not embeddings + PE: the model normalised the sum (BERT's embedding LayerNorm,
  /// GPT-2's ln_1).
  let inputIsNormalised: Bool
  /// Q ≠ X·Wq: the projections add biases.
  let hasBias: Bool
  /// How this text was cut into tokens, with examples from it.
  let tokenizer: String

  init(trace: AttentionTrace, steps: LayerSteps) {
    family = trace.model.family
    norm = trace.model.norm
    let sum: Matrix
    if let pe = steps.positionalEncoding {
      let sinusoidal = sinusoidalPositionalEncoding(positions: pe.rows, dimensions: pe.columns)
      position = nearlyEqual(pe, sinusoidal) ? .sinusoidal : .learned
      sum = steps.embeddings + pe
    } else {
      position = .none
      sum = steps.embeddings
    }
    inputIsNormalised = !nearlyEqual(sum, steps.input)
    // Rotary models record Q after the rotation, so X·Wq ≠ Q there says nothing about biases:
    // for them the loader's description says (Qwen2 has them, Llama with attention_bias).
    hasBias =
      trace.model.hasRotaryPositions
      ? trace.model.projectionBiases : !nearlyEqual(steps.input * steps.wq, steps.q)
    tokenizer = tokenizerCaption(trace)
  }

  var embeddingSource: String {
    switch family {
    case .builtin:
      "The built-in layer builds it from the word's letter trigrams: the same word, the same row."
    case .weightsFile: "They are looked up, by lower-cased word, in the weights file's table."
    case .transformer(.bert), .transformer(.roberta):
      "The row is the word embedding plus the token-type (segment) embedding."
    case .transformer(.gpt2): "GPT-2's row is its token embedding (wte)."
    case .transformer(let architecture):
      architecture.isLlamaFamily
        ? "The row is the token embedding; position enters later, by rotating Q and K (RoPE)."
        : "They are learned: one row per vocabulary entry."
    case .marian:
      "The row is the token embedding times √d, plus a sinusoidal position vector."
    }
  }

  var embeddingName: String {
    switch family {
    case .transformer(.bert): "Embeddings: word + token type"
    case .transformer(.gpt2): "Token embeddings (wte)"
    default: "Embeddings X"
    }
  }

  var positionName: String {
    switch position {
    case .sinusoidal: "Sinusoidal PE"
    case .learned, .none:
      family == .transformer(.gpt2)
        ? "Position embeddings (wpe)" : "Learned position embeddings"
    }
  }

  var normaliser: String {
    switch (family, norm) {
    case (.transformer(.gpt2), _): "ln_1"
    case (_, .rmsNorm): "RMSNorm"
    default: "LayerNorm"
    }
  }

  /// What Wq, Wk and Wv multiply, as step 3 computed it: "X", "(X + PE)", "LayerNorm(X + PE)".
  var inputSymbol: String {
    switch (position, inputIsNormalised) {
    case (.none, false): "X"
    case (.none, true): "\(normaliser)(X)"
    case (_, false): "(X + PE)"
    case (_, true): "\(normaliser)(X + PE)"
    }
  }

  var inputName: String {
    switch (position, inputIsNormalised) {
    case (.none, false): "X, no PE added"
    case (.none, true): "X = \(normaliser)(embeddings)"
    case (_, false): "X + PE"
    case (_, true): "X = \(normaliser)(embeddings + PE)"
    }
  }
}

/// Equal up to rounding: the largest difference is below 1e-9 of the larger magnitude.
func nearlyEqual(_ a: Matrix, _ b: Matrix) -> Bool {
  guard a.rows == b.rows, a.columns == b.columns else { return false }
  let tolerance = 1e-9 * max(1, a.maxMagnitude, b.maxMagnitude)
  return zip(a.values, b.values).allSatisfy { abs($0 - $1) <= tolerance }
}
