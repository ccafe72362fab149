/// The split patterns transformers gives the `tokenizer.ggml.pre` names it knows
/// (`GGUF_PRE_TOKENIZER_SPLITS` in transformers' `gguf_tokenizer_mapping.py`), and the split
/// sequences llama.cpp gives a few names transformers does not know (`llamaCppSequences`).
/// Other names get GPT-2's own byte-level split.
enum GGUFPreTokenizerSplits {
  static let llama3 =
    #"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}"#
    + #"| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+"#

  static let tekken =
    #"[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*[\p{Ll}\p{Lm}\p{Lo}\p{M}]+"#
    + #"|[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]+[\p{Ll}\p{Lm}\p{Lo}\p{M}]*"#
    + #"|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n/]*|\s*[\r\n]+|\s+(?!\S)|\s+"#

  static let gpt4o =
    #"[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*[\p{Ll}\p{Lm}\p{Lo}\p{M}]+(?i:'s|'t|'re|'ve|'m|'ll|'d)?"#
    + #"|[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]+[\p{Ll}\p{Lm}\p{Lo}\p{M}]*(?i:'s|'t|'re|'ve|'m|'ll|'d)?"#
    + #"|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n/]*|\s*[\r\n]+|\s+(?!\S)|\s+"#

  /// transformers' qwen2 `PRETOKENIZE_REGEX`.
  static let qwen2 =
    #"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*"#
    + #"|\s*[\r\n]+|\s+(?!\S)|\s+"#

  /// transformers' qwen3_5 `PRETOKENIZE_REGEX`.
  static let qwen35 =
    #"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?[\p{L}\p{M}]+|\p{N}"#
    + #"| ?[^\s\p{L}\p{M}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+"#

  static let patterns: [String: String] = [
    "llama3": llama3, "llama-v3": llama3, "llama-bpe": llama3, "falcon3": llama3,
    "falcon-h1": llama3, "pixtral": llama3, "midm-2.0": llama3, "lfm2": llama3,
    "jina-v5-nano": llama3, "dbrx": llama3, "smaug-bpe": llama3,
    "tekken": tekken,
    "qwen2": qwen2, "deepseek-r1-qwen": qwen2, "kormo": qwen2, "f2llmv2": qwen2, "megrez": qwen2,
    "qwen35": qwen35,
    "gpt-4o": gpt4o, "llama4": gpt4o, "kanana2": gpt4o, "talkie": gpt4o, "minimax-m2": gpt4o,
  ]

  /// GPT-2's split as llama.cpp writes it.
  static let gpt2 = #"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)"#

  /// Names whose vocabularies llama.cpp splits with a sequence of patterns, each splitting the
  /// pieces the one before left (llama.cpp's `llm_tokenizer_bpe` `regex_exprs`), and which
  /// transformers, not knowing the name, would split with GPT-2's pattern alone: llama.cpp's
  /// test files (`ggml-vocab-starcoder.gguf.out`, …, made by each model's own Hugging Face
  /// tokenizer) differ from that on digits and on text like " ½". (`smollm` is in llama.cpp's
  /// starcoder group too but keeps transformers' split here: SmolLM2's vocabulary has no token
  /// joining a digit to anything, so only characters like "½" could differ.)
  static let llamaCppSequences: [String: [String]] = [
    "starcoder": [#"\p{N}"#, gpt2], "refact": [#"\p{N}"#, gpt2], "command-r": [#"\p{N}"#, gpt2],
    "deepseek-coder": [
      #"[\r\n]"#, #"\s?\p{L}+"#, #"\s?\p{P}+"#, #"[一-龥ࠀ-一가-퟿]+"#, #"\p{N}"#,
    ],
    "deepseek-llm": [
      #"[\r\n]"#,
      #"\s?[A-Za-zµÀ-ÖØ-öø-ƺƼ-ƿǄ-ʓʕ-ʯͰ-ͳͶͷͻ-ͽͿΆΈ-ΊΌΎ-ΡΣ-ϵϷ-ҁҊ-ԯԱ-ՖႠ-ჅᎠ-Ᏽᏸ-ᏽᲐ-ᲺᲽ-Ჿᴀ-ᴫᵫ-ᵷᵹ-ᶚḀ-ἕἘ-Ἕἠ-ὅὈ-Ὅὐ-ὗὙὛὝὟ-ώᾀ-ᾴᾶ-ᾼιῂ-ῄῆ-ῌῐ-ΐῖ-Ίῠ-Ῥῲ-ῴῶ-ῼℂℇℊ-ℓℕℙ-ℝℤΩℨK-ℭℯ-ℴℹℼ-ℿⅅ-ⅉⅎↃↄⰀ-ⱻⱾ-ⳤⳫ-ⳮⳲⳳꙀ-ꙭꚀ-ꚛꜢ-ꝯꝱ-ꞇꞋ-ꞎꭰ-ꮿﬀ-ﬆﬓ-ﬗＡ-Ｚａ-ｚ𐐀-𐑏𐒰-𐓓𐓘-𐓻𐲀-𐲲𐳀-𐳲𑢠-𑣟𞤀-𞥃]+"#,
      #"\s?[!-/:-~！-／：-～‘-‟　-。]+"#,
      #"\s+(?![\s\S])"#,  // llama.cpp: \s+$
      #"[一-龥ࠀ-一가-퟿]+"#,
      #"\p{N}+"#,
    ],
    "falcon": [#"[\p{P}\$\+<=>\^~\|`]+"#, gpt2, #"[0-9][0-9][0-9]"#],
  ]

  /// Names for which llama.cpp (and the models' own tokenizers, `"ignore_merges": true`) take a
  /// piece that is itself a token whole instead of merging it from its bytes.
  static let ignoreMerges: Set<String> = [
    "llama3", "llama-v3", "llama-bpe", "falcon3", "falcon-h1", "pixtral", "midm-2.0", "lfm2",
    "jina-v5-nano", "tekken",
  ]
}
