import Foundation

/// The fields of a GPT-2 `config.json` that the forward pass depends on. Fields that would change
/// the computation in ways this implementation does not follow are rejected, not ignored.
public struct GPT2Config: Sendable, Equatable {
  /// C: channels (`n_embd`).
  public var embeddingSize: Int
  /// L (`n_layer`).
  public var layers: Int
  /// H (`n_head`).
  public var heads: Int
  /// The most tokens the model takes (`n_positions`, older files: `n_ctx`).
  public var positions: Int
  public var vocabularySize: Int
  /// The MLP's hidden width (`n_inner`, null meaning 4·C).
  public var innerSize: Int
  public var layerNormEpsilon: Double
  public var activation: GPT2Activation

  /// Parses `config.json`; `path` is only used in error messages.
  public init(data: Data, path: String) throws {
    try self.init(
      object: try parseConfigObject([UInt8](data), path: path + "/config.json"), path: path)
  }

  /// Checks a parsed `config.json`.
  public init(object root: [String: Any], path: String) throws {
    func fail(_ field: String, _ reason: String) -> ModelError {
      .badModel(path: path, reason: "config.json field \"\(field)\" \(reason)")
    }
    guard let modelType = root["model_type"] as? String else {
      throw fail("model_type", "is missing; a GPT-2 config says \"model_type\": \"gpt2\"")
    }
    guard modelType == "gpt2" else {
      throw fail("model_type", "is \"\(modelType)\", but this loader reads \"gpt2\" models only")
    }
    func integer(_ field: String, fallback: String? = nil) throws -> Int {
      let value = root[field] ?? fallback.flatMap { root[$0] }
      guard let value else { throw fail(field, "is missing") }
      guard let number = value as? NSNumber, isNumberNotBool(value),
        let int = Int(exactly: number.doubleValue), (1...1_000_000).contains(int)
      else { throw fail(field, "must be a whole number from 1 to 1000000, not \(value)") }
      return int
    }
    embeddingSize = try integer("n_embd")
    layers = try integer("n_layer")
    guard layers <= ModelLimits.layers else {
      throw fail(
        "n_layer", "is \(layers); attnviz reads models of at most \(ModelLimits.layers) layers")
    }
    heads = try integer("n_head")
    guard heads <= ModelLimits.heads else {
      throw fail(
        "n_head", "is \(heads); attnviz reads models of at most \(ModelLimits.heads) heads")
    }
    positions = try integer("n_positions", fallback: "n_ctx")
    vocabularySize = try integer("vocab_size")
    guard embeddingSize % heads == 0 else {
      throw fail("n_head", "(\(heads)) must divide n_embd (\(embeddingSize))")
    }
    innerSize =
      root["n_inner"] is NSNull || root["n_inner"] == nil
      ? 4 * embeddingSize : try integer("n_inner")
    layerNormEpsilon = 1e-5
    if let value = root["layer_norm_epsilon"] {
      guard let number = value as? NSNumber, isNumberNotBool(value), number.doubleValue > 0,
        number.doubleValue.isFinite
      else { throw fail("layer_norm_epsilon", "must be a positive number, not \(value)") }
      layerNormEpsilon = number.doubleValue
    }
    let activationName = root["activation_function"] as? String ?? "gelu_new"
    guard let activation = GPT2Activation(rawValue: activationName) else {
      throw fail(
        "activation_function",
        "is \"\(activationName)\"; supported: "
          + GPT2Activation.allCases.map(\.rawValue).joined(separator: ", "))
    }
    self.activation = activation
    // Variants of the attention scale that SelfAttentionLayer (QKᵀ/√D) does not compute.
    if let flag = root["scale_attn_weights"] as? Bool, !flag {
      throw fail("scale_attn_weights", "is false; attnviz computes GPT-2's QKᵀ/√D only")
    }
    if let flag = root["scale_attn_by_inverse_layer_idx"] as? Bool, flag {
      throw fail("scale_attn_by_inverse_layer_idx", "is true; attnviz computes QKᵀ/√D only")
    }
    if let flag = root["add_cross_attention"] as? Bool, flag {
      throw fail("add_cross_attention", "is true; attnviz reads decoder-only GPT-2 models")
    }
  }

  public var headDimension: Int { embeddingSize / heads }
}

/// The MLP's non-linearity. GPT-2 uses `gelu_new`, the tanh approximation of GELU.
public enum GPT2Activation: String, Sendable, CaseIterable {
  /// 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))), as OpenAI's GPT-2 code and HF's `gelu_new`.
  case geluNew = "gelu_new"
  /// The same formula under PyTorch's name.
  case geluPyTorchTanh = "gelu_pytorch_tanh"
  /// Exact GELU: 0.5·x·(1 + erf(x/√2)).
  case gelu = "gelu"
  case relu = "relu"

  public func callAsFunction(_ x: Double) -> Double {
    switch self {
    case .geluNew, .geluPyTorchTanh:
      let inner = (2 / Double.pi).squareRoot() * (x + 0.044715 * x * x * x)
      return 0.5 * x * (1 + tanh(inner))
    case .gelu:
      return 0.5 * x * (1 + erf(x / 2.0.squareRoot()))
    case .relu:
      return max(0, x)
    }
  }
}
