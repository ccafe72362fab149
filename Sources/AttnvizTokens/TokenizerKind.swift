/// How a tokenizer cuts text, as captions and titles name it. Decided by the tokenizer itself
/// (`Tokenizer.kind`), never guessed from a model's name.
public enum TokenizerKind: Sendable, Equatable, Hashable {
  /// Words and punctuation marks (the built-in layer and weights files).
  case words
  /// WordPiece: words, then `##` continuation pieces for words missing from the vocabulary
  /// (BERT, DistilBERT).
  case wordPiece
  /// Byte-level BPE: pieces of the text's bytes, a leading space kept as part of the piece
  /// (GPT-2's `Ġ`; RoBERTa, Qwen, SmolLM2, Llama 3).
  case byteLevelBPE
  /// SentencePiece-style BPE: `▁` marks a space, bytes outside the vocabulary fall back to
  /// `<0xNN>` (Llama 2, Mistral).
  case sentencePiece
  /// BPE over plain text pieces (a tokenizer.json without byte-level or metaspace steps).
  case bpe
  /// SentencePiece unigram: `▁` marks a space, and the text is cut into the vocabulary's pieces
  /// of highest total score (Marian's translators, T5).
  case unigram
}

extension SentencePieceTokenizer {
  public var kind: TokenizerKind { .unigram }
}

extension WordTokenizer {
  public var kind: TokenizerKind { .words }
}

extension BertTokenizer {
  public var kind: TokenizerKind { .wordPiece }
}

extension GPT2Tokenizer {
  public var kind: TokenizerKind { .byteLevelBPE }
}

extension HFTokenizer {
  /// From the model and how its entries spell their bytes.
  public var kind: TokenizerKind {
    switch (model, display) {
    case (.wordPiece, _): .wordPiece
    case (.bpe, .byteLevel): .byteLevelBPE
    case (.bpe, .metaspace): .sentencePiece
    case (.bpe, .plain): .bpe
    case (.unigram, _): .unigram
    }
  }
}
