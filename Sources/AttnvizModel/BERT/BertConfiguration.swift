import AttnvizFiles
import AttnvizTokens
import Foundation

/// The fields of a Hugging Face BERT `config.json` that the forward pass needs, checked.
public struct BertConfiguration: Sendable, Equatable {
  public var hiddenSize: Int
  public var layers: Int
  public var heads: Int
  public var intermediateSize: Int
  public var maxPositions: Int
  public var typeVocabularySize: Int
  public var vocabularySize: Int
  public var layerNormEpsilon: Double

  public init(
    hiddenSize: Int, layers: Int, heads: Int, intermediateSize: Int, maxPositions: Int,
    typeVocabularySize: Int, vocabularySize: Int, layerNormEpsilon: Double
  ) {
    self.hiddenSize = hiddenSize
    self.layers = layers
    self.heads = heads
    self.intermediateSize = intermediateSize
    self.maxPositions = maxPositions
    self.typeVocabularySize = typeVocabularySize
    self.vocabularySize = vocabularySize
    self.layerNormEpsilon = layerNormEpsilon
  }

  /// Reads and checks `config.json`. Throws `ModelError.badModel` naming the field.
  public init(contentsOf path: String) throws {
    try self.init(object: try readJSONObject(path), path: path)
  }

  /// Checks a parsed `config.json`; `path` names it in errors.
  public init(object root: [String: Any], path: String) throws {
    func fail(_ field: String, _ reason: String) -> ModelError {
      .badModel(path: path, reason: "field \"\(field)\" \(reason)")
    }
    if let type = root["model_type"] as? String, type != "bert" {
      throw fail("model_type", "is \"\(type)\"; this loader reads BERT models (\"bert\")")
    }
    if let act = root["hidden_act"] as? String, act != "gelu" {
      throw fail("hidden_act", "is \"\(act)\"; only \"gelu\" (exact, erf-based) is supported")
    }
    if let kind = root["position_embedding_type"] as? String, kind != "absolute" {
      throw fail("position_embedding_type", "is \"\(kind)\"; only \"absolute\" is supported")
    }
    func count(_ field: String) throws -> Int {
      guard let number = root[field] as? NSNumber, isNumberNotBool(number),
        let value = Int(exactly: number.doubleValue), value >= 1
      else { throw fail(field, "must be a positive integer") }
      return value
    }
    hiddenSize = try count("hidden_size")
    layers = try count("num_hidden_layers")
    guard layers <= ModelLimits.layers else {
      throw fail(
        "num_hidden_layers",
        "is \(layers); attnviz reads models of at most \(ModelLimits.layers) layers")
    }
    heads = try count("num_attention_heads")
    guard heads <= ModelLimits.heads else {
      throw fail(
        "num_attention_heads",
        "is \(heads); attnviz reads models of at most \(ModelLimits.heads) heads")
    }
    intermediateSize = try count("intermediate_size")
    maxPositions = try count("max_position_embeddings")
    typeVocabularySize = try count("type_vocab_size")
    vocabularySize = try count("vocab_size")
    guard hiddenSize % heads == 0 else {
      throw fail("num_attention_heads", "(\(heads)) must divide hidden_size (\(hiddenSize))")
    }
    // BERT's default when the field is absent.
    let epsilon = (root["layer_norm_eps"] as? NSNumber)?.doubleValue ?? 1e-12
    guard epsilon.isFinite, epsilon > 0 else { throw fail("layer_norm_eps", "must be positive") }
    layerNormEpsilon = epsilon
  }
}

/// Reads `tokenizer_config.json` when the folder has one: `do_lower_case` (default true),
/// `strip_accents` (default: follows lower-casing) and `tokenize_chinese_chars` (default true).
func bertTokenizerOptions(contentsOf path: String) throws -> BertTokenizer.Options {
  var options = BertTokenizer.Options()
  guard (try? BoundedFile.kindOf(path, what: "")) != nil else { return options }
  let root = try readJSONObject(path)
  func flag(_ field: String) throws -> Bool? {
    guard let value = root[field], !(value is NSNull) else { return nil }
    guard let number = value as? NSNumber, !isNumberNotBool(number) else {
      throw ModelError.badModel(
        path: path, reason: "field \"\(field)\" must be true, false or null")
    }
    return number.boolValue
  }
  options.lowercase = try flag("do_lower_case") ?? true
  options.stripAccents = try flag("strip_accents")
  options.splitChineseCharacters = try flag("tokenize_chinese_chars") ?? true
  return options
}

func readJSONObject(_ path: String) throws -> [String: Any] {
  try readConfigObject(path)
}
