import AttnvizModel

/// Loads a GGUF file through the engine (see `GGUFModel` in AttnvizModel).
func loadGGUFModel(path: String, name: String, truncate: Bool) throws -> any AttentionModel {
  let file = try GGUFFile(path: path)
  throw AttnvizError.failure(
    "\(path) is a GGUF file of architecture "
      + "\(file.header.value("general.architecture")?.stringValue ?? "(none)"); "
      + "running GGUF models needs the engine, which this build does not have yet")
}
