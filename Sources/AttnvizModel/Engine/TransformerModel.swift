// The plug-in point for checkpoint formats. A reader of another format (GGUF, …) builds a
// `TransformerConfig` from its metadata, wraps its tensors in a `TensorSource` (Hugging Face
// names and layouts, Float32 values), picks a `Tokenizer`, and calls
// `TransformerModel(config:tensors:tokenizer:name:truncate:)`. Everything after that — the
// tensor-table check, the forward pass, the trace — is the same for every format.
import AttnvizFiles
import AttnvizMath
import AttnvizTokens
import Foundation

/// One Float32 transformer engine for every architecture attnviz reads (see
/// `TransformerConfig.Architecture`). `trace` runs the blocks up to the last layer's attention —
/// the last feed-forward and the LM head are computed only when `forward` asks for logits or
/// the residual stream (TransformerModel+Output.swift) — and keeps every head's weights, plus
/// every intermediate of the layer `trace(_:stepsLayer:)` asks for.
///
/// Weights stay in the checkpoint (memory-mapped for safetensors) and are converted to Float32
/// one layer at a time as the pass reaches them.
public struct TransformerModel: AttentionModel {
  public let info: ModelInfo
  public let config: TransformerConfig
  public let tokenizer: any Tokenizer
  /// Cut texts longer than the model's positions instead of refusing them.
  public let truncates: Bool
  /// Checkpoint tensors outside the transformer body that the engine does not read (task heads,
  /// mask buffers), as the checkpoint names them.
  public let ignoredTensors: [String]
  let tensors: any TensorSource
  let table: TensorTable
  /// The checkpoint's file or folder, for error messages.
  let location: String

  /// Builds the model from a configuration and a checkpoint. Checks every tensor the
  /// architecture has (name, shape) before returning, so a wrong checkpoint fails here with one
  /// message, not halfway through a trace. `name` is what titles and the JSON call the model;
  /// `location` (the file or folder, default `name`) is what error messages name.
  public init(
    config: TransformerConfig, tensors: any TensorSource, tokenizer: any Tokenizer,
    name: String, location: String? = nil, truncate: Bool = false
  ) throws {
    let location = location ?? name
    try config.validate(source: location)
    self.location = location
    self.config = config
    self.tensors = tensors
    self.tokenizer = tokenizer
    self.truncates = truncate
    table = try TensorTable(config: config, source: tensors, checkpoint: location)
    ignoredTensors = table.ignored
    var info = ModelInfo(
      name: name, family: .transformer(config.architecture), layers: config.layers,
      heads: config.heads, dModel: config.hidden, causal: config.architecture.isCausal,
      keyValueHeads: config.kvHeads, headDimension: config.headDim)
    let layout = ArchitectureLayout(config.architecture)
    info.tokenizer = tokenizer.kind
    info.positions = layout.positions == .rotary ? .rotary : .learned
    info.norm = layout.norm == .rmsNorm ? .rmsNorm : .layerNorm
    let names = table.names
    info.projectionBiases = [.queryBias, .fusedQKVBias].contains { names[.layer(0, $0)] != nil }
    info.checkpoint = tensors.fingerprint
    info.predictsNextToken = config.architecture.isCausal && table.has(.finalNormWeight)
    info.normalizesAttentionOutput = layout.order == .sandwich
    info.checkpointBytes =
      checkpointFileBytes(location) + 4 * config.vocabularySize * config.hidden
    self.info = info
  }

  /// The tokens, cut to the model's positions (and the trace budget) when it truncates; the
  /// memory budget (AttnvizKit's MemoryBudget) estimates the run from their count before
  /// anything is allocated.
  public func tokenize(_ text: String) throws -> TokenizedText {
    let tokens = try tokenizer.tokenize(text)
    let limit = config.tokenLimit
    guard tokens.count > limit else { return TokenizedText(text: text, tokens: tokens) }
    guard truncates else { throw ModelError.tooManyTokens(count: tokens.count, limit: limit) }
    return TokenizedText(
      text: text, tokens: truncated(tokens, to: limit), truncatedFrom: tokens.count)
  }

  /// The attention of every layer, with the intermediates of layer `stepsLayer` (0-based; nil
  /// for none) in that layer's `steps`.
  public func trace(_ input: TokenizedText, stepsLayer: Int?) throws -> AttentionTrace {
    let pass = ForwardPass(
      config: config, tensors: tensors, table: table, name: location, stepsLayer: stepsLayer)
    return AttentionTrace(
      text: input.text, tokens: input.tokens, model: info,
      layers: try pass.run(ids: try ids(of: input.tokens)), truncatedFrom: input.truncatedFrom)
  }

  /// The tokens a pass over `text` runs on (`tokenize`), with their ids checked against the
  /// embeddings.
  public func encode(_ text: String) throws -> EncodedText {
    let input = try tokenize(text)
    return EncodedText(
      tokens: input.tokens, ids: try ids(of: input.tokens), truncatedFrom: input.truncatedFrom)
  }

  /// The ids of `tokens`, each one an embedding of the model.
  func ids(of tokens: [Token]) throws -> [Int] {
    var ids: [Int] = []
    for token in tokens {
      guard let id = token.id, (0..<config.vocabularySize).contains(id) else {
        throw ModelError.badModel(
          path: location,
          reason:
            "the tokenizer gave \"\(token.text)\" the id \(token.id.map(String.init) ?? "none"),"
            + " outside the model's \(config.vocabularySize) embeddings; the tokenizer and the "
            + "weights belong to different models")
      }
      ids.append(id)
    }
    return ids
  }

  /// Encoders keep their closing special token ([SEP], </s>) as Hugging Face truncates a single
  /// sentence; decoders keep the first `limit` tokens.
  func truncated(_ tokens: [Token], to limit: Int) -> [Token] {
    if !config.architecture.isCausal, let last = tokens.last, last.isSpecial, limit >= 2 {
      return Array(tokens.prefix(limit - 1)) + [last]
    }
    return Array(tokens.prefix(limit))
  }
}

extension TransformerConfig {
  /// The most tokens one pass takes: the position table's rows (after RoBERTa's offset), and
  /// no more than keep the trace's L × H × T² attention weights within `traceBudget` values
  /// (SmolLM2's 8192 positions would otherwise ask for 145 GB of weights).
  var tokenLimit: Int {
    let positions = max(1, maxPositions - (paddingIndex.map { $0 + 1 } ?? 0))
    let perToken = Double(traceBudget) / Double(max(layers * heads, 1))
    return min(positions, max(1, Int(perToken.squareRoot())))
  }

  /// 2²⁷ Doubles: 1 GiB of attention weights.
  var traceBudget: Int { 1 << 27 }
}

/// The size of a checkpoint on disk, from `stat` alone (`BoundedFile.kindOf`, links followed as
/// in the hub cache; nothing is opened): a file's size, or a folder's `*.safetensors` files
/// together; 0 for anything else (a name that is not a path).
func checkpointFileBytes(_ location: String) -> Int {
  func kind(_ path: String) -> FileKind? { try? BoundedFile.kindOf(path, what: "checkpoint") }
  func size(_ path: String) -> Int {
    if case .regular(let size)? = kind(path) { return size }
    return 0
  }
  guard kind(location) == .folder else { return size(location) }
  let names = (try? FileManager.default.contentsOfDirectory(atPath: location)) ?? []
  return names.filter { $0.hasSuffix(".safetensors") }.reduce(0) {
    $0 + size(location + "/" + $1)
  }
}
