import AttnvizFiles

/// Reads a JSON object from a model folder's `config.json` (or `tokenizer_config.json`, the
/// shard index), with a message for each way it can be broken: missing, not a regular file, too
/// large, not JSON, nested too deep, a repeated key, or a top-level value that is not an object.
public func readConfigObject(_ path: String) throws -> JSONValue {
  let bytes: [UInt8]
  do {
    // Named by its file name in messages: config.json, tokenizer_config.json, the shard index.
    bytes = try BoundedFile.read(path, what: BoundedFile.name(path), limit: FileLimits.configFile)
  } catch let error as FileReadError {
    throw ModelError.badModel(path: path, reason: error.reason)
  }
  return try parseConfigObject(bytes, path: path)
}

/// The parsing half of `readConfigObject`, for bytes already read: an object, or an error.
public func parseConfigObject(_ bytes: [UInt8], path: String) throws -> JSONValue {
  func fail(_ reason: String) -> ModelError { .badModel(path: path, reason: reason) }
  let root: JSONValue
  do {
    root = try JSONValue(parsing: bytes)
  } catch let problem as JSONProblem {
    guard case .syntax = problem else { throw fail("\(problem)") }
    guard bytes.contains(where: { ![0x20, 0x0A, 0x0D, 0x09].contains($0) }) else {
      throw fail("holds nothing (the file is empty) at the top, not a JSON object {…}")
    }
    throw fail("\(problem); is the download complete?")
  } catch {
    throw fail("\(error)")
  }
  guard root.object != nil else {
    throw fail("holds \(root.phrase) at the top, not a JSON object {…}")
  }
  return root
}

extension JSONValue {
  /// The value's kind as a config message says it ("holds an array [...] at the top").
  var phrase: String {
    switch self {
    case .object: "an object"
    case .array: "an array [...]"
    case .string: "a string"
    case .number, .integer: "a number"
    case .bool, .null: "a literal (true, false or null)"
    }
  }
}
