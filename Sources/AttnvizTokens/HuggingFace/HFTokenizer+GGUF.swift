extension HFTokenizer {
  /// The tokenizer metadata of a GGUF file (`tokenizer.ggml.*`), as the GGUF reader gives it.
  public struct GGUFMetadata: Sendable {
    /// `tokenizer.ggml.model`: `gpt2` (byte-level BPE) or `llama` (SentencePiece-style BPE).
    public var model: String
    /// `tokenizer.ggml.pre`: names the split regex of byte-level vocabularies (`llama-bpe`,
    /// `qwen2`, …); others (`smollm`, `gpt2`, `default`) use GPT-2's.
    public var pre: String?
    public var tokens: [String]
    /// `tokenizer.ggml.token_type`: 1 normal, 2 unknown, 3 control, 4 user-defined, 6 byte.
    public var tokenTypes: [Int]?
    public var scores: [Float]?
    /// "a b" lines; a `llama` file without them gets merges recovered from the scores.
    public var merges: [String]?
    public var bosID: Int?
    public var eosID: Int?
    public var unknownID: Int?
    public var paddingID: Int?
    /// `tokenizer.ggml.add_bos_token`; nil means yes for `llama`, no for `gpt2`.
    public var addBOS: Bool?
    public var addEOS: Bool?

    public init(
      model: String, pre: String? = nil, tokens: [String], tokenTypes: [Int]? = nil,
      scores: [Float]? = nil, merges: [String]? = nil, bosID: Int? = nil, eosID: Int? = nil,
      unknownID: Int? = nil, paddingID: Int? = nil, addBOS: Bool? = nil, addEOS: Bool? = nil
    ) {
      self.model = model
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
    }
  }

  /// The tokenizer transformers builds from a GGUF file's metadata
  /// (`AutoTokenizer.from_pretrained(dir, gguf_file=…)`):
  /// - `gpt2`: byte-level BPE over the file's merges, split by GPT-2's pattern or the one
  ///   `pre` names (Llama 3's, Qwen2's, …); tokens not written in the byte alphabet are
  ///   re-spelled in it;
  /// - `llama`: Metaspace (`▁` in front of the first word, no split) and BPE with byte fallback,
  ///   merges from the file or recovered from the scores (`mergesFromScores`).
  ///
  /// Control tokens (type 3) and the BOS/EOS/unknown/padding tokens are matched whole as
  /// special tokens, user-defined ones (type 4) as plain added tokens; BOS goes in front when
  /// `addBOS` says so. `source` names the file in errors.
  public init(gguf: GGUFMetadata, source: String) throws {
    func fail(_ reason: String) -> TokenizerError {
      .malformedVocabulary(file: source, reason: reason)
    }
    let isByteLevel: Bool
    switch gguf.model {
    case "gpt2": isByteLevel = true
    case "llama": isByteLevel = false
    default:
      throw fail(
        "tokenizer.ggml.model \"\(gguf.model)\" is not supported; attnviz reads gpt2 "
          + "(byte-level BPE) and llama (SentencePiece BPE)")
    }
    guard !gguf.tokens.isEmpty else { throw fail("has no tokenizer.ggml.tokens") }
    if let types = gguf.tokenTypes, types.count != gguf.tokens.count {
      throw fail("has \(types.count) token types for \(gguf.tokens.count) tokens")
    }
    let spelled = isByteLevel ? gguf.tokens.map(Self.byteLevelSpelling) : gguf.tokens
    let merges: [(String, String)]
    if let lines = gguf.merges {
      merges = try lines.enumerated().map { index, line in
        let parts = line.split(separator: " ", omittingEmptySubsequences: false)
        guard parts.count == 2 else {
          throw fail("merge \(index + 1) (\"\(line)\") must be two symbols and one space")
        }
        return (String(parts[0]), String(parts[1]))
      }
    } else if !isByteLevel, let scores = gguf.scores {
      merges = BPE.mergesFromScores(tokens: spelled, scores: scores)
    } else {
      throw fail("has no tokenizer.ggml.merges\(isByteLevel ? "" : " and no scores")")
    }
    let bpe = try Self.ggufBPE(spelled, merges, byteFallback: !isByteLevel, source: source)
    let preTokenizer: PreTokenizer
    if !isByteLevel {
      preTokenizer = .metaspace(replacement: "\u{2581}", scheme: .first, split: false)
    } else if let pattern = gguf.pre.flatMap({ Self.ggufSplitPatterns[$0] }) {
      preTokenizer = .sequence([
        .split(try SplitRegex(pattern), .isolated, invert: false),
        .byteLevel(addPrefixSpace: false, useRegex: false),
      ])
    } else {
      preTokenizer = .byteLevel(addPrefixSpace: false, useRegex: true)
    }
    let added = Self.ggufAddedTokens(gguf, spelled: spelled, isByteLevel: isByteLevel)
    func template(_ id: Int?, _ wanted: Bool) -> [TemplateToken] {
      guard wanted, let id, gguf.tokens.indices.contains(id) else { return [] }
      return [TemplateToken(gguf.tokens[id], id: id)]
    }
    self.init(
      preTokenizer: preTokenizer, model: .bpe(bpe),
      postProcessor: PostProcessor(
        prefix: template(gguf.bosID, gguf.addBOS ?? !isByteLevel),
        suffix: template(gguf.eosID, gguf.addEOS ?? false)),
      addedTokens: added, source: source)
  }

  static func ggufBPE(
    _ tokens: [String], _ merges: [(String, String)], byteFallback: Bool, source: String
  ) throws(TokenizerError) -> BPE {
    do {
      return try BPE(
        vocabulary: tokens.enumerated().map { ($0.element, $0.offset) }, merges: merges,
        fuseUnknown: byteFallback, byteFallback: byteFallback)
    } catch {
      throw error.naming(source)
    }
  }

  /// A token in GPT-2's byte alphabet as it is, any other re-spelled byte by byte.
  static func byteLevelSpelling(_ token: String) -> String {
    if ByteLevelAlphabet.decode(token) != nil { return token }
    return ByteLevelAlphabet.encode(token.utf8)
  }

  static func ggufAddedTokens(_ gguf: GGUFMetadata, spelled: [String], isByteLevel: Bool)
    -> [AddedToken]
  {
    var added: [AddedToken] = []
    var seen = Set<Int>()
    let types = gguf.tokenTypes ?? []
    for (id, type) in types.enumerated() where type == 3 || type == 4 {
      // A byte-level control token spelled outside the alphabet is a converter's mislabel.
      if isByteLevel, type == 3, ByteLevelAlphabet.decode(gguf.tokens[id]) == nil { continue }
      added.append(
        AddedToken(content: gguf.tokens[id], id: id, special: type == 3, normalized: false))
      seen.insert(id)
    }
    for id in [gguf.bosID, gguf.eosID, gguf.unknownID, gguf.paddingID].compactMap({ $0 })
    where gguf.tokens.indices.contains(id) && !seen.contains(id) {
      added.append(AddedToken(content: gguf.tokens[id], id: id, special: true, normalized: false))
      seen.insert(id)
    }
    return added
  }

  /// transformers' table from `tokenizer.ggml.pre` to the split regex of a byte-level vocabulary.
  static let ggufSplitPatterns: [String: String] = {
    let llama3 = [
      #"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}|"#,
      #" ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+"#,
    ].joined()
    let qwen2 = [
      #"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}|"#,
      #" ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+"#,
    ].joined()
    let qwen35 = [
      #"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?[\p{L}\p{M}]+|\p{N}|"#,
      #" ?[^\s\p{L}\p{M}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+"#,
    ].joined()
    let tekken = [
      #"[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*[\p{Ll}\p{Lm}\p{Lo}\p{M}]+|"#,
      #"[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]+[\p{Ll}\p{Lm}\p{Lo}\p{M}]*|"#,
      #"\p{N}| ?[^\s\p{L}\p{N}]+[\r\n/]*|\s*[\r\n]+|\s+(?!\S)|\s+"#,
    ].joined()
    let gpt4o = [
      #"[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*[\p{Ll}\p{Lm}\p{Lo}\p{M}]+(?i:'s|"#,
      #"'t|'re|'ve|'m|'ll|'d)?|"#,
      #"[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]+[\p{Ll}\p{Lm}\p{Lo}\p{M}]*(?i:'s|"#,
      #"'t|'re|'ve|'m|'ll|'d)?|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n/]*|"#,
      #"\s*[\r\n]+|\s+(?!\S)|\s+"#,
    ].joined()
    var table: [String: String] = [:]
    for name in [
      "llama3", "llama-v3", "llama-bpe", "falcon3", "falcon-h1", "pixtral", "midm-2.0", "lfm2",
      "jina-v5-nano", "dbrx", "smaug-bpe",
    ] { table[name] = llama3 }
    for name in ["qwen2", "deepseek-r1-qwen", "kormo", "f2llmv2", "megrez"] { table[name] = qwen2 }
    for name in ["gpt-4o", "llama4", "kanana2", "talkie", "minimax-m2"] { table[name] = gpt4o }
    table["qwen35"] = qwen35
    table["tekken"] = tekken
    return table
  }()
}
