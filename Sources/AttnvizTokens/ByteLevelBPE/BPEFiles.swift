import Foundation

/// Reading `vocab.json` and `merges.txt`, strictly: every error names the file and, for
/// merges.txt, the line, so a truncated download or a wrong file is found at once.
enum BPEFiles {
  static func readData(_ path: String) throws -> Data {
    guard let data = FileManager.default.contents(atPath: path) else {
      throw TokenizerError.malformedVocabulary(file: path, reason: "cannot be read; check the path")
    }
    return data
  }

  /// vocab.json: one JSON object from token (in `ByteLevelAlphabet`) to a non-negative id.
  static func readVocabulary(_ path: String) throws -> [String: Int] {
    let data = try readData(path)
    let object: Any
    do {
      object = try JSONSerialization.jsonObject(with: data)
    } catch {
      throw TokenizerError.malformedVocabulary(
        file: path, reason: "is not valid JSON (\(error.localizedDescription))")
    }
    guard let entries = object as? [String: Any], !entries.isEmpty else {
      throw TokenizerError.malformedVocabulary(
        file: path, reason: "must be a JSON object from tokens to ids, e.g. {\"Ġthe\": 262}")
    }
    var vocabulary: [String: Int] = [:]
    vocabulary.reserveCapacity(entries.count)
    for (token, value) in entries {
      guard let number = value as? NSNumber, String(cString: number.objCType) != "c",
        let id = Int(exactly: number.doubleValue), id >= 0
      else {
        throw TokenizerError.malformedVocabulary(
          file: path, reason: "the id of \"\(token)\" must be a whole number ≥ 0, not \(value)")
      }
      vocabulary[token] = id
    }
    return vocabulary
  }

  static func readLines(_ path: String) throws -> [Substring] {
    let data = try readData(path)
    guard let text = String(data: data, encoding: .utf8) else {
      throw TokenizerError.malformedVocabulary(file: path, reason: "is not UTF-8 text")
    }
    // By Character, "\r\n" is one newline: CRLF files read like LF files.
    return text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline)
  }

  /// merges.txt: an optional `#version` line, then one merge per line, "left right", best first.
  /// Both halves and their concatenation must be vocabulary entries, as in every byte-level
  /// BPE file; so BPE never produces a symbol without an id.
  static func parseMerges(
    _ lines: [Substring], vocabulary: [String: Int], file: String, vocabularyName: String
  ) throws -> [SymbolPair: Merge] {
    var merges: [SymbolPair: Merge] = [:]
    merges.reserveCapacity(lines.count)
    var rank: Int32 = 0
    for (index, line) in lines.enumerated() {
      if line.isEmpty || (index == 0 && line.hasPrefix("#version")) { continue }
      func fail(_ reason: String) -> TokenizerError {
        .malformedVocabulary(file: file, reason: "line \(index + 1) (\"\(line)\") \(reason)")
      }
      let parts = line.split(separator: " ", omittingEmptySubsequences: false)
      guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
        throw fail("must be two symbols separated by one space, e.g. \"Ġ t\"")
      }
      let left = String(parts[0])
      let right = String(parts[1])
      for symbol in [left, right, left + right] where vocabulary[symbol] == nil {
        throw fail("uses \"\(symbol)\", which \(vocabularyName) does not list")
      }
      guard let leftID = vocabulary[left], let rightID = vocabulary[right],
        let mergedID = vocabulary[left + right], let merged = Int32(exactly: mergedID)
      else { throw fail("has an id too large for a vocabulary") }
      let pair = SymbolPair(left: leftID, right: rightID)
      // A repeated pair takes its last rank, as `dict(zip(merges, range(len(merges))))` in
      // OpenAI's encoder.py does.
      merges[pair] = Merge(rank: rank, merged: merged)
      rank += 1
    }
    return merges
  }
}
