import AttnvizFiles
import AttnvizMath
import AttnvizTokens
import Foundation

/// A self-attention layer defined exactly by a hand-written JSON file, so a lecturer can build an
/// example students can compute by hand:
///
///     {"d_model": 2, "heads": 1, "positional_encoding": "none",
///      "embeddings": {"the": [1, 0], "cat": [0, 1], "sat": [1, 1]},
///      "unknown": [0, 0],
///      "wq": [[1, 0], [0, 1]], "wk": [[1, 0], [0, 1]], "wv": [[1, 0], [0, 1]],
///      "wo": [[1, 0], [0, 1]]}
///
/// Fields: `d_model`, `heads`, `embeddings`, `wq`, `wk`, `wv` are required; `positional_encoding`
/// ("none" | "sinusoidal", default "sinusoidal"), `unknown`, `wo` (default identity) and `causal`
/// (default false) are optional. Matrices are d_model×d_model, row-vector convention. Embeddings
/// are looked up by lower-cased token. Unknown fields are errors, so a typo is never ignored.
public typealias WeightsFileModel = SingleLayerModel

extension SingleLayerModel {
  static let knownFields: Set<String> = [
    "d_model", "heads", "positional_encoding", "embeddings", "unknown", "wq", "wk", "wv", "wo",
    "causal",
  ]

  /// Loads and validates `path`. `causal` overrides the file's own `causal` when true.
  public init(contentsOf path: String, causal: Bool = false) throws {
    let bytes: [UInt8]
    do {
      bytes = try BoundedFile.read(
        path, what: "the weights file", limit: FileLimits.weightsFile, source: .fileOrPipe)
    } catch let error as FileReadError {
      throw ModelError.badWeightsFile(file: path, field: "", reason: error.reason)
    }
    try self.init(data: Data(bytes), name: path, causal: causal)
  }

  public init(data: Data, name: String, causal forceCausal: Bool = false) throws {
    // The one strict parser: a repeated key, bad syntax or deep nesting is refused with the line.
    let root: JSONValue
    do {
      root = try JSONValue(parsing: [UInt8](data))
    } catch {
      throw ModelError.badWeightsFile(file: name, field: "", reason: "\(error)")
    }
    guard let members = root.object else {
      throw ModelError.badWeightsFile(file: name, field: "", reason: "must be a JSON object")
    }
    let reader = FieldReader(file: name, root: root)
    if let stray = members.map(\.key).sorted().first(where: { !Self.knownFields.contains($0) }) {
      throw ModelError.badWeightsFile(
        file: name, field: stray,
        reason:
          "is not a known field; known fields are \(Self.knownFields.sorted().joined(separator: ", "))"
      )
    }
    let d = try reader.positiveInteger("d_model")
    let heads = try reader.positiveInteger("heads")
    guard d % heads == 0 else {
      throw ModelError.badWeightsFile(
        file: name, field: "heads", reason: "(\(heads)) must divide d_model (\(d))")
    }
    let usesPositionalEncoding: Bool
    switch root["positional_encoding"] {
    case nil, .string("sinusoidal"): usesPositionalEncoding = true
    case .string("none"): usesPositionalEncoding = false
    default:
      throw ModelError.badWeightsFile(
        file: name, field: "positional_encoding", reason: "must be \"none\" or \"sinusoidal\"")
    }
    let table = try reader.embeddings(dimension: d)
    let unknown = try root["unknown"].map { try reader.vector($0, field: "unknown", length: d) }
    let wq = try reader.matrix("wq", size: d)
    let wk = try reader.matrix("wk", size: d)
    let wv = try reader.matrix("wv", size: d)
    let wo = try root["wo"] == nil ? Matrix.identity(d) : reader.matrix("wo", size: d)
    var causal = forceCausal
    if let flag = root["causal"] {
      guard let value = flag.bool else {
        throw ModelError.badWeightsFile(
          file: name, field: "causal", reason: "must be true or false")
      }
      causal = causal || value
    }
    var info = ModelInfo(
      name: URL(fileURLWithPath: name).lastPathComponent, family: .weightsFile, layers: 1,
      heads: heads, dModel: d, causal: causal)
    info.positions = usesPositionalEncoding ? .sinusoidal : .none
    info.hasFeedForward = false
    info.checkpoint = CheckpointFingerprint(
      bytes: data.count, scope: .wholeFile, hashing: [UInt8](data))
    self.init(
      info: info,
      layer: AttentionLayerWeights(wq: wq, wk: wk, wv: wv, wo: wo, heads: heads, causal: causal),
      embeddings: .table(table, unknown: unknown, file: name),
      usesPositionalEncoding: usesPositionalEncoding)
  }
}

/// Reads typed, validated fields out of a parsed JSON object, naming the field on every error.
struct FieldReader {
  let file: String
  let root: JSONValue

  func fail(_ field: String, _ reason: String) -> ModelError {
    .badWeightsFile(file: file, field: field, reason: reason)
  }

  func positiveInteger(_ field: String) throws -> Int {
    guard let value = root[field] else { throw fail(field, "is missing") }
    guard let number = value.number, let int = Int(exactly: number), int >= 1, int <= 4096
    else { throw fail(field, "must be a whole number from 1 to 4096") }
    return int
  }

  /// A number of the file (the parser admits only finite ones).
  func number(_ value: JSONValue, field: String) throws -> Double {
    guard let number = value.number else { throw fail(field, "must hold numbers only") }
    return number
  }

  func vector(_ value: JSONValue, field: String, length: Int) throws -> [Double] {
    guard let array = value.array else {
      throw fail(field, "must be an array of \(length) numbers")
    }
    guard array.count == length else {
      throw fail(field, "has \(array.count) numbers but d_model is \(length)")
    }
    return try array.map { try number($0, field: field) }
  }

  func matrix(_ field: String, size: Int) throws -> Matrix {
    guard let value = root[field] else {
      throw fail(field, "is missing (a \(size)×\(size) matrix)")
    }
    guard let rows = value.array, rows.count == size else {
      throw fail(field, "must be \(size) rows of \(size) numbers (d_model×d_model)")
    }
    var values: [Double] = []
    for (index, row) in rows.enumerated() {
      values += try vector(row, field: "\(field)[\(index)]", length: size)
    }
    return Matrix(rows: size, columns: size, values: values)
  }

  func embeddings(dimension: Int) throws -> [String: [Double]] {
    guard let value = root["embeddings"] else { throw fail("embeddings", "is missing") }
    guard let object = value.object, !object.isEmpty else {
      throw fail("embeddings", "must be an object from words to vectors, e.g. {\"cat\": [0, 1]}")
    }
    var table: [String: [Double]] = [:]
    for (key, item) in object.map({ ($0.key, $0.value) }).sorted(by: { $0.0 < $1.0 }) {
      let lower = key.lowercased()
      guard table[lower] == nil else {
        throw fail("embeddings.\(key)", "repeats a word already given in another case")
      }
      table[lower] = try vector(item, field: "embeddings.\(key)", length: dimension)
    }
    return table
  }
}
