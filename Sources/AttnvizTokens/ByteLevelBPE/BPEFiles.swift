import AttnvizFiles
import Foundation

/// Reading `vocab.json` and `merges.txt`, strictly: every error names the file and the line, so
/// a truncated download or a wrong file is found at once. Both are read as bytes, vocab.json by
/// the one JSON parser (`JSONValue`), merges.txt line by line.
enum BPEFiles {
  static func readBytes(_ path: String) throws -> [UInt8] {
    do {
      return try BoundedFile.read(
        path, what: BoundedFile.name(path), limit: FileLimits.vocabularyFile)
    } catch let error as FileReadError {
      throw TokenizerError.malformedVocabulary(file: path, reason: error.reason)
    }
  }

  /// vocab.json: one JSON object from token (in `ByteLevelAlphabet`) to a non-negative id.
  static func readVocabulary(_ path: String) throws -> VocabularyJSON {
    do {
      let vocabulary = try VocabularyJSON(try readBytes(path))
      guard vocabulary.count > 0 else { throw VocabularyJSON.Failure.notAnObject }
      return vocabulary
    } catch let failure as VocabularyJSON.Failure {
      let reason: String
      switch failure {
      case .notAnObject:
        reason = "must be a JSON object from tokens to ids, e.g. {\"Ġthe\": 262}"
      case .json(let problem):
        reason = problem.description
      case .badID(let line, let key):
        reason = "line \(line): the id of \"\(key)\" must be a whole number ≥ 0"
      }
      throw TokenizerError.malformedVocabulary(file: path, reason: reason)
    }
  }

  /// The lines of a file's bytes, split at "\n" with a trailing "\r" removed (CRLF files read
  /// like LF files).
  static func lines(_ bytes: [UInt8]) -> [ArraySlice<UInt8>] {
    bytes.split(separator: 0x0A, omittingEmptySubsequences: false).map {
      $0.last == 0x0D ? $0.dropLast() : $0
    }
  }

  /// The vocabulary of a `[String: Int]`, as `VocabularyJSON` would read it.
  static func vocabulary(_ table: [String: Int]) -> VocabularyJSON {
    var vocabulary = VocabularyJSON()
    for (token, id) in table {
      if let bytes = ByteLevelAlphabet.decode(token) { vocabulary.ids[ByteKey(bytes)] = id }
      vocabulary.largestID = max(vocabulary.largestID, id)
    }
    vocabulary.count = table.count
    return vocabulary
  }

  static let versionPrefix = Array("#version".utf8)

  /// merges.txt: an optional `#version` line, then one merge per line, "left right", best first.
  /// Both halves and their concatenation must be vocabulary entries, as in every byte-level
  /// BPE file; so BPE never produces a symbol without an id.
  static func parseMerges(
    _ lines: [ArraySlice<UInt8>], ids: [ByteKey: Int], file: String, vocabularyName: String
  ) throws -> [SymbolPair: Merge] {
    var merges: [SymbolPair: Merge] = [:]
    merges.reserveCapacity(lines.count)
    var rank: Int32 = 0
    for (index, line) in lines.enumerated() {
      if line.isEmpty || (index == 0 && line.starts(with: versionPrefix)) { continue }
      func fail(_ reason: String) -> TokenizerError {
        let text = String(decoding: line, as: UTF8.self)
        return .malformedVocabulary(file: file, reason: "line \(index + 1) (\"\(text)\") \(reason)")
      }
      guard let space = line.firstIndex(of: 0x20) else {
        throw fail("must be two symbols separated by one space, e.g. \"Ġ t\"")
      }
      let left = line[..<space]
      let right = line[(space + 1)...]
      guard !left.isEmpty, !right.isEmpty, !right.contains(0x20) else {
        throw fail("must be two symbols separated by one space, e.g. \"Ġ t\"")
      }
      guard let leftBytes = alphabetBytes(left), let rightBytes = alphabetBytes(right) else {
        throw fail("is not UTF-8 text in GPT-2's byte alphabet")
      }
      func unlisted(_ symbol: ArraySlice<UInt8>) -> TokenizerError {
        fail(
          "uses \"\(String(decoding: symbol, as: UTF8.self))\", which \(vocabularyName) does not list"
        )
      }
      guard let leftID = ids[ByteKey(leftBytes)] else { throw unlisted(left) }
      guard let rightID = ids[ByteKey(rightBytes)] else { throw unlisted(right) }
      guard let mergedID = ids[ByteKey(leftBytes + rightBytes)] else {
        throw unlisted(left + right)
      }
      guard let merged = Int32(exactly: mergedID) else {
        throw fail("has an id too large for a vocabulary")
      }
      // A repeated pair takes its last rank, as `dict(zip(merges, range(len(merges))))` in
      // OpenAI's encoder.py does.
      merges[SymbolPair(left: leftID, right: rightID)] = Merge(rank: rank, merged: merged)
      rank += 1
    }
    return merges
  }

  /// The bytes a UTF-8 symbol written in `ByteLevelAlphabet` stands for, or nil.
  static func alphabetBytes(_ utf8: ArraySlice<UInt8>) -> [UInt8]? {
    var out: [UInt8] = []
    out.reserveCapacity(utf8.count)
    var i = utf8.startIndex
    while i < utf8.endIndex {
      guard let (scalar, length) = decodeUTF8(utf8, at: i),
        let byte = ByteLevelAlphabet.byte(for: scalar)
      else { return nil }
      out.append(byte)
      i += length
    }
    return out
  }
}
