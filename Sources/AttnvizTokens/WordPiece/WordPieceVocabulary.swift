import AttnvizFiles
import Foundation

/// A BERT `vocab.txt`: one token per line, the id being the line number from 0.
///
/// Look-ups compare Unicode scalars exactly, as Python does. (Swift's `String ==` treats
/// canonically equivalent strings as equal, which would merge "é" and "e" + U+0301 if a
/// vocabulary held both.)
public struct WordPieceVocabulary: Sendable {
  /// Token text by id.
  public let tokens: [String]
  private let ids: [ByteKey: Int]
  /// The longest entry, in scalars.
  public let longestEntry: Int

  /// Builds the vocabulary from tokens in id order. A token listed twice keeps its last id, as
  /// Hugging Face's `load_vocab` does.
  public init(tokens: [String]) {
    self.tokens = tokens
    var ids: [ByteKey: Int] = [:]
    ids.reserveCapacity(tokens.count)
    for (id, token) in tokens.enumerated() { ids[ByteKey(token)] = id }
    self.ids = ids
    longestEntry = tokens.map(\.unicodeScalars.count).max() ?? 0
  }

  /// Reads a `vocab.txt`: lines end with "\n" (a "\r" before it is dropped too).
  public init(contentsOf path: String) throws {
    let data: [UInt8]
    do {
      data = try BoundedFile.read(
        path, what: BoundedFile.name(path), limit: FileLimits.vocabularyFile)
    } catch let error as FileReadError {
      throw TokenizerError.malformedVocabulary(file: path, reason: error.reason)
    }
    guard let text = String(validating: data, as: UTF8.self) else {
      throw TokenizerError.malformedVocabulary(file: path, reason: "is not UTF-8 text")
    }
    var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { line in
      line.hasSuffix("\r") ? String(line.dropLast()) : String(line)
    }
    if lines.last == "" { lines.removeLast() }
    guard !lines.isEmpty else {
      throw TokenizerError.malformedVocabulary(file: path, reason: "is empty")
    }
    self.init(tokens: lines)
  }

  public var count: Int { tokens.count }

  public func id(of token: String) -> Int? { ids[ByteKey(token)] }

  public func token(for id: Int) -> String? { tokens.indices.contains(id) ? tokens[id] : nil }

  func id(of scalars: String.UnicodeScalarView) -> Int? {
    ids[ByteKey(String(scalars))]
  }
}
