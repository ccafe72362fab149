import AttnvizMath

/// Which intermediates a translation keeps for `attnviz explain`: one encoder layer's
/// self-attention and block, and one decoder layer at one generated token. 0-based.
public struct TranslationRecording: Equatable, Sendable {
  public var encoderLayer: Int
  public var decoderLayer: Int
  /// The generated token whose decoder step is kept (0: the first).
  public var target: Int

  public init(encoderLayer: Int, decoderLayer: Int, target: Int) {
    (self.encoderLayer, self.decoderLayer, self.target) = (encoderLayer, decoderLayer, target)
  }
}

/// One decoder layer at one step, as the pass computed it. C hidden, S source tokens, H heads,
/// D head size, t the step (0-based).
public struct DecoderStepSteps: Sendable, Equatable {
  /// What comes first in the layer.
  public enum Mixer: Sendable, Equatable {
    /// The SSRU: f = σ(y·Wfᵀ + bf), the candidate y·Wᵀ, the cell before and after
    /// (c = f⊙c + (1 − f)⊙candidate), and ReLU(c), each (1, C).
    case recurrent(
      gate: Matrix, candidate: Matrix, previousCell: Matrix, cell: Matrix, output: Matrix)
    /// Masked self-attention over the steps so far: [head] (1, t + 1) scaled scores and weights,
    /// and the output projection (1, C).
    case selfAttention(scaled: [Matrix], weights: [Matrix], output: Matrix)
  }

  /// 0-based decoder layer and step (the step's position).
  public var layer: Int
  public var position: Int
  /// The token read at this step: nil at the first step (the start token or a zero vector).
  public var previous: Int?
  /// y entering the layer (1, C): the previous token's embedding plus position in layer 1, the
  /// layer below's output after that.
  public var input: Matrix
  public var mixer: Mixer
  /// y after the mixer, its residual and norm (1, C): what the cross-attention's query reads.
  public var mixed: Matrix
  /// q = y·Wq + b (1, C), and the encoder output's keys K (S, C), projected once per layer.
  public var query: Matrix
  public var keys: Matrix
  /// [head] (1, S): q·Kᵀ, scaled by 1/√D, and softmax.
  public var rawScores: [Matrix]
  public var scaledScores: [Matrix]
  public var weights: [Matrix]
  /// [head] (1, D): weights·V.
  public var headOutputs: [Matrix]
  /// concat·Wo + b (1, C), and y after the cross-attention's residual and norm.
  public var crossOutput: Matrix
  public var crossed: Matrix
  /// The layer's output after its feed-forward network (1, C).
  public var layerOutput: Matrix
  /// What the output layer reads, after the last decoder layer (1, C).
  public var final: Matrix
}

/// One token of the output layer's most probable.
public struct TranslationCandidate: Sendable, Equatable {
  public var id: Int
  public var text: String
  public var probability: Double
}

/// What `explain` walks through, recorded during the one translation.
public struct TranslationSteps: Sendable, Equatable {
  /// 0-based.
  public var encoderLayer: Int
  /// The encoder layer's self-attention and block (residual, norm, feed-forward).
  public var encoder: LayerSteps
  public var decoder: DecoderStepSteps
  /// The output layer's softmax at that step: the most probable tokens, highest first.
  public var top: [TranslationCandidate]
  public var vocabularySize: Int
  /// The output layer is the embedding matrix itself (tied).
  public var outputIsTied: Bool
  /// The embedding scale s (√C for Marian) and whether the decoder starts from a zero vector
  /// (Marian's C++) rather than a start token.
  public var embeddingScale: Double
  public var startsFromZeroVector: Bool
  /// The decoder's first sub-block is an SSRU rather than masked self-attention.
  public var recurrentDecoder: Bool
  /// Norms before each sub-block (T5) rather than after the residual.
  public var preNorm: Bool
  /// T5: relative position buckets added to the scores, which are not scaled.
  public var relativePositions: Bool
  /// Marian's sinusoid, [sin | cos] halves at frequencies 10000^(−i/(C/2 − 1)), or transformers'
  /// 10000^(−2i/C); nil for learned or no positions.
  public var sinusoidLastFrequency: Bool?
}
