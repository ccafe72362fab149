import AttnvizFiles
import AttnvizTokens

extension GGUFHeader {
  /// The `tokenizer.ggml.*` metadata (and `general.architecture`) as AttnvizTokens' GGUF
  /// tokenizer builder takes it. A value of the wrong type reads as missing, and the builder
  /// names the key.
  public var tokenizerMetadata: HFTokenizer.GGUFMetadata {
    func key(_ name: String) -> GGUFValue? { value("tokenizer.ggml.\(name)") }
    return HFTokenizer.GGUFMetadata(
      model: key("model")?.stringValue,
      architecture: value("general.architecture")?.stringValue,
      pre: key("pre")?.stringValue, tokens: key("tokens")?.arrayValue?.strings ?? [],
      tokenTypes: key("token_type")?.arrayValue?.ints, scores: key("scores")?.arrayValue?.floats,
      merges: key("merges")?.arrayValue?.strings, bosID: key("bos_token_id")?.intValue,
      eosID: key("eos_token_id")?.intValue, unknownID: key("unknown_token_id")?.intValue,
      paddingID: key("padding_token_id")?.intValue, addBOS: key("add_bos_token")?.boolValue,
      addEOS: key("add_eos_token")?.boolValue, addSpacePrefix: key("add_space_prefix")?.boolValue,
      clsID: key("cls_token_id")?.intValue, separatorID: key("seperator_token_id")?.intValue,
      lowercase: key("normalizer.lowercase")?.boolValue,
      removeExtraWhitespaces: key("remove_extra_whitespaces")?.boolValue,
      precompiledCharsMap: key("precompiled_charsmap")?.arrayValue?.bytes)
  }

  /// The tokenizer this file describes (`HFTokenizer(gguf:source:)`); errors name `file` and
  /// the key at fault.
  public func tokenizer(file: String) throws -> HFTokenizer {
    do {
      return try HFTokenizer(gguf: tokenizerMetadata, source: file)
    } catch {
      throw GGUFError(file: file, subject: "key \"\(error.key)\"", reason: error.reason)
    }
  }
}
