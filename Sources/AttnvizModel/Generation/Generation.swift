import AttnvizMath
import AttnvizTokens

/// One generated token: what was chosen, how probable the model found it and its runners-up,
/// and where the position that chose it looked.
public struct GenerationStep: Sendable, Equatable {
  /// 1-based.
  public var step: Int
  /// The position (0-based) whose output chose the token: the last token so far.
  public var position: Int
  public var id: Int
  /// As tables show it (`·Paris`), and the UTF-8 bytes it stands for.
  public var token: Token
  public var bytes: [UInt8]
  /// Its probability under the model (softmax at temperature 1), whatever the sampler did.
  public var probability: Double
  /// The most probable tokens at this step, most probable first (the chosen one among them
  /// when it is that probable).
  public var alternatives: [Candidate]
  /// [kept layer][kept head] → the position's attention over every position so far (N).
  public var attention: [[[Double]]]
}

/// Why generation stopped.
public enum GenerationStop: Sendable, Equatable {
  /// The model produced an end-of-sequence or end-of-turn token (it is the last step).
  case endToken(Int)
  /// The requested number of tokens was reached.
  case limit
}

/// A prompt and what the model wrote after it.
public struct Generation: Sendable, Equatable {
  public var prompt: EncodedText
  public var steps: [GenerationStep]
  public var stop: GenerationStop
  /// The layers and heads whose attention each step keeps (0-based).
  public var layers: [Int]
  public var heads: [Int]
}

/// What to generate: how many tokens at most, how to choose them, which attention to keep.
public struct GenerationRequest: Sendable {
  public var maxTokens: Int
  public var sampler: TokenSampler
  /// Layers and heads whose attention rows are kept (0-based); nil: all.
  public var layers: [Int]?
  public var heads: [Int]?
  /// Alternatives kept per step.
  public var alternatives = 10
  /// Ids that end the answer; nil: the model's own (`stopTokenIDs`).
  public var stopIDs: Set<Int>?
  /// Heads whose output is zeroed at every step (`generate --ablate`).
  public var ablatedHeads: Set<HeadIndex> = []

  public init(
    maxTokens: Int, sampler: TokenSampler = TokenSampler(.greedy), layers: [Int]? = nil,
    heads: [Int]? = nil
  ) {
    self.maxTokens = maxTokens
    self.sampler = sampler
    self.layers = layers
    self.heads = heads
  }
}

extension TransformerModel {
  /// Writes up to `request.maxTokens` tokens after `prompt`: one pass over the prompt (filling
  /// the key/value cache), then one position per token, as transformers' `generate` does with
  /// its cache. Stops after an end token. `onStep` hears each step as it is made (to print the
  /// text as it grows); a throw from it stops generation.
  public func generate(
    prompt: EncodedText, request: GenerationRequest,
    onStep: (GenerationStep) throws -> Void = { _ in }
  ) throws -> Generation {
    let layers = request.layers ?? Array(0..<config.layers)
    let heads = request.heads ?? Array(0..<config.heads)
    let stops = request.stopIDs ?? Set(stopTokenIDs)
    let decoder = tokenizer as? any TokenDecoding
    var sampler = request.sampler
    let cache = makeCache()
    var input = prompt.ids
    var steps: [GenerationStep] = []
    var stop = GenerationStop.limit
    for step in 1...max(1, request.maxTokens) {
      let out = try forward(
        ids: input,
        request: ForwardRequest(logits: .last, ablatedHeads: request.ablatedHeads), cache: cache)
      guard let logits = out.logits else { break }
      let distribution = NextTokenDistribution(logits: logits)
      let id = sampler.choose(distribution)
      let attention = layers.map { l in
        heads.map { h -> [Double] in
          let m = out.layers[l].weights[h]
          return Array(m.row(m.rows - 1))
        }
      }
      let made = GenerationStep(
        step: step, position: cache.count - 1, id: id,
        token: decoder?.token(id: id) ?? Token("#\(id)", id: id),
        bytes: decoder?.bytes(id: id) ?? [], probability: distribution.probabilities[id],
        alternatives: distribution.top(request.alternatives), attention: attention)
      steps.append(made)
      try onStep(made)
      if stops.contains(id) {
        stop = .endToken(id)
        break
      }
      input = [id]
    }
    return Generation(prompt: prompt, steps: steps, stop: stop, layers: layers, heads: heads)
  }
}
