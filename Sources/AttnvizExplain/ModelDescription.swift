import AttnvizKit
import AttnvizMath
import AttnvizModel
import AttnvizStyle
import Foundation

/// What the captions need to know about where the matrices came from. The facts that change the
/// arithmetic (is PE sinusoidal, is X layer-normalised, are there biases) are read off the
/// matrices themselves, so a caption can never claim a formula the numbers do not follow.
struct ModelDescription {
  enum Position {
    case none, sinusoidal, learned
    /// [sin | cos] halves (Marian's C++: frequencies 10000^(−i/(d/2 − 1)); transformers'
    /// MarianMT: 10000^(−2i/d)).
    case sinusoidalHalves(lastFrequency: Bool)
  }

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
  /// A translator's embedding scale s (rows are E[token]·s); nil for other models.
  var translatorScale: Double?

  init(trace: AttentionTrace, steps: LayerSteps) {
    family = trace.model.family
    norm = trace.model.norm
    let sum: Matrix
    if let pe = steps.positionalEncoding {
      let sinusoidal = sinusoidalPositionalEncoding(positions: pe.rows, dimensions: pe.columns)
      // A translator's positions went through Float32: equal to 1e-6.
      position =
        nearlyEqual(pe, sinusoidal)
        ? .sinusoidal
        : nearlyEqual(
          pe, halvesSinusoidalEncoding(start: 0, positions: pe.rows, dimensions: pe.columns),
          tolerance: 1e-6)
          ? .sinusoidalHalves(lastFrequency: true)
          : nearlyEqual(
            pe, transformersHalves(positions: pe.rows, dimensions: pe.columns), tolerance: 1e-6)
            ? .sinusoidalHalves(lastFrequency: false) : .learned
      sum = steps.embeddings + pe
    } else {
      position = .none
      sum = steps.embeddings
    }
    // A translator computes in Float32 (the others' steps are checked to 1e-9).
    let tolerance = family == .marian ? 1e-6 : 1e-9
    inputIsNormalised = !nearlyEqual(sum, steps.input, tolerance: tolerance)
    // Rotary models record Q after the rotation, so X·Wq ≠ Q there says nothing about biases:
    // for them the loader's description says (Qwen2 has them, Llama with attention_bias).
    hasBias =
      trace.model.hasRotaryPositions
      ? trace.model.projectionBiases
      : !nearlyEqual(steps.input * steps.wq, steps.q, tolerance: tolerance)
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
      translatorScale.map { s in
        s == 1
          ? "The row is the token's embedding (one table for source and target), not scaled."
          : "The row is the token's embedding (one table for source and target) times "
            + "s = \(formatFixed(s, decimals: 2)) (√d_model), so that it is not drowned by the position."
      } ?? "The row is the token's embedding, one table for source and target."
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
    case .sinusoidal, .sinusoidalHalves: "Sinusoidal PE"
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

/// transformers' MarianSinusoidalPositionalEmbedding: sin(pos / 10000^(2i/d)) in the first
/// half of the columns, cos in the second.
func transformersHalves(positions: Int, dimensions: Int) -> Matrix {
  var pe = Matrix(rows: positions, columns: dimensions)
  let half = dimensions / 2
  for row in 0..<positions {
    for i in 0..<half {
      let angle = Double(row) / pow(10000, Double(2 * i) / Double(dimensions))
      pe[row, i] = sin(angle)
      pe[row, half + i] = cos(angle)
    }
  }
  return pe
}

/// Equal up to rounding: the largest difference is below `tolerance` (1e-9) of the larger
/// magnitude.
func nearlyEqual(_ a: Matrix, _ b: Matrix, tolerance relative: Double = 1e-9) -> Bool {
  guard a.rows == b.rows, a.columns == b.columns else { return false }
  let tolerance = relative * max(1, a.maxMagnitude, b.maxMagnitude)
  return zip(a.values, b.values).allSatisfy { abs($0 - $1) <= tolerance }
}
