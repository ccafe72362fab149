import AttnvizModel
import Foundation

/// Loads a GGUF file through the engine. The model is called what the user called it (a name,
/// a hub id, `ollama:NAME`), after the folder when a folder holding the file was given, or after
/// the file when the file was given.
func loadGGUFModel(path: String, name: String, truncate: Bool) throws -> any AttentionModel {
  var isFolder: ObjCBool = false
  let title: String?
  if FileManager.default.fileExists(atPath: name, isDirectory: &isFolder) {
    title =
      isFolder.boolValue ? URL(fileURLWithPath: name).standardizedFileURL.lastPathComponent : nil
  } else {
    title = name
  }
  return try TransformerModel(gguf: path, name: title, truncate: truncate)
}
