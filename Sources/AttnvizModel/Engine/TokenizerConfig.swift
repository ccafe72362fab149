import AttnvizTokens
import Foundation

/// Reads `tokenizer_config.json` when the folder has one: `do_lower_case` (default true),
/// `strip_accents` (default: follows lower-casing) and `tokenize_chinese_chars` (default true).
func bertTokenizerOptions(contentsOf path: String) throws -> BertTokenizer.Options {
  var options = BertTokenizer.Options()
  guard FileManager.default.fileExists(atPath: path) else { return options }
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
  guard let data = FileManager.default.contents(atPath: path) else {
    throw ModelError.badModel(path: path, reason: "cannot be read; check the path")
  }
  guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
    throw ModelError.badModel(path: path, reason: "is not a JSON object")
  }
  return object
}
