/// Where the engine reads weights from: a checkpoint of named tensors, read one tensor at a time
/// as the forward pass reaches it (so a model is never all held in memory at once).
///
/// Names are Hugging Face's for the architecture, with or without the model prefix
/// (`model.layers.0.self_attn.q_proj.weight` or `layers.0.self_attn.q_proj.weight`;
/// `encoder.layer.0.attention.self.query.weight`; `h.0.attn.c_attn.weight`), shapes as
/// transformers stores them (a `Linear` weight is (out, in), GPT-2's `Conv1D` (in, out)), and
/// values in the convention transformers computes with: a GGUF source must undo llama.cpp's
/// permutation of the `llama` Q and K rows before handing them over.
public protocol TensorSource: Sendable {
  /// Every tensor name the checkpoint holds.
  var names: [String] { get }
  /// The tensor's shape, outermost first; nil when there is no such tensor.
  func shape(_ name: String) -> [Int]?
  /// The tensor's values as Float32, row-major. Throws when it cannot be read or converted.
  func float32(_ name: String) throws -> [Float]
  /// Rows `rows` of a 2-D tensor, concatenated: how an embedding table is looked up. The
  /// default converts the whole tensor; a source that can read rows alone should.
  func float32Rows(_ name: String, rows: [Int]) throws -> [Float]
  /// Throws when the tensor could not be converted to Float32 (an integer dtype, say), so that
  /// a bad checkpoint fails when it loads, not at the first trace. The default accepts all.
  func checkConvertible(_ name: String) throws
  /// The tensor as a `WeightMatrix`: a view of the checkpoint's memory when its bytes already are
  /// Float32 in this machine's order, else `float32(name)`. The default converts.
  func matrix(_ name: String) throws -> WeightMatrix
  /// Whether norm weights are stored as the factors the normalised values are multiplied by,
  /// whatever the architecture's own convention (`ArchitectureLayout.normWeightOffset`): true
  /// for GGUF files, whose converter adds Gemma's 1; false (the default) for Hugging Face
  /// checkpoints, stored as the model's code reads them.
  var storesNormFactors: Bool { get }
  /// Which checkpoint this is, from the bytes already mapped (`CheckpointFingerprint`); nil for
  /// a source built in memory. The default is nil.
  var fingerprint: CheckpointFingerprint? { get }
}

extension TensorSource {
  public func checkConvertible(_ name: String) throws {}

  public var fingerprint: CheckpointFingerprint? { nil }

  public var storesNormFactors: Bool { false }

  public func matrix(_ name: String) throws -> WeightMatrix { WeightMatrix(try float32(name)) }

  public func float32Rows(_ name: String, rows: [Int]) throws -> [Float] {
    let all = try float32(name)
    guard let shape = shape(name), shape.count == 2 else { return [] }
    let width = shape[1]
    var out: [Float] = []
    out.reserveCapacity(rows.count * width)
    for r in rows { out += all[(r * width)..<((r + 1) * width)] }
    return out
  }
}
