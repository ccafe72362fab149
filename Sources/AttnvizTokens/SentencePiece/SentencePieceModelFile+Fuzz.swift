extension SentencePieceModelFile {
  /// Texts the fuzzed tokenizers encode: words, runs of spaces, tabs and newlines, characters
  /// no small vocabulary holds, compatibility characters a normaliser rewrites, invalid UTF-8 is
  /// impossible in a Swift String but a lone combining mark is not.
  static let fuzzTexts = [
    "The cat sat on the mat.", "  two  spaces\tand\n東京 🍣 ＡＢ ﬁne \u{301}e", "",
  ]

  /// What the `FuzzSentencePiece` target (Fuzz/) runs on any bytes, and the test suite on its
  /// seeds and findings: the `.spm` file is parsed, the tokenizer built (its precompiled
  /// character map checked) and `fuzzTexts` encoded. Traps (precondition) when a token's id is
  /// not a piece or its source range lies outside the text. Returns a count.
  public static func fuzz(_ bytes: [UInt8]) -> Int {
    guard let file = try? SentencePieceModelFile(bytes: bytes),
      let tokenizer = try? SentencePieceTokenizer(file: file)
    else { return 0 }
    var count = 0
    for text in fuzzTexts {
      guard let tokens = try? tokenizer.tokenize(text) else { continue }
      let size = text.utf8.count
      for token in tokens {
        precondition(token.id.map { file.pieces.indices.contains($0) } ?? false, "id out of range")
        precondition(token.sourceRange.map { $0.upperBound <= size } ?? true, "range outside")
      }
      count += tokens.count + tokenizer.decode(tokens.compactMap(\.id)).count
    }
    return count
  }
}
