import Foundation

/// What a forward pass computes beyond attention. The default asks for nothing more: the pass
/// stops after the last layer's attention, as `trace` always has (no last feed-forward, no
/// final norm, no LM head). Anything else here runs every layer to the end.
///
/// Shapes: T tokens of this pass, P cached positions before them, N = P + T, C hidden,
/// H query heads, V vocabulary, L layers.
public struct ForwardRequest: Sendable, Equatable {
  /// Which rows of logits (final norm, then the LM head) to compute.
  public enum Logits: Sendable, Equatable {
    case none
    /// The last position only: what the next token will be. (1, V)
    case last
    /// Every position of the pass. (T, V)
    case all
  }

  /// Which residual-stream states to keep.
  public enum Residuals: Sendable, Equatable {
    case none
    /// The stream leaving the last layer only, what the final norm and head read: logits
    /// for any position can be computed from it later (`TransformerModel.logits(residual:)`).
    case last
    /// The stream entering the first layer and leaving each layer (the logit lens).
    case all
  }

  public var logits: Logits
  public var residuals: Residuals
  /// Heads whose output is zeroed before the output projection (Wo), as TransformerLens'
  /// hook on `hook_z`: the head's attention weights are still computed and reported, but it
  /// writes nothing into the residual stream.
  public var ablatedHeads: Set<HeadIndex>
  /// What an ablated head writes instead: nothing (`zero`), or its output averaged over the
  /// positions of the pass (`mean`: the same vector at every position, so what the head read
  /// is gone but its average write stays).
  public var ablation: Ablation = .zero

  public enum Ablation: Sendable, Equatable {
    case zero, mean
  }
  /// Start at layer `layer` (0-based) from `residual`, the stream entering it (T, C), as an
  /// earlier pass over the same ids left it: the layers before are not run again, and
  /// `layers` and `residuals` of the output begin there. For ablations, which change nothing
  /// before the first ablated layer.
  public var resume: Resume?
  /// Layers' Float32 weights kept between passes (many passes over the same model).
  public var weights: LayerWeightsCache?
  /// Whether each layer's trace gets ‖f_h(x_j)‖ (`LayerTrace.transformedNorms`, for
  /// `--view contribution`); the ablation sweep's passes, which read only logits, skip them.
  public var transformedNorms = true

  public struct Resume: Sendable, Equatable {
    public var layer: Int
    public var residual: [Float]

    public init(layer: Int, residual: [Float]) {
      self.layer = layer
      self.residual = residual
    }
  }
  /// A position of this pass (0-based, < T) at which to keep what each head writes into the
  /// residual stream there (its share of the output projection, without Wo's bias).
  public var headWritesPosition: Int?

  public init(
    logits: Logits = .none, residuals: Residuals = .none, ablatedHeads: Set<HeadIndex> = [],
    headWritesPosition: Int? = nil
  ) {
    self.logits = logits
    self.residuals = residuals
    self.ablatedHeads = ablatedHeads
    self.headWritesPosition = headWritesPosition
  }

  /// Adds what direct logit attribution reads from a pass over `t` tokens
  /// (`TransformerModel.logitAttribution(from:target:)`): the residual stream after every
  /// layer and each head's write at the last position. What the request already asks for
  /// stays (the next-token and lens views share the pass).
  public mutating func attribute(tokens t: Int) {
    residuals = .all
    headWritesPosition = t - 1
  }

  /// Whether the pass runs past the last layer's attention.
  var runsToEnd: Bool {
    logits != .none || residuals != .none || headWritesPosition != nil
  }
}

/// One head of one layer, both 0-based.
public struct HeadIndex: Hashable, Sendable, Comparable {
  public var layer: Int
  public var head: Int

  public init(layer: Int, head: Int) {
    self.layer = layer
    self.head = head
  }

  public static func < (a: HeadIndex, b: HeadIndex) -> Bool {
    (a.layer, a.head) < (b.layer, b.head)
  }
}

/// What `TransformerModel.forward` returns: the attention of every layer and what the request
/// asked for. Float32 row-major buffers, as the engine computes them.
public struct ForwardOutput: Sendable {
  /// Per layer, per head: (T, N) weights, rows summing to 1; row i is position P + i.
  public var layers: [LayerTrace]
  /// (1, V) for `.last`, (T, V) for `.all`, nil for `.none`: raw logits, before softmax.
  public var logits: [Float]?
  /// `.all`: L + 1 entries of (T, C), [0] the embeddings entering layer 1, [l] the residual
  /// stream leaving layer l; `.last`: one entry, the stream leaving layer L (what the final
  /// norm and LM head read); nil for `.none`.
  public var residuals: [[Float]]?
  /// [layer][head] → (C): what each head added to the residual stream at
  /// `headWritesPosition`. Their sum plus Wo's bias is the attention block's output there.
  public var headWrites: [[[Float]]]?
  /// The position the head writes were kept at (the request's `headWritesPosition`).
  public var headWritesPosition: Int?
}

/// The keys and values of every layer for the positions run so far, so that the next token
/// costs one position per layer instead of a pass over the whole text (transformers'
/// `DynamicCache`). Keys are stored after the rotation. Memory: L × 2 × G·D Float32 per
/// position (46 KB for SmolLM2-135M).
public final class KeyValueCache: @unchecked Sendable {
  /// Per layer: (P, G·D).
  var keys: [[Float]]
  var values: [[Float]]
  /// P: positions cached.
  public private(set) var count = 0

  init(layers: Int) {
    keys = Array(repeating: [], count: layers)
    values = Array(repeating: [], count: layers)
  }

  /// Layer l's keys and values with this pass's appended. (N, G·D)
  func extend(layer l: Int, k: [Float], v: [Float]) -> (k: [Float], v: [Float]) {
    keys[l] += k
    values[l] += v
    return (keys[l], values[l])
  }

  func advance(by t: Int) { count += t }
}

/// Every layer's weights converted to Float32 once and kept, for many passes over one model
/// (the ablation sweep runs a pass per head). Memory: the model's parameters as Float32 (about
/// 0.5 GB for SmolLM2-135M). @unchecked Sendable: filled under the lock.
public final class LayerWeightsCache: @unchecked Sendable, Equatable {
  private var layers: [Int: LayerWeights] = [:]
  private let lock = NSLock()

  public init() {}

  func layer(_ l: Int, reader: ParameterReader) throws -> LayerWeights {
    lock.lock()
    defer { lock.unlock() }
    if let kept = layers[l] { return kept }
    var w = try LayerWeights(layer: l, reader: reader)
    // Converted once for all the passes rather than a row at a time in each.
    w.materialize()
    layers[l] = w
    return w
  }

  public static func == (a: LayerWeightsCache, b: LayerWeightsCache) -> Bool { a === b }
}
