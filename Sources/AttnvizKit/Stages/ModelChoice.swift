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

  /// Keep every model this process loads and hand it out again (`attnviz deck` runs many
  /// commands on one model; loading it once per figure would cost seconds).
  public static var reuseLoadedModels: Bool {
    get { LoadedModels.shared.isEnabled }
    set { LoadedModels.shared.isEnabled = newValue }
  }

  public func load(environment: [String: String] = ProcessInfo.processInfo.environment) throws
    -> any AttentionModel
  {
    if let model = LoadedModels.shared.model(for: self) { return model }
    let model = try loadFresh(environment: environment)
    LoadedModels.shared.keep(model, for: self)
    return model
  }

  func loadFresh(environment: [String: String]) throws -> any AttentionModel {
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
      switch try ModelLookup.standard(environment: environment).resolve(nameOrPath) {
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

/// `.build/release/attnviz` lives three levels below the project folder; an installed binary has
/// no project, which is fine.
func projectFolderOfExecutable() -> String? {
  let executable = URL(fileURLWithPath: CommandLine.arguments.first ?? "").resolvingSymlinksInPath()
  var folder = executable.deletingLastPathComponent()
  for _ in 0..<4 {
    if FileManager.default.fileExists(atPath: folder.appendingPathComponent("Package.swift").path) {
      return folder.path
    }
    folder = folder.deletingLastPathComponent()
  }
  return nil
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

/// The models kept for reuse, behind a lock (figures are drawn on several threads).
final class LoadedModels: @unchecked Sendable {
  static let shared = LoadedModels()
  private let lock = NSLock()
  private var enabled = false
  private var models: [ModelChoice: any AttentionModel] = [:]

  var isEnabled: Bool {
    get { lock.withLock { enabled } }
    set { lock.withLock { enabled = newValue } }
  }

  func model(for choice: ModelChoice) -> (any AttentionModel)? {
    lock.withLock { enabled ? models[choice] : nil }
  }

  func keep(_ model: any AttentionModel, for choice: ModelChoice) {
    lock.withLock { if enabled { models[choice] = model } }
  }
}
