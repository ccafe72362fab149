import AttnvizFiles

/// A GGUF file's tensors under Hugging Face's names and in transformers' layout, for the engine:
///
///     token_embd.weight            model.embed_tokens.weight
///     output_norm.weight           model.norm.weight
///     output.weight                lm_head.weight
///     blk.N.attn_norm.weight       model.layers.N.input_layernorm.weight
///     blk.N.attn_q/k/v.weight|bias model.layers.N.self_attn.q_proj/k_proj/v_proj.…
///     blk.N.attn_output.weight     model.layers.N.self_attn.o_proj.weight
///     blk.N.attn_q_norm/k_norm     model.layers.N.self_attn.q_norm/k_norm.weight
///     blk.N.ffn_norm.weight        model.layers.N.post_attention_layernorm.weight
///     blk.N.ffn_gate/up/down       model.layers.N.mlp.gate_proj/up_proj/down_proj.weight
///
/// Shapes are ggml's dimensions reversed ((out, in), as PyTorch stores a `Linear`). For the
/// `llama` architecture, llama.cpp's converter stored the rows of Q and K permuted for its
/// interleaved rotary layout (`permute` in convert_hf_to_gguf.py); they are put back here as
/// transformers does (`_reverse_permute_weights`), so rotary embeddings in Hugging Face's
/// rotate-half convention see the values they expect. Other tensors pass through unchanged
/// under their GGUF names, for the engine's table to judge.
public struct GGUFCheckpoint: TensorSource {
  public let file: GGUFFile
  /// Hugging Face name → GGUF name.
  let sources: [String: String]
  public let names: [String]
  /// Rows per head group for the permuted tensors: GGUF name → heads (Q: H, K: G).
  let permutedHeads: [String: Int]

  public var fingerprint: CheckpointFingerprint? { file.fingerprint }

  /// llama.cpp's converter stores Gemma's norm weights with the 1 added (`data_torch + 1`).
  public var storesNormFactors: Bool { true }

  /// `permuteQK`: undo llama.cpp's Q/K permutation, with `heads` and `kvHeads` heads.
  /// `blockNames`: the architecture's own meaning of block tensor names, over `blockNames`'
  /// (Gemma's `ffn_norm` is `pre_feedforward_layernorm`, its `post_attention_norm`
  /// `post_attention_layernorm`).
  public init(
    file: GGUFFile, permuteQK: Bool, heads: Int, kvHeads: Int, blockNames: [String: String] = [:]
  ) {
    self.file = file
    var sources: [String: String] = [:]
    var permuted: [String: Int] = [:]
    let blockTable = Self.blockNames.merging(blockNames) { $1 }
    for tensor in file.tensors {
      let name = Self.huggingFaceName(tensor.name, blockNames: blockTable) ?? tensor.name
      sources[name] = tensor.name
      if permuteQK, let heads = Self.permutation(tensor.name, heads: heads, kvHeads: kvHeads) {
        permuted[tensor.name] = heads
      }
    }
    self.sources = sources
    names = sources.keys.sorted()
    permutedHeads = permuted
  }

  static let blockNames: [String: String] = [
    "attn_norm": "input_layernorm", "attn_q": "self_attn.q_proj", "attn_k": "self_attn.k_proj",
    "attn_v": "self_attn.v_proj", "attn_output": "self_attn.o_proj",
    "attn_q_norm": "self_attn.q_norm", "attn_k_norm": "self_attn.k_norm",
    "ffn_norm": "post_attention_layernorm", "ffn_gate": "mlp.gate_proj", "ffn_up": "mlp.up_proj",
    "ffn_down": "mlp.down_proj",
  ]

  /// The Hugging Face name of a GGUF tensor, or nil when it has none.
  static func huggingFaceName(_ name: String, blockNames: [String: String] = blockNames)
    -> String?
  {
    switch name {
    case "token_embd.weight": return "model.embed_tokens.weight"
    case "output_norm.weight": return "model.norm.weight"
    case "output.weight": return "lm_head.weight"
    default: break
    }
    let parts = name.split(separator: ".", omittingEmptySubsequences: false)
    guard parts.count == 4, parts[0] == "blk", let layer = Int(parts[1]), layer >= 0,
      let mapped = blockNames[String(parts[2])],
      parts[3] == "weight" || parts[3] == "bias"
    else { return nil }
    return "model.layers.\(layer).\(mapped).\(parts[3])"
  }

  /// Heads of the permuted Q or K tensor `name` (its weight or bias), else nil.
  static func permutation(_ name: String, heads: Int, kvHeads: Int) -> Int? {
    let parts = name.split(separator: ".")
    guard parts.count == 4, parts[0] == "blk" else { return nil }
    switch parts[2] {
    case "attn_q": return heads
    case "attn_k": return kvHeads
    default: return nil
    }
  }

  public func shape(_ name: String) -> [Int]? {
    sources[name].flatMap { file.tensor($0)?.shape }
  }

  public func float32(_ name: String) throws -> [Float] {
    let source = try gguf(name)
    let values = try file.floats(source)
    guard let heads = permutedHeads[source], let info = file.tensor(source) else { return values }
    return try Self.unpermute(
      values, rows: info.shape[0], heads: heads, file: file.path, name: source)
  }

  public func float32Rows(_ name: String, rows: [Int]) throws -> [Float] {
    let source = try gguf(name)
    guard permutedHeads[source] == nil else {
      // Q and K are never looked up by rows; convert them whole to keep the permutation in one
      // place.
      let all = try float32(name)
      let width = file.tensor(source)?.rowLength ?? 1
      return rows.flatMap { all[($0 * width)..<(($0 + 1) * width)] }
    }
    return try file.rows(source, rows)
  }

  private func gguf(_ name: String) throws -> String {
    guard let source = sources[name] else {
      throw GGUFError(file: file.path, subject: "tensor \"\(name)\"", reason: "is not in the file")
    }
    return source
  }

  /// llama.cpp stores row (h, i, j) of each head — i < D/2, j < 2 — where transformers has
  /// row (h, j, i): rows of the head are interleaved pairs instead of two halves.
  static func unpermute(
    _ values: [Float], rows: Int, heads: Int, file: String, name: String
  ) throws -> [Float] {
    guard heads > 0, rows % (2 * heads) == 0, rows > 0 else {
      throw GGUFError(
        file: file, subject: "tensor \"\(name)\"",
        reason: "has \(rows) rows, which do not split into \(heads) heads of pairs")
    }
    let width = values.count / rows
    let half = rows / heads / 2
    return [Float](unsafeUninitializedCapacity: values.count) { target, initialized in
      values.withUnsafeBufferPointer { source in
        for h in 0..<heads {
          for i in 0..<half {
            for j in 0..<2 {
              let stored = ((h * half + i) * 2 + j) * width
              let wanted = ((h * 2 + j) * half + i) * width
              for c in 0..<width { target[wanted + c] = source[stored + c] }
            }
          }
        }
      }
      initialized = values.count
    }
  }
}
