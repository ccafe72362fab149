import AttnvizKit
import AttnvizStyle
import Foundation

/// The plain-language captions, one to three lines each, with the run's own numbers. They follow
/// the lecture: what an RNN or LSTM was for (long-term dependencies, order, shared parameters),
/// and how self-attention meets each goal differently. Every claim is meant to survive an
/// expert's reading; the arithmetic behind them is derived in docs/self-attention.md.
enum Captions {
  static func tokens(count: Int, about: ModelDescription) -> [String] {
    [
      "The text becomes \(count) token\(count == 1 ? "" : "s"), the units attention works on; positions count from 0.",
      about.tokenizer,
    ]
  }

  static func embeddings(tokens: Int, dModel: Int, about: ModelDescription) -> [String] {
    [
      "Each token becomes a row of d_model = \(dModel) numbers, so X is \(tokens) × \(dModel).",
      about.embeddingSource,
      "Nothing in a row says where the token stands.",
    ]
  }

  static func position(about: ModelDescription, dModel: Int) -> [String] {
    let why =
      "An RNN knows order because it reads one token at a time; attention reads all at once."
    switch about.position {
    case .none:
      let normalised = about.inputIsNormalised ? " (layer-normalised)" : ""
      return [
        why,
        "This layer adds no positional encoding, so X is the embeddings\(normalised) as they are:",
        "reordering the words would only reorder the rows of every later step.",
      ]
    case .sinusoidal:
      return [
        why + " So order is added:",
        "PE(pos, 2i) = sin(pos / 10000^(2i/d)), PE(pos, 2i+1) = cos(pos / 10000^(2i/d)), d = \(dModel).",
        about.inputIsNormalised
          ? "X = \(about.normaliser)(embeddings + PE) is layer-normalised: each row to mean 0, variance 1, then scaled and shifted."
          : "The layer's input is X + PE: the same word at two positions now gets two different rows.",
      ]
    case .sinusoidalHalves(let lastFrequency):
      let frequency =
        lastFrequency
        ? "sin(pos · 10000^(−i/(d/2 − 1)))" : "sin(pos / 10000^(2i/d))"
      return [
        why + " So order is added, as sines and cosines:",
        "PE(pos, i) = \(frequency) in the first d/2 dimensions, the cosines in the second half, d = \(dModel).",
        "The layer's input is X + PE: the same word at two positions now gets two different rows.",
      ]
    case .learned:
      return [
        why + " So order is added:",
        "the model learned one position embedding per position and adds it to each token's row.",
        about.inputIsNormalised
          ? "X = \(about.normaliser)(embeddings + PE) is layer-normalised: each row to mean 0, variance 1, then scaled and shifted."
          : "The layer's input is the sum X + PE.",
      ]
    }
  }

  /// On a grouped-query model Wk and Wv are narrower than Wq, and each key/value head serves
  /// several query heads; the caption says so with the run's shapes.
  static func projections(
    dModel: Int, heads: Int, head: Int, dk: Int, hasBias: Bool, keyValueHeads: Int? = nil,
    input: String = "X"
  ) -> [String] {
    let bias = hasBias ? " (plus a bias)" : ""
    let groups = keyValueHeads ?? heads
    let square = groups == heads && heads * dk == dModel
    let shapes =
      square
      ? "the same three \(dModel) × \(dModel) matrices"
      : groups == heads
        ? "the same three \(dModel) × \(heads * dk) matrices"
        : "the same matrices (Wq \(dModel) × \(heads * dk), Wk and Wv \(dModel) × \(groups * dk))"
    var lines = [
      "Q = \(input)·Wq, K = \(input)·Wk, V = \(input)·Wv\(bias): \(shapes) multiply every token's row.",
      "The parameters are shared across the sequence, as an RNN applies the same cell at every step.",
    ]
    let first = head * dk
    let split = heads * dk == dModel ? "d_k = \(dModel) / \(heads) = \(dk)" : "d_k = \(dk)"
    if heads > 1 && groups < heads {
      let share = heads / max(groups, 1)
      let group = head / share
      lines.append(
        "Head \(head + 1) of \(heads) uses columns d\(first)–d\(first + dk - 1) of Q (\(split)) and key/value head \(group + 1) of \(groups), shared by heads \(group * share + 1)–\((group + 1) * share)."
      )
    } else if heads > 1 {
      lines.append(
        "Head \(head + 1) of \(heads) uses columns d\(first)–d\(first + dk - 1) of each (\(split))."
      )
    } else {
      lines.append("With one head, the head uses every column: d_k = d_model = \(dk).")
    }
    return lines
  }

  /// Step 3 of a rotary model: nothing is added to X; the rotation comes after the projections.
  static func rotaryPosition(about: ModelDescription, step: Int) -> [String] {
    [
      "An RNN knows order because it reads one token at a time; attention reads all at once.",
      "This model adds nothing to X: X is the embeddings, \(about.inputIsNormalised ? "normalised by \(about.normaliser)" : "as they are").",
      "Position enters in step \(step), where each query and key is rotated by an angle that grows with its position (RoPE).",
    ]
  }

  /// Step 5 of a rotary model, with this input's positions, θ and head size.
  static func rotation(
    positions: Int, headSize: Int, theta: String, scaling: String?, fastest: Double,
    slowest: (pair: Int, angle: Double),
    distance: (query: String, key: String, first: Double, last: Double)? = nil
  ) -> [String] {
    let pairs = headSize / 2
    let rescaled = scaling.map { ", rescaled (\($0))" } ?? ""
    let last = positions - 1
    let slow =
      slowest.angle < 0.005
      ? "pair \(slowest.pair) less than 0.01 rad"
      : "pair \(slowest.pair) \(formatFixed(slowest.angle, decimals: 2)) rad"
    return [
      "RoPE turns pair i of each head (d_i with d_i+\(pairs); \(pairs) pairs, head size \(headSize)) by the angle m·θᵢ at position m,",
      "θᵢ = \(theta)^(−2i/\(headSize))\(rescaled): "
        + (positions == 1
          ? "the one token stands at position 0, where nothing turns."
          : "over these \(positions) positions (0–\(last)) pair 0 turns up to \(formatFixed(fastest, decimals: 2)) rad, \(slow)."),
      "A rotation keeps lengths, and q_m·k_n depends on m and n only through m − n: on the diagonal (m = n) the score is unchanged.",
    ]
      + (distance.map { d in
        [
          "Chart: this head's real q(\(d.query))·k(\(d.key)), moved apart, goes \(formatFixed(d.first, decimals: 2)) → \(formatFixed(d.last, decimals: 2)); pe --rope (q = k) falls with distance."
        ]
      } ?? [])
  }

  static func scores(tokens: Int, dk: Int) -> [String] {
    [
      "The score of query i for key j is the dot product q_i·k_j; Q·Kᵀ gives all \(tokens) × \(tokens) at once.",
      "d_k = \(dk), so scores are divided by \(squareRootText(dk)): for independent unit-variance entries, q·k has variance d_k,",
      "and unscaled scores would push softmax into near one-hot rows whose gradients vanish.",
    ]
  }

  static func mask() -> [String] {
    [
      "Query i may only see keys 0…i: every score above the diagonal is set to −∞, so its weight is exactly 0.",
      "This is how a GPT-style model, like the one behind ChatGPT, learns to predict the next token without seeing it.",
    ]
  }

  static func weights(causal: Bool, dk: Int) -> [String] {
    let reach = causal ? "every earlier token" : "every other token"
    return [
      "Softmax turns each row into weights ≥ 0 that sum to 1: weights = softmax(Q·Kᵀ / √\(dk)).",
      "Each token reaches \(reach) in this one step; an RNN needs as many steps as the distance,",
      "which is why long-term dependencies are hard for it; here every distance is one step (--view rnn draws both).",
    ]
  }

  static func output(
    tokens: Int, dModel: Int, heads: Int, dk: Int, hasBias: Bool, residualStep: Int? = nil
  ) -> [String] {
    let bias = hasBias ? " + bias" : ""
    let next =
      residualStep.map { "for the residual connection (step \($0))" } ?? "for the next layer"
    let first =
      "Each row of weights·V is a weighted average of the rows of V: (weights·V)_i = Σ_j weight_ij · v_j."
    if heads > 1 {
      return [
        first,
        "Each head gives \(tokens) × \(dk); the \(heads) heads side by side give \(tokens) × \(heads * dk),",
        "and output = concat·Wo\(bias) mixes them: one row of \(dModel) per token, \(next).",
      ]
    }
    return [
      first,
      "Then output = (weights·V)·Wo\(bias): one row of \(dModel) numbers per token, \(next).",
    ]
  }

  /// The residual connection, with how large the attention's contribution is.
  static func residual(outputStep: Int, ratio: Double, postNorm: Bool) -> [String] {
    [
      "The attention's output (step \(outputStep)) is added to the block's input: sum = X + attention, row by row.",
      "Each token keeps its own vector and adds what it gathered: here rows \(formatFixed(ratio, decimals: 2))× as long as X's (mean RMS).",
      postNorm
        ? "The path X → sum skips the attention: gradients flow through it unchanged, which lets deep stacks train."
        : "The path X → sum skips the attention: the residual stream runs through every block, each adding to it.",
    ]
  }

  /// LayerNorm or RMSNorm, with the row statistics before and after.
  static func norm(
    name: String, postNorm: Bool, before: RowStatistics, after: RowStatistics, feedForwardStep: Int
  ) -> [String] {
    func range(_ r: ClosedRange<Double>) -> String {
      "\(formatFixed(r.lowerBound, decimals: 2))…\(formatFixed(r.upperBound, decimals: 2))"
    }
    let what =
      name == "LayerNorm"
      ? "LayerNorm: each row minus its mean, divided by its standard deviation, then × γ + β (learned, per dimension)."
      : "RMSNorm: each row divided by its root mean square, then × γ (learned, per dimension); no mean is subtracted."
    let numbers =
      "Before: row means \(range(before.mean)), row RMS \(range(before.rms)); after: means \(range(after.mean)), RMS \(range(after.rms))."
    let role =
      postNorm
      ? "Post-norm (BERT, the 2017 paper): the normalised rows replace the stream and go into step \(feedForwardStep)."
      : "Pre-norm (GPT-2, Llama): only the copy going into step \(feedForwardStep) is normalised; the stream keeps the sum."
    return [what, numbers, role]
  }

  static func feedForward(
    activation: String, gated: Bool, dModel: Int, inner: Int, zeroShare: Double?
  ) -> [String] {
    let formula =
      gated
      ? "FFN(x) = (\(activation)(x·W_gate) ⊙ x·W_up)·W_down: \(dModel) → \(inner) → \(dModel), the gate multiplying element by element."
      : "FFN(x) = \(activation)(x·W1)·W2: \(dModel) → \(inner) → \(dModel) numbers per token."
    var lines = [
      formula,
      "Each row alone, the same weights at every position: attention mixes tokens, the FFN does not.",
    ]
    if let zeroShare {
      lines.append(
        "ReLU sets negatives to 0: \(formatFixed(zeroShare * 100, decimals: 0))% of these \(inner)-wide hidden rows' entries are 0."
      )
    } else {
      lines.append(
        "Most of a Transformer's parameters are here: 2–3 matrices of \(dModel) × \(inner) per block."
      )
    }
    return lines
  }

  static func blockOutput(
    postNorm: Bool, norm: String, layer: Int, layers: Int, causal: Bool,
    nextTokenStep: Int? = nil
  ) -> [String] {
    let formula =
      postNorm
      ? "output = \(norm)(\(norm)(sum) + FFN): the FFN's result is added back and normalised again (post-norm)."
      : "output = sum + FFN(\(norm)(sum)): the FFN's result is added to the residual stream (pre-norm)."
    let reads =
      nextTokenStep.map { "step \($0) reads the last block's last row (after a final norm)" }
      ?? "the next-token prediction reads its last row (after a final norm)"
    let next =
      layer + 1 < layers
      ? "This is X for block \(layer + 2) of \(layers), which repeats steps 4 onward with its own weights"
        + (nextTokenStep.map { "; step \($0) reads the last block's output." } ?? ".")
      : layers > 1
        ? "The last of \(layers) blocks: \(causal ? reads + "." : "its rows are the model's contextual token vectors.")"
        : "A model stacks several such blocks, each repeating steps 4 onward with its own weights."
    return [
      formula,
      "One row per token, \(causal ? "each having seen only earlier tokens" : "each having seen the whole text"), the same shape as X.",
      next,
    ]
  }

  /// A decoder's last step, with the run's vocabulary and its most probable next tokens
  /// (probabilities as the bars print them: 3 decimals).
  static func nextToken(
    norm: String, layer: Int, layers: Int, blockSteps: ClosedRange<Int>, lastToken: String,
    vocabulary: Int, tied: Bool, top: [(label: String, probability: Double)]
  ) -> [String] {
    let steps = "steps \(blockSteps.lowerBound)–\(blockSteps.upperBound) with their own weights; "
    let walked =
      layer + 2 == layers
      ? "Block \(layers) repeats " + steps
      : layer + 2 < layers ? "Blocks \(layer + 2)–\(layers) repeat " + steps : ""
    let head =
      tied
      ? "the token embeddings themselves (tied): logits = \(norm)(x)·Eᵀ"
      : "a matrix of its own: logits = \(norm)(x)·W_headᵀ"
    var lines = [
      walked + (walked.isEmpty ? "The" : "the")
        + " stream leaving block \(layers) goes through a final \(norm); the LM head reads its last row (“\(lastToken)”).",
      "The head is \(head), one logit for each of the V = \(vocabulary) tokens; softmax turns them into probabilities.",
    ]
    if let first = top.first {
      let sum = top.reduce(0) { $0 + $1.probability }
      lines.append(
        "Most probable next token: “\(first.label)” at \(formatFixed(first.probability, decimals: 3)); the top \(top.count) together \(formatFixed(sum, decimals: 3))."
      )
    }
    return lines
  }

  /// "√4 = 2", "√2 ≈ 1.414".
  static func squareRootText(_ n: Int) -> String {
    let root = Double(n).squareRoot()
    if root == root.rounded() { return "√\(n) = \(Int(root))" }
    return "√\(n) ≈ " + String(format: "%.3f", root)
  }
}
