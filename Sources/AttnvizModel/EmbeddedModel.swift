import AttnvizMath
import AttnvizTokens

/// The built-in self-attention layer: no download, no file, the same numbers on every machine.
///
/// - Embeddings come from the token's text alone (lower-cased): the sum of pseudo-random vectors
///   of the word's character trigrams (with `<` `>` marking its ends) and of the whole word,
///   each drawn from SplitMix64 seeded by the FNV-1a hash of the n-gram. The same word always gets
///   the same vector; words sharing trigrams ("tired", "tire") get similar ones.
/// - Sinusoidal positional encoding is added.
/// - Wq, Wk, Wv, Wo are drawn, in that order, from SplitMix64(`seed`): entries standard normal
///   times `gain / √d_model`. The gain makes scores spread enough for softmax to pick favourites
///   (a lecture figure of near-uniform rows teaches nothing).
/// - The rest of the block (residual, LayerNorm, a ReLU feed-forward network of width 4·d_model)
///   is `FeedForwardBlock`, its W1 and W2 drawn next from the same stream; it does not change
///   the attention, and `explain` walks through it.
///
/// docs/embedded-layer.md explains why its attention looks as it does.
public typealias EmbeddedModel = SingleLayerModel

extension SingleLayerModel {
  /// 2017, the year of "Attention Is All You Need".
  public static let defaultSeed: UInt64 = 2017
  public static let defaultDimension = 8
  public static let defaultHeads = 2
  public static let dimensionRange = 2...512
  /// Longest text in tokens: at 4,096 the default run (2 heads, PNG and streamed JSON) stays
  /// under 1 GiB of memory; the JSON file is about 600 MB (less with --json-precision).
  public static let maximumTokens = 4096
  /// Longest text whose intermediates (Q, K, V, scores: what `explain` shows) are kept; past it
  /// only the weights are computed, so 4,096 tokens fit in memory.
  public static let maximumTokensWithSteps = 1024
  /// Multiplies the standard deviation of the projection weights (see the type's comment).
  static let weightGain = 1.2

  /// The built-in layer.
  public init(
    dimension: Int = defaultDimension, heads: Int = defaultHeads, seed: UInt64 = defaultSeed,
    causal: Bool = false
  ) throws {
    try Self.validate(dimension: dimension, heads: heads)
    let info = ModelInfo(
      name: "builtin", family: .builtin, layers: 1, heads: heads, dModel: dimension,
      causal: causal)
    var rng = SplitMix64(seed: seed)
    let sd = Self.weightGain / Double(dimension).squareRoot()
    func draw() -> Matrix {
      Matrix(
        rows: dimension, columns: dimension,
        values: (0..<(dimension * dimension)).map { _ in rng.nextGaussian() * sd })
    }
    let wq = draw()
    let wk = draw()
    let wv = draw()
    let wo = draw()
    let block = FeedForwardBlock(dimension: dimension, rng: &rng)
    self.init(
      info: info,
      layer: AttentionLayerWeights(wq: wq, wk: wk, wv: wv, wo: wo, heads: heads, causal: causal),
      embeddings: .hashed, usesPositionalEncoding: true, block: block)
  }

  public static func validate(dimension: Int, heads: Int) throws {
    guard dimensionRange.contains(dimension) else {
      throw ModelError.badShape(
        "--dim must be between \(dimensionRange.lowerBound) and \(dimensionRange.upperBound), not \(dimension)"
      )
    }
    guard heads >= 1 else { throw ModelError.badShape("--heads must be at least 1, not \(heads)") }
    guard dimension % heads == 0 else {
      throw ModelError.badShape(
        "--heads \(heads) does not divide --dim \(dimension); pick heads that divide it (e.g. --dim \(dimension) --heads \(largestDivisor(of: dimension, atMost: heads)))"
      )
    }
  }

  /// The embedding of a token: hashed character trigrams plus the whole word, lower-cased,
  /// normalised so that each component has unit variance whatever the word's length.
  public static func embedding(of token: String, dimension: Int) -> [Double] {
    let word = token.lowercased()
    let marked = Array("<" + word + ">")
    var grams: [String] = [word]
    if marked.count > 3 {
      for start in 0...(marked.count - 3) { grams.append(String(marked[start..<(start + 3)])) }
    }
    var vector = [Double](repeating: 0, count: dimension)
    for gram in grams {
      var rng = SplitMix64(seed: fnv1a64(gram.utf8))
      for i in 0..<dimension { vector[i] += rng.nextGaussian() }
    }
    let norm = 1 / Double(grams.count).squareRoot()
    return vector.map { $0 * norm }
  }
}

private func largestDivisor(of n: Int, atMost limit: Int) -> Int {
  stride(from: min(limit, n), through: 1, by: -1).first { n % $0 == 0 } ?? 1
}
