/// The split patterns transformers gives the `tokenizer.ggml.pre` names it knows
/// (`GGUF_PRE_TOKENIZER_SPLITS` in transformers' `gguf_tokenizer_mapping.py`). Other names get
/// GPT-2's own byte-level split.
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
}
