import AttnvizFiles
import AttnvizTokens
import Foundation

/// Reads `tokenizer_config.json` when the folder has one: `do_lower_case` (default true),
/// `strip_accents` (default: follows lower-casing) and `tokenize_chinese_chars` (default true).
func bertTokenizerOptions(contentsOf path: String) throws -> BertTokenizer.Options {
  var options = BertTokenizer.Options()
  guard (try? BoundedFile.kindOf(path, what: "")) != nil else { return options }
  let root = try readConfigObject(path)
  func flag(_ field: String) throws -> Bool? {
    guard let value = root.given(field) else { return nil }
    guard let flag = value.bool else {
      throw ModelError.badModel(
        path: path, reason: "field \"\(field)\" must be true, false or null")
    }
    return flag
  }
  options.lowercase = try flag("do_lower_case") ?? true
  options.stripAccents = try flag("strip_accents")
  options.splitChineseCharacters = try flag("tokenize_chinese_chars") ?? true
  return options
}
