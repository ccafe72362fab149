import AttnvizFiles
import AttnvizTokens

/// Which kind of model made a trace. Everything that differs by model (captions, titles, the
/// memory estimate, the JSON's `architecture`) switches on this, exhaustively, so a new family
/// is a new case the compiler walks you through: a new transformer architecture is a case of
/// `TransformerConfig.Architecture` (with its `ArchitectureLayout`), nothing here.
public enum ModelFamily: Sendable, Hashable {
  /// The built-in layer: random, untrained, one layer.
  case builtin
  /// A hand-written weights file: one layer.
  case weightsFile
  /// A pretrained checkpoint run by the engine.
  case transformer(TransformerConfig.Architecture)
  /// A Marian translator (encoder–decoder; Firefox's), run on the engine's kernels.
  case marian

  /// As the JSON's `model.architecture` and provenance spell it: "builtin", "weights", or the
  /// architecture's `model_type` ("bert", "llama", …).
  public var name: String {
    switch self {
    case .builtin: "builtin"
    case .weightsFile: "weights"
    case .transformer(let architecture): architecture.rawValue
    case .marian: "marian"
    }
  }

  /// Single-layer teaching models (the built-in layer, weights files), not pretrained ones.
  public var isSingleLayer: Bool {
    switch self {
    case .builtin, .weightsFile: true
    case .transformer, .marian: false
    }
  }
}

/// Which checkpoint a model was loaded from, taken once from the bytes the loader mapped or
/// read (never by opening the file again): its size and the SHA-256 of its header (a
/// safetensors file's 8 + N header bytes, a GGUF file's first MiB: the tensor table names and
/// shapes every weight, so it tells checkpoints apart without reading gigabytes), or of the
/// whole file for a weights file.
public struct CheckpointFingerprint: Sendable, Equatable {
  public enum Scope: Sendable, Equatable {
    /// The header of each file.
    case header
    /// Every byte.
    case wholeFile
  }

  /// Bytes on disk, all files together.
  public var bytes: Int
  public var files: Int
  public var scope: Scope
  /// SHA-256 of the hashed bytes (the files' headers in file-name order, concatenated).
  public var sha256: String

  public init(bytes: Int, files: Int = 1, scope: Scope, sha256: String) {
    self.bytes = bytes
    self.files = files
    self.scope = scope
    self.sha256 = sha256
  }

  /// Hashes `hashed` (the header or the file) of a checkpoint of `bytes` bytes.
  public init(bytes: Int, files: Int = 1, scope: Scope, hashing hashed: [UInt8]) {
    self.init(bytes: bytes, files: files, scope: scope, sha256: sha256Hex(hashed))
  }

  /// "90868376 bytes, header sha256 …", "N bytes in 2 files, headers sha256 …".
  public var summary: String {
    let what = scope == .header ? (files > 1 ? "headers " : "header ") : ""
    let size = files > 1 ? "\(bytes) bytes in \(files) files" : "\(bytes) bytes"
    return "\(size), \(what)sha256 \(sha256)"
  }
}

/// What a model is, described once when it is loaded: the JSON's `model` object, figure titles,
/// captions and provenance all read it, none re-derives it from a name.
public struct ModelInfo: Sendable, Equatable {
  /// How position enters the model.
  public enum Positions: Sendable, Equatable {
    /// Not at all (a weights file with `"positional_encoding": "none"`).
    case none
    /// Sinusoidal vectors added to the embeddings (the built-in layer, weights files).
    case sinusoidal
    /// A learned table added to the embeddings (BERT, GPT-2).
    case learned
    /// Q and K rotated by position (RoPE: the Llama family).
    case rotary
  }

  /// The normalisation in front of attention.
  public enum Norm: Sendable, Equatable {
    case none
    case layerNorm
    case rmsNorm
  }

  /// "builtin", the weights file's name, or the model folder's name.
  public var name: String
  public var family: ModelFamily
  /// How its tokenizer cuts text.
  public var tokenizer: TokenizerKind
  public var positions: Positions
  public var norm: Norm
  /// The query, key and value projections add biases.
  public var projectionBiases: Bool
  public var layers: Int
  public var heads: Int
  public var dModel: Int
  public var causal: Bool
  /// Key/value heads: equal to `heads`, or fewer when query heads share them (grouped-query
  /// attention, as in Llama-family decoders): query head h reads key/value head
  /// h / (heads / keyValueHeads).
  public var keyValueHeads: Int
  /// D: the size of one head, d_model / heads unless the model says otherwise (Qwen3).
  public var headDimension: Int
  /// Bytes of weights a trace holds besides its per-layer Float32 copies: the checkpoint's files
  /// (memory-mapped, every page read by the pass) and the token embeddings as Float32. 0 for
  /// the built-in layer and weights files, whose parameters are counted from their sizes.
  public var checkpointBytes = 0
  /// The file the weights came from; nil for the built-in layer.
  public var checkpoint: CheckpointFingerprint?
  /// The layers have the rest of a Transformer block (residual, norm, feed-forward network)
  /// after their attention; false for a weights file, which is one attention layer only.
  public var hasFeedForward = true

  /// The facts not given are the family's usual ones (`ModelFamily.typical`); loaders set them
  /// from what they read.
  public init(
    name: String, family: ModelFamily, layers: Int, heads: Int, dModel: Int, causal: Bool,
    keyValueHeads: Int? = nil, headDimension: Int? = nil
  ) {
    self.name = name
    self.family = family
    let typical = family.typical
    self.tokenizer = typical.tokenizer
    self.positions = typical.positions
    self.norm = typical.norm
    self.projectionBiases = typical.biases
    self.layers = layers
    self.heads = heads
    self.dModel = dModel
    self.causal = causal
    self.keyValueHeads = keyValueHeads ?? heads
    self.headDimension = headDimension ?? dModel / max(heads, 1)
  }

  /// How query heads share one key/value head (1 without grouped-query attention).
  public var queryHeadsPerKeyValueHead: Int { heads / max(keyValueHeads, 1) }

  /// Position enters by rotating Q and K (RoPE: the Llama family), not by adding to X.
  public var hasRotaryPositions: Bool { positions == .rotary }
}

extension ModelFamily {
  /// The usual facts of the family, before a loader reads the real ones.
  var typical:
    (
      tokenizer: TokenizerKind, positions: ModelInfo.Positions, norm: ModelInfo.Norm, biases: Bool
    )
  {
    switch self {
    case .builtin, .weightsFile: (.words, .sinusoidal, .none, false)
    case .marian: (.unigram, .sinusoidal, .layerNorm, true)
    case .transformer(let architecture):
      switch architecture {
      case .bert, .distilbert: (.wordPiece, .learned, .layerNorm, true)
      case .roberta, .gpt2: (.byteLevelBPE, .learned, .layerNorm, true)
      case .llama, .mistral, .qwen3, .olmo2: (.byteLevelBPE, .rotary, .rmsNorm, false)
      case .phi3: (.sentencePiece, .rotary, .rmsNorm, false)
      case .qwen2: (.byteLevelBPE, .rotary, .rmsNorm, true)
      case .gemma, .gemma2, .gemma3: (.sentencePiece, .rotary, .rmsNorm, false)
      }
    }
  }
}
