import AttnvizModel
import Foundation

/// Loads a GGUF file through the engine. The model is called what the user called it (a name,
/// a hub id, `ollama:NAME`), or after the file when it was given as a path.
func loadGGUFModel(path: String, name: String, truncate: Bool) throws -> any AttentionModel {
  let givenAsPath = FileManager.default.fileExists(atPath: name)
  return try TransformerModel(gguf: path, name: givenAsPath ? nil : name, truncate: truncate)
}
