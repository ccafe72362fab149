import AttnvizModel
import Foundation

/// Which model produces the attention: the embedded layer, a hand-written weights file, or a
/// pretrained model folder.
public enum ModelChoice: Equatable, Sendable {
  case builtin(dimension: Int, heads: Int, seed: UInt64, causal: Bool)
  case weights(path: String, causal: Bool)
  case pretrained(nameOrPath: String, truncate: Bool)

  public static let defaultBuiltin = ModelChoice.builtin(
    dimension: EmbeddedModel.defaultDimension, heads: EmbeddedModel.defaultHeads,
    seed: EmbeddedModel.defaultSeed, causal: false)

  public func load(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> any AttentionModel {
    switch self {
    case .builtin(let dimension, let heads, let seed, let causal):
      return try EmbeddedModel(dimension: dimension, heads: heads, seed: seed, causal: causal)
    case .weights(let path, let causal):
      guard FileManager.default.isReadableFile(atPath: path) else {
        throw AttnvizError.failure("cannot read the weights file \(path); check the path")
      }
      return try WeightsFileModel(contentsOf: path, causal: causal)
    case .pretrained(let nameOrPath, let truncate):
      switch try ModelLookup.standard(environment: environment).resolve(nameOrPath) {
      case .folder(let folder):
        return try loadPretrainedModel(folder: folder, truncate: truncate)
      case .gguf(let path):
        return try loadGGUFModel(path: path, name: nameOrPath, truncate: truncate)
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
  try TransformerModel(folder: folder, truncate: truncate)
}
