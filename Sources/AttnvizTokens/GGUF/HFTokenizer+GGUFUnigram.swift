/// The GGUF `t5` tokenizer: SentencePiece Unigram as llama.cpp's converter writes it
/// (`T5Model.set_vocab`: the pieces, their scores and types, `precompiled_charsmap`,
/// `add_space_prefix`, `remove_extra_whitespaces`) and as the `sentencepiece` library runs it on
/// the original `.model` file — the same normaliser and Viterbi segmentation as attnviz's `.spm`
/// reader (`SentencePieceNormalizer`, `UnigramModel`), checked against sentencepiece's ids on a
/// vocabulary converted from a real model (`GGUFUnigramTests`).
extension HFTokenizer {
  /// llama.cpp's UGM tokenizer (`llm_tokenizer_ugm`), with sentencepiece's rules where the two
  /// differ:
  ///
  /// - the text is normalised by the precompiled character map (longest rule first), leading,
  ///   trailing and repeated spaces are removed when `remove_extra_whitespaces` says so, `▁` is
  ///   put in front when `add_space_prefix` does (llama.cpp puts it there whenever spaces are
  ///   removed, sentencepiece only when asked), spaces become `▁`;
  /// - the spelling whose float32 piece scores add up highest wins; a character no piece starts
  ///   with is the unknown token (score: lowest normal score − 10), a run of them one unknown
  ///   token, or its `<0xNN>` byte tokens when the vocabulary has byte pieces (sentencepiece's
  ///   byte fallback; llama.cpp has none); unused pieces are never chosen, user-defined ones
  ///   score length × the highest score − 0.1 (llama.cpp: 0);
  /// - control and user-defined tokens are cut out of the raw text first, as llama.cpp and
  ///   Hugging Face's T5 tokenizer do, and the text after each gets its own `▁`;
  /// - EOS goes after the text and no BOS in front unless `add_eos_token` / `add_bos_token` say
  ///   otherwise (llama.cpp's defaults for UGM).
  ///
  ///     "Hello  world" → ▁Hello ▁world </s>
  static func ggufUnigram(_ gguf: GGUFMetadata, vocabulary: [String])
    throws(GGUFTokenizerError) -> GGUFParts
  {
    guard let scores = gguf.scores, scores.count == vocabulary.count else {
      throw GGUFTokenizerError(
        key: "tokenizer.ggml.scores", reason: "must give one score per token for a t5 vocabulary")
    }
    if let bad = scores.firstIndex(where: { !$0.isFinite }) {
      throw GGUFTokenizerError(
        key: "tokenizer.ggml.scores",
        reason: "has the score \(scores[bad]) for token \(bad); scores must be finite numbers, "
          + "as they choose the segmentation")
    }
    let types = gguf.tokenTypes ?? []
    func type(_ id: Int) -> GGUFTokenType? {
      types.indices.contains(id) ? GGUFTokenType(rawValue: types[id]) : .normal
    }
    // llama.cpp's default unknown id for t5 is 2; a file that says otherwise names its own.
    let unknownID = gguf.unknownID ?? 2
    guard vocabulary.indices.contains(unknownID) else {
      throw GGUFTokenizerError(
        key: "tokenizer.ggml.unknown_token_id",
        reason: "must be the id of one of the \(vocabulary.count) tokens for a t5 vocabulary")
    }
    var charsMap: PrecompiledCharsMap?
    if let blob = gguf.precompiledCharsMap, !blob.isEmpty {
      do {
        charsMap = try PrecompiledCharsMap(blob)
      } catch {
        throw GGUFTokenizerError(key: "tokenizer.ggml.precompiled_charsmap", reason: error.reason)
      }
    }
    var pieces: [(token: String, score: Float, kind: UnigramModel.Kind?)] = []
    pieces.reserveCapacity(vocabulary.count)
    var hasBytes = false
    for (id, token) in vocabulary.enumerated() {
      let kind: UnigramModel.Kind?
      switch type(id) {
      case .normal: kind = .normal
      case .userDefined: kind = .userDefined
      case .unused: kind = .unused
      case .byte:
        hasBytes = true
        kind = nil
      case .unknown, .control, nil: kind = nil
      }
      pieces.append((token, scores[id], kind))
    }
    let normalizer = SentencePieceNormalizer(
      charsMap: charsMap, addDummyPrefix: gguf.addSpacePrefix ?? false,
      removeExtraWhitespaces: gguf.removeExtraWhitespaces ?? false)
    return GGUFParts(
      vocabulary: vocabulary,
      model: .unigram(Unigram(sentencePiece: pieces, unknownID: unknownID, byteFallback: hasBytes)),
      normalizer: .sentencePiece(normalizer), preTokenizer: nil, display: .metaspace("\u{2581}"))
  }
}
