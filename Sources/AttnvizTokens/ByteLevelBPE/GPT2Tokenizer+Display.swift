import AttnvizStyle

extension GPT2Tokenizer {
  /// How attnviz shows a GPT-2 token in tables and figures: its bytes through
  /// `TokenDisplay.visible`, the one rule every tokenizer's labels follow (tokenizer.json's
  /// byte-level, `▁` and WordPiece tokens too), built from `visible(_:)` below, which
  /// defers to AttnvizStyle's `visibleText(of:)`, the label rule of every output.
  ///
  /// The token's bytes are decoded as UTF-8 and made visible:
  /// - a space is shown as `·` (U+00B7 MIDDLE DOT): `Ġanimal` → `·animal`, `ĠĠ` → `··`. A
  ///   plain leading space would vanish in a figure's axis labels, and `Ġ` means nothing to a
  ///   reader who has not met byte-level BPE;
  /// - newline, tab and carriage return as `\n`, `\t`, `\r`; other invisible characters
  ///   (controls, format characters like U+200B, other spaces like U+00A0) as `<U+200B>`;
  /// - a token starting with a combining mark gets `◌` (U+25CC) to sit on, as in Unicode charts;
  /// - bytes that are not a whole UTF-8 character on their own (half an emoji) as `<0xF0>`.
  ///
  ///     displayText("Ġworld") == "·world"      displayText("ĊĊ") == "\\n\\n"
  ///     displayText("ðŁ") == "<0xF0><0x9F>"
  ///
  /// A string that is not written in `ByteLevelAlphabet` (a special token) is returned as is.
  /// Compare tokens by `Piece.raw` or id, never by this text: it is for people.
  public static func displayText(_ rawToken: String) -> String {
    guard let bytes = ByteLevelAlphabet.decode(rawToken) else { return rawToken }
    return TokenDisplay.visible(bytes)
  }

  /// A decoded scalar: the space as `·`, everything else by the shared label rule.
  static func visible(_ scalar: Unicode.Scalar) -> String {
    scalar == " " ? "\u{00B7}" : visibleText(of: scalar)
  }
}
