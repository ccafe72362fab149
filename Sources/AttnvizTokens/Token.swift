/// One token as a model sees it and a figure shows it.
public struct Token: Sendable, Equatable, Hashable {
  /// The token as displayed (case kept; byte-level `Ġ` and SentencePiece `▁` already shown as
  /// `·`, by `TokenDisplay`).
  public var text: String
  /// The vocabulary id, for tokenizers that have a vocabulary.
  public var id: Int?
  /// `[CLS]`, `[SEP]`, `<|endoftext|>`, `<|im_start|>` and the like: added by the tokenizer, or
  /// a special token typed in the text and kept whole (GPT-2's and tokenizer.json's readers).
  public var isSpecial: Bool
  /// Where the token came from in the input, as UTF-8 byte offsets (nil for special tokens).
  public var sourceRange: Range<Int>?

  public init(
    _ text: String, id: Int? = nil, isSpecial: Bool = false, sourceRange: Range<Int>? = nil
  ) {
    self.text = text
    self.id = id
    self.isSpecial = isSpecial
    self.sourceRange = sourceRange
  }
}

/// Turns text into tokens. Errors are `TokenizerError`.
public protocol Tokenizer: Sendable {
  func tokenize(_ text: String) throws -> [Token]
  /// How it cuts text (TokenizerKind.swift), for captions and titles.
  var kind: TokenizerKind { get }
}

public enum TokenizerError: Error, Equatable, CustomStringConvertible {
  case emptyText
  case malformedVocabulary(file: String, reason: String)

  /// The same error naming `file` (parts built before the file name is known leave it empty).
  func naming(_ file: String) -> TokenizerError {
    if case .malformedVocabulary(_, let reason) = self {
      return .malformedVocabulary(file: file, reason: reason)
    }
    return self
  }

  public var description: String {
    switch self {
    case .emptyText: "the text has no tokens; give a sentence, e.g. attnviz \"The cat sat.\""
    case .malformedVocabulary(let file, let reason): "cannot read tokenizer file \(file): \(reason)"
    }
  }
}
