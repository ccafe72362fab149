import AttnvizFiles
import AttnvizTokens

/// The tokenizer a GGUF file's metadata describes (`tokenizer.ggml.*`), built from the same
/// components as a `tokenizer.json` and in the shape transformers 5 gives it when it loads the
/// file (`integrations/gguf/gguf_tokenizer_mapping.py`), so the ids are transformers' ids:
///
/// - `gpt2`: byte-level BPE over `tokens` and `merges`; the pre-tokenizer is GPT-2's split,
///   unless `tokenizer.ggml.pre` names a split transformers knows (llama3, qwen2, …), which then
///   runs before a byte-level step without its own split. (llama.cpp has its own split for more
///   names, `smollm` among them; transformers, and so attnviz, use GPT-2's for those.)
/// - `llama`: SentencePiece-style BPE with byte fallback (`<0x41>`), `▁` for spaces prepended
///   to the first piece, and merges from the file or, when it has none, derived from `scores`.
///
/// Tokens of type control (3) become special tokens matched whole before the model runs, those
/// of type user-defined (4) plain added tokens. BOS is put in front only where
/// `tokenizer.ggml.add_bos_token` says so (for `llama` vocabularies it defaults to true, as in
/// llama.cpp and transformers), EOS after only where `add_eos_token` does.
public enum GGUFTokenizer {
  public static let supportedModels = ["gpt2", "llama"]
  /// SentencePiece vocabularies of these architectures need rules transformers adds for them
  /// (Gemma's spaces and merge order, Phi-3's normaliser); attnviz does not have them.
  static let unsupportedSentencePieceArchitectures = ["gemma", "gemma2", "gemma3", "phi3"]

  /// llama.cpp's `llama_token_type`.
  enum TokenType: Int {
    case normal = 1
    case unknown
    case control
    case userDefined
    case unused
    case byte
  }

  public static func make(_ header: GGUFHeader, file: String) throws -> HFTokenizer {
    func fail(_ reason: String, _ key: String? = nil) -> GGUFError {
      GGUFError(file: file, subject: key.map { "key \"\($0)\"" }, reason: reason)
    }
    let kind = header.value("tokenizer.ggml.model")?.stringValue
    guard let kind, supportedModels.contains(kind) else {
      throw fail(
        (kind.map { "names the tokenizer \"\($0)\"" } ?? "is missing (the file has no tokenizer)")
          + "; attnviz reads the tokenizers " + supportedModels.joined(separator: " and "),
        "tokenizer.ggml.model")
    }
    guard let tokens = header.value("tokenizer.ggml.tokens")?.arrayValue?.strings,
      !tokens.isEmpty
    else {
      throw fail("must be a non-empty array of strings", "tokenizer.ggml.tokens")
    }
    let types = header.value("tokenizer.ggml.token_type")?.arrayValue?.ints ?? []
    guard types.isEmpty || types.count == tokens.count else {
      throw fail(
        "has \(types.count) entries but there are \(tokens.count) tokens",
        "tokenizer.ggml.token_type")
    }
    let parts =
      try kind == "gpt2"
      ? byteLevel(header, tokens: tokens, fail: fail)
      : sentencePiece(header, tokens: tokens, fail: fail)
    let added = addedTokens(
      tokens: tokens, types: types, header: header, vocabulary: parts.vocabulary,
      byteLevel: kind == "gpt2")
    let postProcessor = try template(
      header, tokens: tokens, defaultBOS: kind == "llama", fail: fail)
    do {
      let bpe = try HFTokenizer.BPE(
        vocabulary: parts.vocabulary, merges: parts.merges, fuseUnknown: kind == "llama",
        byteFallback: kind == "llama")
      return HFTokenizer(
        preTokenizer: parts.preTokenizer, model: .bpe(bpe), postProcessor: postProcessor,
        addedTokens: added, source: file)
    } catch {
      throw fail("do not form a BPE vocabulary: \(error)", "tokenizer.ggml.tokens")
    }
  }

  struct Parts {
    var vocabulary: [(String, Int)]
    var merges: [(String, String)]
    var preTokenizer: HFTokenizer.PreTokenizer
  }

  /// transformers' `byte_level_tokenizer`: tokens spelled outside the byte alphabet are spelled
  /// in it from their UTF-8 bytes.
  static func byteLevel(
    _ header: GGUFHeader, tokens: [String], fail: (String, String?) -> GGUFError
  ) throws -> Parts {
    let vocabulary = tokens.enumerated().map { id, token in
      (isByteLevelSpelled(token) ? token : ByteLevelAlphabet.encode(token.utf8), id)
    }
    guard let merges = header.value("tokenizer.ggml.merges")?.arrayValue?.strings else {
      throw fail("is missing; a gpt2 tokenizer needs its merges", "tokenizer.ggml.merges")
    }
    let pairs = try merges.enumerated().map { index, merge -> (String, String) in
      let halves = merge.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: false)
      guard halves.count == 2 else {
        throw fail(
          "entry \(index) (\"\(merge)\") is not two tokens and a space",
          "tokenizer.ggml.merges")
      }
      return (String(halves[0]), String(halves[1]))
    }
    let pre = header.value("tokenizer.ggml.pre")?.stringValue ?? "default"
    let preTokenizer: HFTokenizer.PreTokenizer
    if let pattern = GGUFPreTokenizerSplits.patterns[pre] {
      let regex: SplitRegex
      do {
        regex = try SplitRegex(pattern)
      } catch {
        throw fail(
          "names the split \"\(pre)\", whose pattern cannot be compiled: \(error)",
          "tokenizer.ggml.pre")
      }
      preTokenizer = .sequence([
        .split(regex, .isolated, invert: false), .byteLevel(addPrefixSpace: false, useRegex: false),
      ])
    } else {
      preTokenizer = .byteLevel(addPrefixSpace: false, useRegex: true)
    }
    return Parts(vocabulary: vocabulary, merges: pairs, preTokenizer: preTokenizer)
  }

  /// transformers' `sentencepiece_tokenizer` (LlamaTokenizer): Metaspace `▁` prepended to the
  /// first piece, no split; merges from the file, or derived from the scores.
  static func sentencePiece(
    _ header: GGUFHeader, tokens: [String], fail: (String, String?) -> GGUFError
  ) throws -> Parts {
    let architecture = header.value("general.architecture")?.stringValue ?? ""
    guard !unsupportedSentencePieceArchitectures.contains(architecture) else {
      throw fail(
        "is a SentencePiece vocabulary of architecture \(architecture), which needs rules "
          + "attnviz does not have; attnviz reads those of llama, mistral and qwen models",
        "tokenizer.ggml.model")
    }
    let vocabulary = tokens.enumerated().map { ($0.element, $0.offset) }
    let merges: [(String, String)]
    if let listed = header.value("tokenizer.ggml.merges")?.arrayValue?.strings {
      merges = listed.compactMap { merge in
        let halves = merge.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: false)
        return halves.count == 2 ? (String(halves[0]), String(halves[1])) : nil
      }
    } else {
      guard let scores = header.value("tokenizer.ggml.scores")?.arrayValue?.floats,
        scores.count == tokens.count
      else {
        throw fail(
          "must give one score per token when there are no merges",
          "tokenizer.ggml.scores")
      }
      merges = SentencePieceMerges.derive(tokens: tokens, scores: scores)
    }
    return Parts(
      vocabulary: vocabulary, merges: merges,
      preTokenizer: .metaspace(replacement: "\u{2581}", scheme: .first, split: false))
  }

  /// Whether every character of `token` is in GPT-2's byte alphabet.
  static func isByteLevelSpelled(_ token: String) -> Bool {
    token.unicodeScalars.allSatisfy { ByteLevelAlphabet.byte(for: $0) != nil }
  }

  /// Control tokens (and the named BOS/EOS/unknown/padding tokens) as special tokens,
  /// user-defined ones as plain added tokens; all matched in the raw text.
  static func addedTokens(
    tokens: [String], types: [Int], header: GGUFHeader, vocabulary: [(String, Int)],
    byteLevel: Bool
  ) -> [HFTokenizer.AddedToken] {
    // Spellings in the vocabulary, needed only for user-defined tokens (rare).
    let spelled =
      types.contains(TokenType.userDefined.rawValue) ? Set(vocabulary.map(\.0)) : []
    var added: [HFTokenizer.AddedToken] = []
    var seen = Set<Int>()
    func add(_ id: Int, special: Bool) {
      guard tokens.indices.contains(id), !seen.contains(id) else { return }
      let token = tokens[id]
      // A control token spelled outside the byte alphabet is a llama.cpp mislabel; transformers
      // skips it, and so does attnviz.
      if special && byteLevel && !isByteLevelSpelled(token) { return }
      if !special && !spelled.contains(token) { return }
      seen.insert(id)
      added.append(
        HFTokenizer.AddedToken(content: token, id: id, special: special, normalized: false))
    }
    for (id, type) in types.enumerated() where type == TokenType.control.rawValue {
      add(id, special: true)
    }
    for (id, type) in types.enumerated() where type == TokenType.userDefined.rawValue {
      add(id, special: false)
    }
    for key in ["bos", "eos", "unknown", "padding"] {
      if let id = header.value("tokenizer.ggml.\(key)_token_id")?.intValue {
        add(id, special: true)
      }
    }
    return added
  }

  static func template(
    _ header: GGUFHeader, tokens: [String], defaultBOS: Bool,
    fail: (String, String?) -> GGUFError
  ) throws -> HFTokenizer.PostProcessor {
    func token(_ key: String) throws -> HFTokenizer.TemplateToken {
      let name = "tokenizer.ggml.\(key)_token_id"
      guard let id = header.value(name)?.intValue, tokens.indices.contains(id) else {
        throw fail("must be the id of one of the \(tokens.count) tokens", name)
      }
      return HFTokenizer.TemplateToken(tokens[id], id: id)
    }
    var processor = HFTokenizer.PostProcessor()
    if header.value("tokenizer.ggml.add_bos_token")?.boolValue ?? defaultBOS {
      processor.prefix = [try token("bos")]
    }
    if header.value("tokenizer.ggml.add_eos_token")?.boolValue ?? false {
      processor.suffix = [try token("eos")]
    }
    return processor
  }
}
