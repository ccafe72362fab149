import AttnvizFiles
import Foundation

/// Reads a JSON object from a model folder's `config.json` (or `tokenizer_config.json`), with a
/// message for each way it can be broken: missing, not a regular file, too large, not JSON,
/// nested too deep, a repeated key, or a top-level value that is not an object.
public func readConfigObject(_ path: String) throws -> [String: Any] {
  let bytes: [UInt8]
  do {
    // Named by its file name in messages: config.json, tokenizer_config.json, the shard index.
    bytes = try BoundedFile.read(path, what: BoundedFile.name(path), limit: FileLimits.configFile)
  } catch let error as FileReadError {
    throw ModelError.badModel(path: path, reason: error.reason)
  }
  return try parseConfigObject(bytes, path: path)
}

/// The parsing half of `readConfigObject`, for bytes already read.
public func parseConfigObject(_ bytes: [UInt8], path: String) throws -> [String: Any] {
  func fail(_ reason: String) -> ModelError { .badModel(path: path, reason: reason) }
  let structure: JSONStructure
  do {
    structure = try JSONStructure(bytes)
  } catch JSONStructure.Problem.syntax {
    throw fail("is not valid JSON: \(jsonParserDetail(bytes)); is the download complete?")
  } catch {
    throw fail("\(error)")
  }
  guard structure.topLevel == .object else {
    throw fail("holds \(structure.topLevel.phrase) at the top, not a JSON object {…}")
  }
  guard let object = try? JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any] else {
    throw fail("is not valid JSON: \(jsonParserDetail(bytes)); is the download complete?")
  }
  return object
}

/// Foundation's own account of where JSON is broken ("Unexpected end of file at line 3").
func jsonParserDetail(_ bytes: [UInt8]) -> String {
  do {
    _ = try JSONSerialization.jsonObject(with: Data(bytes), options: [.fragmentsAllowed])
    return "unexpected content"
  } catch {
    let detail = (error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String
    return detail.map { String($0.prefix(120)) } ?? "unexpected content"
  }
}

extension JSONStructure.TopLevel {
  var phrase: String {
    switch self {
    case .object: "an object"
    case .array: "an array [...]"
    case .string: "a string"
    case .number: "a number"
    case .literal: "a literal (true, false or null)"
    case .empty: "nothing (the file is empty)"
    }
  }
}
