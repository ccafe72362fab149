/// The GGUF tokenizers llama.cpp reads that have no `tokenizer.json` shape of their own in
/// transformers' GGUF loader: `bert` (llama.cpp's WPM) and `gemma4` (`t5` is in
/// `HFTokenizer+GGUFUnigram.swift`). Both are built from the same
/// components as a `tokenizer.json`, following llama.cpp's `llama-vocab.cpp`, and checked against
/// llama.cpp's own test files (`ggml-vocab-bert-bge.gguf`, `ggml-vocab-gemma-4.gguf` with their
/// `.inp`/`.out`; `LlamaCppVocabularyTests`).
extension HFTokenizer {
  /// The `tokenizer.ggml.model` values attnviz reads, as a type: what a vocabulary is decided
  /// once, here, not by comparing names where it is built.
  enum GGUFTokenizerModel: String, CaseIterable {
    /// Byte-level BPE (GPT-2's alphabet) over `tokens` and `merges`.
    case gpt2
    /// SentencePiece-style BPE with `▁` for spaces, merges listed or derived from scores.
    case llama
    /// WordPiece: llama.cpp's converter writes a word's first piece with a leading `▁` and a
    /// continuation piece bare (`▁play`, `ing` for BERT's `play`, `##ing`).
    case bert
    /// Gemma 4's BPE on raw UTF-8: spaces as `▁`, the text cut into lines and runs of newlines,
    /// `<0xXX>` byte tokens for what no token spells, BOS always in front.
    case gemma4
    /// SentencePiece Unigram (llama.cpp's UGM: T5, mT5, XLM-R): the precompiled character map,
    /// `▁` for spaces, the best-scoring spelling; EOS after the text.
    case t5

    /// Whether the tokens are spelled in GPT-2's byte alphabet.
    var isByteLevel: Bool { self == .gpt2 }
    /// Whether BOS goes in front when `add_bos_token` is not given (llama.cpp's defaults).
    var addsBOSByDefault: Bool { self == .llama || self == .gemma4 }
    /// Whether EOS goes after when `add_eos_token` is not given (llama.cpp's defaults).
    var addsEOSByDefault: Bool { self == .t5 }
  }

  /// The tokens of a `bert` vocabulary as attnviz's WordPiece looks them up: `▁play` → `play`
  /// (a word's first piece), `ing` → `##ing` (a continuation); control, unknown and unused tokens
  /// (`[CLS]`, `[UNK]`) as they are.
  static func ggufWordPieceSpellings(_ gguf: GGUFMetadata) -> [String] {
    let types = gguf.tokenTypes ?? []
    return gguf.tokens.enumerated().map { id, token in
      let type = types.indices.contains(id) ? types[id] : GGUFTokenType.normal.rawValue
      guard type == GGUFTokenType.normal.rawValue || type == GGUFTokenType.userDefined.rawValue
      else { return token }
      if token.unicodeScalars.first == "\u{2581}", token.unicodeScalars.count > 1 {
        return String(token.unicodeScalars.dropFirst())
      }
      return "##" + token
    }
  }

  /// llama.cpp's WPM tokenizer (`llm_tokenizer_wpm_session`): BERT's cleaning, lower-casing and
  /// accent stripping, words split at whitespace, punctuation and CJK characters, then the
  /// longest pieces from the left, a word that cannot be spelled whole the unknown token. That
  /// is Hugging Face's BERT tokenizer on the vocabulary re-spelled with `##`.
  static func ggufWordPiece(_ gguf: GGUFMetadata, vocabulary: [String])
    throws(GGUFTokenizerError) -> GGUFParts
  {
    guard let unknown = unknownToken(gguf) else {
      throw GGUFTokenizerError(
        key: "tokenizer.ggml.unknown_token_id",
        reason: "must be the id of one of the \(gguf.tokens.count) tokens for a bert vocabulary")
    }
    let wordPiece: WordPiece
    do {
      wordPiece = try WordPiece(
        vocabulary: vocabulary.enumerated().map { ($0.element, $0.offset) },
        unknownToken: unknown)
    } catch {
      throw GGUFTokenizerError(
        key: "tokenizer.ggml.tokens", reason: "do not form a WordPiece vocabulary: \(error)")
    }
    return GGUFParts(
      vocabulary: vocabulary, model: .wordPiece(wordPiece),
      normalizer: .bert(
        cleanText: true, handleChineseCharacters: true, stripAccents: nil,
        lowercase: gguf.lowercase ?? true),
      preTokenizer: .bert)
  }

  /// llama.cpp's `gemma4` tokenizer (`LLAMA_VOCAB_PRE_TYPE_GEMMA4`): spaces become `▁`, the text
  /// is cut into lines and runs of newlines (`[^\n]+|[\n]+`), each cut is merged by the file's
  /// merges on its UTF-8 characters, and a piece no token spells becomes its `<0xXX>` byte
  /// tokens. No space is put in front.
  static func ggufGemma4(_ gguf: GGUFMetadata, vocabulary: [String])
    throws(GGUFTokenizerError) -> GGUFParts
  {
    guard let lines = gguf.merges else {
      throw GGUFTokenizerError(
        key: "tokenizer.ggml.merges", reason: "is missing; a gemma4 tokenizer needs its merges")
    }
    let bpe: BPE
    let split: SplitRegex
    do {
      split = try SplitRegex("[^\\n]+|[\\n]+")
      bpe = try BPE(
        vocabulary: vocabulary.enumerated().map { ($0.element, $0.offset) },
        merges: try ggufMerges(lines), unknownToken: unknownToken(gguf), fuseUnknown: false,
        byteFallback: true)
    } catch let error as GGUFTokenizerError {
      throw error
    } catch {
      throw GGUFTokenizerError(
        key: "tokenizer.ggml.tokens", reason: "do not form a BPE vocabulary: \(error)")
    }
    return GGUFParts(
      vocabulary: vocabulary, model: .bpe(bpe),
      normalizer: .replace(SplitRegex(literal: " "), "\u{2581}"),
      preTokenizer: .split(split, .isolated, invert: false), display: .metaspace("\u{2581}"))
  }
}
