/// Errors from building or running a model. Each message names what was wrong and, where it is
/// obvious, how to fix it.
public enum ModelError: Error, Equatable, CustomStringConvertible {
  /// A bad `--dim` / `--heads` combination: a usage error.
  case badShape(String)
  /// A weights file that cannot be used: names the file and the field (empty for the whole file).
  case badWeightsFile(file: String, field: String, reason: String)
  /// A token that a weights file has no embedding for, and no "unknown" vector.
  case unknownToken(file: String, token: String)
  /// A pretrained model folder that cannot be loaded.
  case badModel(path: String, reason: String)
  /// More tokens than the model has positions for.
  case tooManyTokens(count: Int, limit: Int)
  /// More tokens than the built-in layer or a weights file takes (its matrices grow with the
  /// square of the length).
  case textTooLong(count: Int, limit: Int)

  public var description: String {
    switch self {
    case .badShape(let message):
      message
    case .badWeightsFile(let file, let field, let reason) where field.isEmpty:
      "weights file \(file) \(reason)"
    case .badWeightsFile(let file, let field, let reason):
      "weights file \(file): field \"\(field)\" \(reason)"
    case .unknownToken(let file, let token):
      "weights file \(file) has no embedding for the token \"\(token)\"; add it to \"embeddings\" or give an \"unknown\" vector"
    case .badModel(let path, let reason):
      "cannot load the model at \(path): \(reason)"
    case .textTooLong(let count, let limit):
      "the text has \(count) tokens; this layer takes at most \(limit) (attention grows with the square of the length); give a shorter passage"
    case .tooManyTokens(let count, let limit):
      "the text has \(count) tokens but the model takes at most \(limit); shorten it or pass --truncate"
    }
  }
}

/// Sizes no real model reaches (the largest open models have ~130 layers and 128 heads), checked
/// in every config reader before anything is allocated per layer or per head: a 700-byte
/// config.json saying `"n_layer": 1000000` must fail at once, not after gigabytes.
public enum ModelLimits {
  public static let layers = 1024
  public static let heads = 1024
}
