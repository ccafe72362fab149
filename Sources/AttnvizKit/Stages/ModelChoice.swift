import AttnvizFiles
import AttnvizModel
import Foundation

/// Which model produces the attention: the embedded layer, a hand-written weights file, or a
/// pretrained model folder.
public enum ModelChoice: Hashable, Sendable {
  case builtin(dimension: Int, heads: Int, seed: UInt64, causal: Bool)
  case weights(path: String, causal: Bool)
  case pretrained(nameOrPath: String, truncate: Bool)

  public static let defaultBuiltin = ModelChoice.builtin(
    dimension: EmbeddedModel.defaultDimension, heads: EmbeddedModel.defaultHeads,
    seed: EmbeddedModel.defaultSeed, causal: false)

  /// The built-in layer, with its defaults for what is not given.
  public static func builtinWithDefaults(
    dimension: Int?, heads: Int?, seed: UInt64?, causal: Bool
  ) -> ModelChoice {
    .builtin(
      dimension: dimension ?? EmbeddedModel.defaultDimension,
      heads: heads ?? EmbeddedModel.defaultHeads, seed: seed ?? EmbeddedModel.defaultSeed,
      causal: causal)
  }

  /// The model, loaded through `context`'s lookup, or the one `context` kept.
  public func load(in context: RunContext) throws -> any AttentionModel {
    if let model = context.models.model(for: self) { return model }
    let model = try loadFresh(lookup: context.modelLookup)
    context.models.keep(model, for: self)
    return model
  }

  func loadFresh(lookup: ModelLookup) throws -> any AttentionModel {
    switch self {
    case .builtin(let dimension, let heads, let seed, let causal):
      return try EmbeddedModel(dimension: dimension, heads: heads, seed: seed, causal: causal)
    case .weights(let path, let causal):
      return try WeightsFileModel(contentsOf: path, causal: causal)
    case .pretrained(let nameOrPath, let truncate):
      // An empty name would otherwise find the current folder or models/ itself.
      guard !nameOrPath.trimmingCharacters(in: .whitespaces).isEmpty else {
        throw AttnvizError.usage("--model is empty; give a model folder or a name under models/")
      }
      switch try lookup.resolve(nameOrPath) {
      case .folder(let folder):
        return try loadPretrainedModel(folder: folder, truncate: truncate)
      case .gguf(let path):
        return try loadGGUFModel(path: path, name: nameOrPath, truncate: truncate)
      case .translator:
        throw AttnvizError.usage(
          "\(nameOrPath) is a translation model (an encoder–decoder); draw its attention with "
            + "attnviz translate --model \(nameOrPath) \"…\"")
      }
    }
  }
}

/// Loads a Hugging Face folder through the one transformer engine; `config.json`'s `model_type`
/// picks the architecture.
func loadPretrainedModel(folder: String, truncate: Bool) throws -> any AttentionModel {
  try requireSafetensors(folder: folder)
  return try TransformerModel(folder: folder, truncate: truncate)
}

/// attnviz reads weights only from safetensors; a folder with only PyTorch's pickle gets the
/// one command that converts it.
func requireSafetensors(folder: String) throws {
  func has(_ name: String) -> Bool {
    FileManager.default.fileExists(atPath: (folder as NSString).appendingPathComponent(name))
  }
  guard !has("model.safetensors"), !has("model.safetensors.index.json"),
    has("pytorch_model.bin")
  else { return }
  throw AttnvizError.failure(
    "\(folder) has pytorch_model.bin but no model.safetensors, and attnviz reads only safetensors; "
      + "convert it with python3 -c \"from transformers import AutoModel; "
      + "AutoModel.from_pretrained('\(folder)').save_pretrained('\(folder)')\"")
}
