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

/// Reads `config.json`'s `model_type` and loads the matching architecture.
func loadPretrainedModel(folder: String, truncate: Bool) throws -> any AttentionModel {
  let configPath = (folder as NSString).appendingPathComponent("config.json")
  guard let data = FileManager.default.contents(atPath: configPath),
    let config = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
  else {
    throw AttnvizError.failure("\(folder) has no readable config.json; is it a Hugging Face model folder?")
  }
  let type = config["model_type"] as? String ?? "(none)"
  switch type {
  case "bert":
    return try BertModel(folder: folder, truncate: truncate)
  case "gpt2":
    return try GPT2Model(folder: folder, truncate: truncate)
  default:
    throw AttnvizError.failure(
      "\(configPath) has model_type \"\(type)\"; attnviz reads \"bert\" and \"gpt2\" models")
  }
}
