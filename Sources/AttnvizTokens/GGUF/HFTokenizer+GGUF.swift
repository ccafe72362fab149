/// A key of a GGUF file's `tokenizer.ggml.*` metadata that does not describe a tokenizer attnviz
/// can build: the key and what is wrong with it, as a phrase that reads after the key. The GGUF
/// reader adds the file (`GGUF file m.gguf: key "tokenizer.ggml.model" names …`).
public struct GGUFTokenizerError: Error, Equatable, CustomStringConvertible {
  public var key: String
  public var reason: String

  public init(key: String, reason: String) {
    self.key = key
    self.reason = reason
  }

  public var description: String { "key \"\(key)\" \(reason)" }
}

extension HFTokenizer {
  /// The tokenizer metadata of a GGUF file (`tokenizer.ggml.*`), as the GGUF reader gives it.
  public struct GGUFMetadata: Sendable {
    /// `tokenizer.ggml.model`: `gpt2` (byte-level BPE), `llama` (SentencePiece-style BPE),
    /// `bert` (WordPiece), `gemma4` (BPE on raw UTF-8) or `t5` (SentencePiece Unigram).
    public var model: String?
    /// `general.architecture`: picks the SentencePiece variant (Gemma's), as transformers does.
    public var architecture: String?
    /// `tokenizer.ggml.pre`: names the split regex of byte-level vocabularies (`llama-bpe`,
    /// `qwen2`, …); others (`smollm`, `gpt2`, `default`) use GPT-2's.
    public var pre: String?
    public var tokens: [String]
    /// `tokenizer.ggml.token_type`: 1 normal, 2 unknown, 3 control, 4 user-defined, 6 byte.
    public var tokenTypes: [Int]?
    public var scores: [Float]?
    /// "a b" lines; a `llama` file without them gets merges derived from the scores.
    public var merges: [String]?
    public var bosID: Int?
    public var eosID: Int?
    public var unknownID: Int?
    public var paddingID: Int?
    /// `tokenizer.ggml.add_bos_token`; nil means yes for `llama`, no for `gpt2`.
    public var addBOS: Bool?
    public var addEOS: Bool?
    /// `tokenizer.ggml.add_space_prefix`; nil means yes for `llama`, no for `t5` (llama.cpp's
    /// defaults; its converter always writes it for `t5`).
    public var addSpacePrefix: Bool?
    /// `tokenizer.ggml.remove_extra_whitespaces` of `t5` vocabularies; nil means no.
    public var removeExtraWhitespaces: Bool?
    /// `tokenizer.ggml.precompiled_charsmap` of `t5` vocabularies: SentencePiece's normalisation
    /// rules (`PrecompiledCharsMap`); nil or empty means none.
    public var precompiledCharsMap: [UInt8]?
    /// `tokenizer.ggml.cls_token_id` and `tokenizer.ggml.seperator_token_id` (llama.cpp's
    /// spelling) of `bert` vocabularies: put around the text, as llama.cpp does.
    public var clsID: Int?
    public var separatorID: Int?
    /// `tokenizer.ggml.normalizer.lowercase` of `bert` vocabularies; nil means yes.
    public var lowercase: Bool?

    public init(
      model: String?, architecture: String? = nil, pre: String? = nil, tokens: [String],
      tokenTypes: [Int]? = nil, scores: [Float]? = nil, merges: [String]? = nil,
      bosID: Int? = nil, eosID: Int? = nil, unknownID: Int? = nil, paddingID: Int? = nil,
      addBOS: Bool? = nil, addEOS: Bool? = nil, addSpacePrefix: Bool? = nil,
      clsID: Int? = nil, separatorID: Int? = nil, lowercase: Bool? = nil,
      removeExtraWhitespaces: Bool? = nil, precompiledCharsMap: [UInt8]? = nil
    ) {
      self.model = model
      self.architecture = architecture
      self.pre = pre
      self.tokens = tokens
      self.tokenTypes = tokenTypes
      self.scores = scores
      self.merges = merges
      self.bosID = bosID
      self.eosID = eosID
      self.unknownID = unknownID
      self.paddingID = paddingID
      self.addBOS = addBOS
      self.addEOS = addEOS
      self.addSpacePrefix = addSpacePrefix
      self.clsID = clsID
      self.separatorID = separatorID
      self.lowercase = lowercase
      self.removeExtraWhitespaces = removeExtraWhitespaces
      self.precompiledCharsMap = precompiledCharsMap
    }
  }

  /// The GGUF tokenizer models attnviz builds (`tokenizer.ggml.model`).
  public static let ggufTokenizerModels = GGUFTokenizerModel.allCases.map(\.rawValue)

  /// Architectures whose `llama` vocabulary is Gemma's (transformers' `gemma_tokenizer`).
  static let gemmaArchitectures: Set<String> = ["gemma", "gemma2", "gemma3"]
  /// Architectures whose `llama` vocabulary needs a rule attnviz does not have: refused rather
  /// than tokenized differently.
  static let unsupportedSentencePieceArchitectures: Set<String> = []
  /// llama.cpp's `llama_token_type`.
  enum GGUFTokenType: Int {
    case normal = 1
    case unknown
    case control
    case userDefined
    case unused
    case byte
  }

  /// The tokenizer a GGUF file's metadata describes, built from the same components as a
  /// `tokenizer.json` and in the shape transformers gives it when it loads the file
  /// (`integrations/gguf/gguf_tokenizer_mapping.py`), so the ids are transformers' ids:
  ///
  /// - `gpt2`: byte-level BPE over `tokens` and `merges`; tokens spelled outside the byte
  ///   alphabet are re-spelled in it from their UTF-8 bytes. The split is GPT-2's, unless
  ///   `tokenizer.ggml.pre` names one transformers knows (`GGUFPreTokenizerSplits`: llama3,
  ///   qwen2, …) or llama.cpp's sequence for a name transformers does not know (starcoder,
  ///   deepseek-coder, falcon, …), which then runs before a byte-level step without its own
  ///   split. (llama.cpp has its own split for more names, `smollm` among them; attnviz, as
  ///   transformers, uses GPT-2's for those.) The Llama 3 and Tekken names take a piece that is
  ///   a whole token as it is (`ignore_merges`).
  /// - `llama`: SentencePiece BPE with byte fallback (`<0x41>`) and `▁` for spaces; merges from
  ///   the file or, when it has none, ranked from `scores` (`SentencePieceMerges`). The `▁` goes
  ///   in front of every stretch of text as llama.cpp puts it (none when `add_space_prefix` is
  ///   false): also when the text starts with a space (`" Hello"` → `▁` `▁Hello`) and after
  ///   every added token. These are the ids of llama.cpp's own test suite
  ///   (`ggml-vocab-llama-spm.gguf.out`, made by the models' own Hugging Face tokenizers) and of
  ///   SentencePiece's dummy prefix. transformers, loading the GGUF file, agrees for Phi-3
  ///   (`phi3_tokenizer`) but gives Llama 2 / Mistral / TinyLlama files a Metaspace that
  ///   prepends only to the text's first stretch and not to one starting with a space
  ///   (`" Hello"` → `▁Hello`): attnviz follows llama.cpp and the models' tokenizers there.
  /// - `llama` of a Gemma architecture: transformers' `gemma_tokenizer` — no space prefix,
  ///   spaces become `▁`, tokens of spaces only are re-spelled with `▁`, and the merges are
  ///   ranked by the tokens' order in the file instead of their scores.
  ///
  /// Control tokens (type 3) become special tokens matched whole before the model runs (in a
  /// byte-level vocabulary only those spelled in the byte alphabet: others are llama.cpp
  /// mislabels transformers skips), user-defined ones (type 4) plain added tokens, and the
  /// BOS/EOS/unknown/padding tokens special ones. BOS goes in front where `add_bos_token` says
  /// so (by default for `llama`, as llama.cpp and transformers do), EOS after where
  /// `add_eos_token` does. `source` names the file the tokenizer reports in its own errors.
  public init(gguf: GGUFMetadata, source: String) throws(GGUFTokenizerError) {
    guard let model = gguf.model.flatMap(GGUFTokenizerModel.init(rawValue:)) else {
      throw GGUFTokenizerError(
        key: "tokenizer.ggml.model",
        reason: (gguf.model.map { "names the tokenizer \"\($0)\"" }
          ?? "is missing (the file has no tokenizer)")
          + "; attnviz reads the tokenizers "
          + Self.ggufTokenizerModels.dropLast().joined(separator: ", ") + " and "
          + (Self.ggufTokenizerModels.last ?? ""))
    }
    guard !gguf.tokens.isEmpty else {
      throw GGUFTokenizerError(
        key: "tokenizer.ggml.tokens", reason: "must be a non-empty array of strings")
    }
    let types = gguf.tokenTypes ?? []
    guard types.isEmpty || types.count == gguf.tokens.count else {
      throw GGUFTokenizerError(
        key: "tokenizer.ggml.token_type",
        reason: "has \(types.count) entries but there are \(gguf.tokens.count) tokens")
    }
    // The limits first, from the spellings alone: matching thousands of long control tokens
    // took minutes before they were counted.
    let vocabulary =
      switch model {
      case .gpt2: Self.ggufByteLevelSpellings(gguf)
      case .llama: Self.ggufSentencePieceSpellings(gguf)
      case .bert: Self.ggufWordPieceSpellings(gguf)
      case .gemma4, .t5: gguf.tokens
      }
    let added = Self.ggufAddedTokens(
      gguf, types: types, spellings: vocabulary, byteLevel: model.isByteLevel)
    if let tooLarge = AddedTokenMatcher.checkSize(of: added) {
      throw GGUFTokenizerError(
        key: "tokenizer.ggml.token_type",
        reason: "marks control and user-defined tokens that \(tooLarge)")
    }
    let parts =
      switch model {
      case .gpt2: try Self.ggufByteLevel(gguf, vocabulary: vocabulary)
      case .llama: try Self.ggufSentencePiece(gguf, vocabulary: vocabulary)
      case .bert: try Self.ggufWordPiece(gguf, vocabulary: vocabulary)
      case .gemma4: try Self.ggufGemma4(gguf, vocabulary: vocabulary)
      case .t5: try Self.ggufUnigram(gguf, vocabulary: vocabulary)
      }
    let postProcessor = try Self.ggufTemplate(gguf, model: model)
    self.init(
      normalizer: parts.normalizer, preTokenizer: parts.preTokenizer, model: parts.model,
      postProcessor: postProcessor, addedTokens: added, display: parts.display, source: source)
  }

  struct GGUFParts {
    /// The tokens as the model looks them up (re-spelled where the builder re-spells).
    var vocabulary: [String]
    var model: Model
    var normalizer: Normalizer?
    var preTokenizer: PreTokenizer?
    var display: TokenDisplay?
  }

  /// transformers' `byte_level_tokenizer` with `set_split_regex`.
  static func ggufByteLevel(_ gguf: GGUFMetadata, vocabulary: [String])
    throws(GGUFTokenizerError) -> GGUFParts
  {
    guard let lines = gguf.merges else {
      throw GGUFTokenizerError(
        key: "tokenizer.ggml.merges", reason: "is missing; a gpt2 tokenizer needs its merges")
    }
    let merges = try ggufMerges(lines)
    let pre = gguf.pre ?? "default"
    func compile(_ pattern: String) throws(GGUFTokenizerError) -> SplitRegex {
      do {
        return try SplitRegex(pattern)
      } catch {
        throw GGUFTokenizerError(
          key: "tokenizer.ggml.pre",
          reason: "names the split \"\(pre)\", whose pattern cannot be compiled: \(error)")
      }
    }
    let preTokenizer: PreTokenizer
    if let pattern = GGUFPreTokenizerSplits.patterns[pre] {
      preTokenizer = .sequence([
        .split(try compile(pattern), .isolated, invert: false),
        .byteLevel(addPrefixSpace: false, useRegex: false),
      ])
    } else if let patterns = GGUFPreTokenizerSplits.llamaCppSequences[pre] {
      var steps: [PreTokenizer] = []
      for pattern in patterns {
        steps.append(.split(try compile(pattern), .isolated, invert: false))
      }
      preTokenizer = .sequence(steps + [.byteLevel(addPrefixSpace: false, useRegex: false)])
    } else {
      preTokenizer = .byteLevel(addPrefixSpace: false, useRegex: true)
    }
    let bpe: BPE
    do {
      bpe = try BPE(
        vocabulary: vocabulary.enumerated().map { ($0.element, $0.offset) }, merges: merges,
        ignoreMerges: GGUFPreTokenizerSplits.ignoreMerges.contains(pre))
    } catch {
      throw GGUFTokenizerError(
        key: "tokenizer.ggml.tokens", reason: "do not form a BPE vocabulary: \(error)")
    }
    return GGUFParts(vocabulary: vocabulary, model: .bpe(bpe), preTokenizer: preTokenizer)
  }

  /// The tokens of a `gpt2` vocabulary as the model looks them up: tokens spelled outside the
  /// byte alphabet re-spelled in it from their UTF-8 bytes.
  static func ggufByteLevelSpellings(_ gguf: GGUFMetadata) -> [String] {
    gguf.tokens.map { isByteLevelSpelled($0) ? $0 : ByteLevelAlphabet.encode($0.utf8) }
  }

  /// The tokens of a `llama` vocabulary as the model looks them up: Gemma's files store tokens
  /// of two or more spaces as spaces; its tokenizer spells them ▁.
  static func ggufSentencePieceSpellings(_ gguf: GGUFMetadata) -> [String] {
    guard gguf.architecture.map(gemmaArchitectures.contains) ?? false else { return gguf.tokens }
    return gguf.tokens.map { token in
      token.unicodeScalars.count > 1 && token.unicodeScalars.allSatisfy { $0 == " " }
        ? String(repeating: "\u{2581}", count: token.unicodeScalars.count) : token
    }
  }

  /// transformers' `gemma_tokenizer`, and SentencePiece BPE with llama.cpp's space prefix for
  /// every other `llama` vocabulary (see `init(gguf:source:)`). `vocabulary` is
  /// `ggufSentencePieceSpellings(gguf)`.
  static func ggufSentencePiece(_ gguf: GGUFMetadata, vocabulary: [String])
    throws(GGUFTokenizerError) -> GGUFParts
  {
    if let architecture = gguf.architecture,
      unsupportedSentencePieceArchitectures.contains(architecture)
    {
      throw GGUFTokenizerError(
        key: "tokenizer.ggml.model",
        reason: "is a SentencePiece vocabulary of architecture \(architecture), which needs rules "
          + "attnviz does not have; attnviz reads those of llama, mistral, qwen and gemma models")
    }
    let isGemma = gguf.architecture.map(gemmaArchitectures.contains) ?? false
    let entries = vocabulary.enumerated().map { ($0.element, $0.offset) }
    let bpe: BPE
    do {
      if let lines = gguf.merges {
        bpe = try BPE(
          vocabulary: entries, merges: try ggufMerges(lines),
          unknownToken: isGemma ? unknownToken(gguf) : nil, fuseUnknown: true, byteFallback: true)
      } else {
        let order: SentencePieceMerges.Order
        if isGemma {
          // "Gemma's scores do not follow its merge order -- the order the tokens appear in
          // the file does" (transformers): rank by position, first best.
          order = .position
        } else {
          guard let listed = gguf.scores, listed.count == vocabulary.count else {
            throw GGUFTokenizerError(
              key: "tokenizer.ggml.scores",
              reason: "must give one score per token when there are no merges")
          }
          if let bad = listed.firstIndex(where: { !$0.isFinite }) {
            throw GGUFTokenizerError(
              key: "tokenizer.ggml.scores",
              reason: "has the score \(listed[bad]) for token \(bad); scores must be finite "
                + "numbers, as they order the merges")
          }
          order = .scores(listed)
        }
        bpe = try BPE(
          vocabulary: entries, mergeOrder: order,
          unknownToken: isGemma ? unknownToken(gguf) : nil, fuseUnknown: true, byteFallback: true)
      }
    } catch let error as GGUFTokenizerError {
      throw error
    } catch {
      throw GGUFTokenizerError(
        key: "tokenizer.ggml.tokens", reason: "do not form a BPE vocabulary: \(error)")
    }
    if isGemma {
      // GemmaTokenizer: spaces → ▁ by a normalizer, no prefix; its Split on " " then finds no
      // space left, so there is no pre-tokenizer here.
      return GGUFParts(
        vocabulary: vocabulary, model: .bpe(bpe),
        normalizer: .replace(SplitRegex(literal: " "), "\u{2581}"), preTokenizer: nil,
        display: .metaspace("\u{2581}"))
    }
    // llama.cpp (`llama_vocab::tokenize`, SPM): the ▁ goes in front of every stretch of text,
    // also one that starts with a space and one after an added token (`is_prev_special`), as
    // SentencePiece's dummy prefix and the models' own Hugging Face tokenizers do (a Prepend
    // normalizer, no pre-tokenizer). `add_space_prefix` false: spaces become ▁, nothing else.
    let spaces = Normalizer.replace(SplitRegex(literal: " "), "\u{2581}")
    return GGUFParts(
      vocabulary: vocabulary, model: .bpe(bpe),
      normalizer: gguf.addSpacePrefix ?? true ? .sequence([.prepend("\u{2581}"), spaces]) : spaces,
      preTokenizer: nil, display: .metaspace("\u{2581}"))
  }

  static func unknownToken(_ gguf: GGUFMetadata) -> String? {
    gguf.unknownID.flatMap { gguf.tokens.indices.contains($0) ? gguf.tokens[$0] : nil }
  }

  /// "a b" lines split in two; the left half ends at the first space after its first scalar
  /// (llama.cpp's `find(' ', 1)`). The space is found among the scalars, not the characters: a
  /// right half that starts with a combining mark (Gemma 4's `អ ា`) joins the space into one
  /// character with it. In UTF-8 a space byte is always the scalar U+0020, so the bytes after
  /// the first scalar are searched.
  static func ggufMerges(_ lines: [String]) throws(GGUFTokenizerError) -> MergeList {
    var spaces: [Int] = []
    spaces.reserveCapacity(lines.count)
    for (index, merge) in lines.enumerated() {
      var line = merge
      let space = line.withUTF8 { bytes -> Int? in
        guard let lead = bytes.first else { return nil }
        let first = lead < 0x80 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4
        return bytes[first...].firstIndex(of: 0x20)
      }
      guard let space else {
        throw GGUFTokenizerError(
          key: "tokenizer.ggml.merges",
          reason: "entry \(index) (\"\(merge)\") is not two tokens and a space")
      }
      spaces.append(space)
    }
    return MergeList(lines: lines, spaces: spaces)
  }

  /// Whether every character of `token` is in GPT-2's byte alphabet.
  static func isByteLevelSpelled(_ token: String) -> Bool {
    token.unicodeScalars.allSatisfy { ByteLevelAlphabet.byte(for: $0) != nil }
  }

  /// Control tokens (and the named BOS/EOS/unknown/padding tokens) as special tokens,
  /// user-defined ones as plain added tokens (in a SentencePiece vocabulary only those it spells
  /// as the file does; in a byte-level one all, as llama.cpp matches them); all matched in the
  /// raw text (transformers' `add_gguf_special_tokens`).
  static func ggufAddedTokens(
    _ gguf: GGUFMetadata, types: [Int], spellings: [String], byteLevel: Bool
  ) -> [AddedToken] {
    let tokens = gguf.tokens
    // Whether the vocabulary spells a user-defined token as the file does: its own spelling
    // does unless the builder re-spelled it (Gemma's runs of spaces as ▁). Only those few are
    // looked for, in one pass over the spellings; a table of all 262,144 cost 8 % of a run.
    var respelled = ByteTable(capacity: 16)
    for (id, type) in types.enumerated()
    where !byteLevel && type == GGUFTokenType.userDefined.rawValue && spellings.indices.contains(id)
      && !spellings[id].utf8.elementsEqual(tokens[id].utf8)
    {
      respelled.insert(tokens[id], value: id)
    }
    var spelledAsInFile = [Bool](repeating: false, count: respelled.count)
    if respelled.count > 0 {
      for spelling in spellings {
        if let entry = respelled.entry(spelling) { spelledAsInFile[entry] = true }
      }
    }
    func isSpelled(_ token: String, id: Int) -> Bool {
      if spellings.indices.contains(id), spellings[id].utf8.elementsEqual(token.utf8) {
        return true
      }
      return respelled.entry(token).map { spelledAsInFile[$0] } ?? false
    }
    var added: [AddedToken] = []
    var seen = Set<Int>()
    func add(_ id: Int, special: Bool) {
      guard tokens.indices.contains(id), !seen.contains(id) else { return }
      let token = tokens[id]
      // A control token spelled outside the byte alphabet is a llama.cpp mislabel; transformers
      // skips it, and so does attnviz.
      if special && byteLevel && !isByteLevelSpelled(token) { return }
      // A user-defined token of a byte-level vocabulary is matched as the file spells it, as
      // llama.cpp matches it: GPT-NeoX's (MPT's) runs of spaces `"  "` … are such tokens, and
      // `"  Hello"` is `"  "` `Hello` in the model's own tokenizer (`ggml-vocab-mpt.gguf.out`).
      if !special && !byteLevel && !isSpelled(token, id: id) { return }
      seen.insert(id)
      added.append(AddedToken(content: token, id: id, special: special, normalized: false))
    }
    for (id, type) in types.enumerated() where type == GGUFTokenType.control.rawValue {
      add(id, special: true)
    }
    for (id, type) in types.enumerated() where type == GGUFTokenType.userDefined.rawValue {
      add(id, special: false)
    }
    for id in [gguf.bosID, gguf.eosID, gguf.unknownID, gguf.paddingID].compactMap({ $0 }) {
      add(id, special: true)
    }
    return added
  }

  /// BOS (and EOS) where the file or llama.cpp's default says so (`t5`: EOS after, no BOS);
  /// `bert`: CLS and SEP around the text; `gemma4`: BOS always (llama.cpp overrides
  /// `add_bos_token` false for it).
  static func ggufTemplate(_ gguf: GGUFMetadata, model: GGUFTokenizerModel)
    throws(GGUFTokenizerError) -> PostProcessor
  {
    func token(_ key: String, _ id: Int?) throws(GGUFTokenizerError) -> TemplateToken {
      guard let id, gguf.tokens.indices.contains(id) else {
        throw GGUFTokenizerError(
          key: "tokenizer.ggml.\(key)_token_id",
          reason: "must be the id of one of the \(gguf.tokens.count) tokens")
      }
      return TemplateToken(gguf.tokens[id], id: id)
    }
    var processor = PostProcessor()
    if model == .bert {
      processor.prefix = [try token("cls", gguf.clsID ?? gguf.bosID)]
      processor.suffix = [try token("seperator", gguf.separatorID ?? gguf.eosID)]
      return processor
    }
    if model == .gemma4 || gguf.addBOS ?? model.addsBOSByDefault {
      processor.prefix = [try token("bos", gguf.bosID)]
    }
    if gguf.addEOS ?? model.addsEOSByDefault {
      processor.suffix = [try token("eos", gguf.eosID)]
    }
    return processor
  }
}
