import AttnvizFiles
import Foundation

/// Reads the components of a `tokenizer.json` into `HFTokenizer`'s types, strictly: an
/// unsupported component is named with the list of those attnviz reads.
struct TokenizerJSONReader {
  struct Failure: Error {
    var reason: String
  }

  typealias T = HFTokenizer

  static let normalizers =
    "NFC, NFD, NFKC, NFKD, Lowercase, StripAccents, BertNormalizer, Prepend, Replace, Strip, "
    + "Precompiled and Sequence"
  static let preTokenizers =
    "ByteLevel, Metaspace, Split, Digits, Whitespace, WhitespaceSplit, BertPreTokenizer, "
    + "Punctuation, CharDelimiterSplit and Sequence"
  static let postProcessors =
    "TemplateProcessing, BertProcessing, RobertaProcessing, ByteLevel and Sequence"

  func type(_ value: JSONValue, _ what: String) throws(Failure) -> String {
    guard let type = value["type"]?.string else {
      throw Failure(reason: "its \(what) has no \"type\"")
    }
    return type
  }

  func unsupported(_ what: String, _ type: String, _ list: String) -> Failure {
    Failure(reason: "\(what) type \"\(type)\" is not supported; attnviz reads \(list)")
  }

  func bool(_ value: JSONValue, _ key: String, _ fallback: Bool) throws(Failure) -> Bool {
    guard let member = value[key], !member.isNull else { return fallback }
    guard let b = member.bool else { throw Failure(reason: "\"\(key)\" must be true or false") }
    return b
  }

  func optionalString(_ value: JSONValue, _ key: String) throws(Failure) -> String? {
    guard let member = value[key], !member.isNull else { return nil }
    guard let s = member.string else { throw Failure(reason: "\"\(key)\" must be a string") }
    return s
  }

  func string(_ value: JSONValue, _ key: String, _ what: String) throws(Failure) -> String {
    guard let s = try optionalString(value, key) else {
      throw Failure(reason: "its \(what) has no \"\(key)\" string")
    }
    return s
  }

  func singleScalar(_ text: String, _ what: String) throws(Failure) -> Unicode.Scalar {
    let scalars = Array(text.unicodeScalars)
    guard scalars.count == 1 else { throw Failure(reason: "\(what) must be one character") }
    return scalars[0]
  }

  /// `{"String": "x"}` or `{"Regex": "…"}`.
  func pattern(_ value: JSONValue?, _ what: String) throws(Failure) -> SplitRegex {
    guard let value else { throw Failure(reason: "its \(what) has no \"pattern\"") }
    if let literal = value["String"]?.string { return SplitRegex(literal: literal) }
    if let regex = value["Regex"]?.string {
      do {
        return try SplitRegex(regex)
      } catch {
        throw Failure(reason: "the \(what) pattern \"\(regex)\" cannot be read: \(error.reason)")
      }
    }
    throw Failure(reason: "the \(what) pattern must be {\"String\": …} or {\"Regex\": …}")
  }

  // MARK: model

  mutating func model(_ value: JSONValue?) throws -> T.Model {
    guard let value, value.object != nil else {
      throw Failure(reason: "has no \"model\" object")
    }
    var type = value["type"]?.string
    if type == nil {
      // Files from old versions of the library have no type: tell them by their keys.
      if value["merges"] != nil {
        type = "BPE"
      } else if value["max_input_chars_per_word"] != nil {
        type = "WordPiece"
      } else if value["unk_id"] != nil {
        type = "Unigram"
      }
    }
    switch type {
    case "BPE": return .bpe(try bpe(value))
    case "WordPiece":
      return .wordPiece(
        try T.WordPiece(
          vocabulary: try vocabulary(value["vocab"]),
          unknownToken: try optionalString(value, "unk_token") ?? "[UNK]",
          continuingSubwordPrefix: try optionalString(value, "continuing_subword_prefix") ?? "##",
          maxInputCharactersPerWord: value["max_input_chars_per_word"]?.int ?? 100))
    case "Unigram": return .unigram(try unigram(value))
    default:
      throw unsupported("model", type ?? "(none)", "BPE, WordPiece and Unigram")
    }
  }

  func vocabulary(_ value: JSONValue?) throws(Failure) -> [(String, Int)] {
    guard let members = value?.object else {
      throw Failure(reason: "its model's \"vocab\" must be an object from tokens to ids")
    }
    var entries: [(String, Int)] = []
    entries.reserveCapacity(members.count)
    for member in members {
      guard let id = member.value.int, id >= 0, id < 1 << 31 else {
        throw Failure(reason: "the id of \"\(member.key)\" must be a whole number ≥ 0")
      }
      entries.append((member.key, id))
    }
    return entries
  }

  /// `{"type": "Unigram", "unk_id": 2, "vocab": [["<pad>", 0.0], …], "byte_fallback": false}`.
  func unigram(_ value: JSONValue) throws -> T.Unigram {
    guard let list = value["vocab"]?.array else {
      throw Failure(reason: "its Unigram model's \"vocab\" must be a list of [token, score]")
    }
    var vocabulary: [(String, Double)] = []
    vocabulary.reserveCapacity(list.count)
    for (index, entry) in list.enumerated() {
      guard let pair = entry.array, pair.count == 2, let token = pair[0].string,
        let score = pair[1].number
      else {
        throw Failure(reason: "Unigram vocab entry \(index) must be [\"token\", score]")
      }
      vocabulary.append((token, score))
    }
    var unknownID: Int?
    if let member = value["unk_id"], !member.isNull {
      guard let id = member.int, id >= 0 else {
        throw Failure(reason: "\"unk_id\" must be a whole number ≥ 0")
      }
      unknownID = id
    }
    return try T.Unigram(
      vocabulary: vocabulary, unknownID: unknownID,
      byteFallback: try bool(value, "byte_fallback", false))
  }

  func bpe(_ value: JSONValue) throws -> T.BPE {
    if let dropout = value["dropout"], !dropout.isNull, (dropout.int ?? 1) != 0 {
      // Dropout makes tokenization random; transformers does not apply it when encoding.
      _ = dropout
    }
    guard let list = value["merges"]?.array else {
      throw Failure(reason: "its BPE model has no \"merges\" list")
    }
    var merges: [(String, String)] = []
    merges.reserveCapacity(list.count)
    for (index, entry) in list.enumerated() {
      if let line = entry.string {
        let parts = line.split(separator: " ", omittingEmptySubsequences: false)
        guard parts.count == 2 else {
          throw Failure(
            reason: "merge \(index + 1) (\"\(line)\") must be two symbols and one space")
        }
        merges.append((String(parts[0]), String(parts[1])))
      } else if let pair = entry.array, pair.count == 2, let a = pair[0].string,
        let b = pair[1].string
      {
        merges.append((a, b))
      } else {
        throw Failure(reason: "merge \(index + 1) must be \"a b\" or [\"a\", \"b\"]")
      }
    }
    return try T.BPE(
      vocabulary: try vocabulary(value["vocab"]), merges: merges,
      unknownToken: try optionalString(value, "unk_token"),
      continuingSubwordPrefix: try optionalString(value, "continuing_subword_prefix"),
      endOfWordSuffix: try optionalString(value, "end_of_word_suffix"),
      fuseUnknown: try bool(value, "fuse_unk", false),
      byteFallback: try bool(value, "byte_fallback", false),
      ignoreMerges: try bool(value, "ignore_merges", false))
  }

  // MARK: normalizer

  func normalizer(_ value: JSONValue?, depth: Int = 0) throws(Failure) -> T.Normalizer? {
    guard let value, !value.isNull else { return nil }
    guard depth < 16 else { throw Failure(reason: "its normalizers nest too deep") }
    let type = try self.type(value, "normalizer")
    switch type {
    case "NFC": return .nfc
    case "NFD": return .nfd
    case "NFKC": return .nfkc
    case "NFKD": return .nfkd
    case "Lowercase": return .lowercase
    case "StripAccents": return .stripAccents
    case "BertNormalizer":
      var strip: Bool?
      if let member = value["strip_accents"], !member.isNull {
        guard let b = member.bool else {
          throw Failure(reason: "\"strip_accents\" must be true, false or null")
        }
        strip = b
      }
      return .bert(
        cleanText: try bool(value, "clean_text", true),
        handleChineseCharacters: try bool(value, "handle_chinese_chars", true),
        stripAccents: strip, lowercase: try bool(value, "lowercase", true))
    case "Prepend": return .prepend(try string(value, "prepend", "Prepend normalizer"))
    case "Replace":
      return .replace(
        try pattern(value["pattern"], "Replace"),
        try string(value, "content", "Replace normalizer"))
    case "Strip":
      return .strip(
        left: try bool(value, "strip_left", true), right: try bool(value, "strip_right", true))
    case "Precompiled":
      // transformers writes an empty map as "" or null: no rules.
      guard let text = try optionalString(value, "precompiled_charsmap"), !text.isEmpty else {
        return .sequence([])
      }
      guard let blob = Data(base64Encoded: text) else {
        throw Failure(reason: "its Precompiled \"precompiled_charsmap\" is not base64")
      }
      do {
        return .precompiled(try PrecompiledCharsMap(Array(blob)))
      } catch {
        throw Failure(reason: error.reason)
      }
    case "Sequence":
      guard let list = value["normalizers"]?.array else {
        throw Failure(reason: "its Sequence normalizer has no \"normalizers\" list")
      }
      var steps: [T.Normalizer] = []
      for item in list {
        if let step = try normalizer(item, depth: depth + 1) { steps.append(step) }
      }
      return .sequence(steps)
    default:
      throw unsupported("normalizer", type, Self.normalizers)
    }
  }

  // MARK: pre-tokenizer

  func behavior(_ value: JSONValue, _ fallback: T.SplitBehavior) throws(Failure)
    -> T.SplitBehavior
  {
    guard let name = try optionalString(value, "behavior") else { return fallback }
    guard let behavior = T.SplitBehavior(rawValue: name) else {
      throw Failure(
        reason: "split behavior \"\(name)\" is not one of "
          + T.SplitBehavior.allCases.map(\.rawValue).joined(separator: ", "))
    }
    return behavior
  }

  func preTokenizer(_ value: JSONValue?, depth: Int = 0) throws(Failure) -> T.PreTokenizer? {
    guard let value, !value.isNull else { return nil }
    guard depth < 16 else { throw Failure(reason: "its pre-tokenizers nest too deep") }
    let type = try self.type(value, "pre-tokenizer")
    switch type {
    case "ByteLevel":
      return .byteLevel(
        addPrefixSpace: try bool(value, "add_prefix_space", true),
        useRegex: try bool(value, "use_regex", true))
    case "Metaspace":
      let replacement = try singleScalar(
        try optionalString(value, "replacement") ?? "\u{2581}", "Metaspace's replacement")
      var scheme = T.PrependScheme.always
      if let name = try optionalString(value, "prepend_scheme") {
        guard let parsed = T.PrependScheme(rawValue: name) else {
          throw Failure(reason: "Metaspace's prepend_scheme must be always, first or never")
        }
        scheme = parsed
      } else if !(try bool(value, "add_prefix_space", true)) {
        scheme = .never
      }
      return .metaspace(
        replacement: replacement, scheme: scheme, split: try bool(value, "split", true))
    case "Split":
      return .split(
        try pattern(value["pattern"], "Split"), try behavior(value, .isolated),
        invert: try bool(value, "invert", false))
    case "Digits": return .digits(individual: try bool(value, "individual_digits", false))
    case "Whitespace": return .whitespace
    case "WhitespaceSplit": return .whitespaceSplit
    case "BertPreTokenizer": return .bert
    case "Punctuation": return .punctuation(try behavior(value, .isolated))
    case "CharDelimiterSplit":
      return .characterDelimiter(
        try singleScalar(try string(value, "delimiter", "CharDelimiterSplit"), "delimiter"))
    case "Sequence":
      guard let list = value["pretokenizers"]?.array else {
        throw Failure(reason: "its Sequence pre-tokenizer has no \"pretokenizers\" list")
      }
      var steps: [T.PreTokenizer] = []
      for item in list {
        if let step = try preTokenizer(item, depth: depth + 1) { steps.append(step) }
      }
      return .sequence(steps)
    default:
      throw unsupported("pre-tokenizer", type, Self.preTokenizers)
    }
  }

  // MARK: post-processor

  func postProcessor(_ value: JSONValue?, depth: Int = 0) throws(Failure) -> T.PostProcessor {
    guard let value, !value.isNull else { return T.PostProcessor() }
    guard depth < 16 else { throw Failure(reason: "its post-processors nest too deep") }
    let type = try self.type(value, "post-processor")
    switch type {
    case "ByteLevel": return T.PostProcessor(trimsOffsets: try bool(value, "trim_offsets", true))
    case "BertProcessing", "RobertaProcessing":
      let trims = try bool(value, "trim_offsets", true)
      return T.PostProcessor(
        prefix: [try pairToken(value["cls"], "cls")], suffix: [try pairToken(value["sep"], "sep")],
        trimsOffsets: type == "RobertaProcessing" && trims)
    case "TemplateProcessing": return try template(value)
    case "Sequence":
      guard let list = value["processors"]?.array else {
        throw Failure(reason: "its Sequence post-processor has no \"processors\" list")
      }
      var result = T.PostProcessor()
      for item in list {
        let step = try postProcessor(item, depth: depth + 1)
        result = T.PostProcessor(
          prefix: step.prefix + result.prefix, suffix: result.suffix + step.suffix,
          trimsOffsets: result.trimsOffsets || step.trimsOffsets)
      }
      return result
    default:
      throw unsupported("post-processor", type, Self.postProcessors)
    }
  }

  /// `["[CLS]", 101]`.
  func pairToken(_ value: JSONValue?, _ key: String) throws(Failure) -> T.TemplateToken {
    guard let pair = value?.array, pair.count == 2, let content = pair[0].string,
      let id = pair[1].int, id >= 0
    else { throw Failure(reason: "the post-processor's \"\(key)\" must be [\"token\", id]") }
    return T.TemplateToken(content, id: id)
  }

  /// The `single` template: special tokens before and after the one `Sequence` `A`.
  func template(_ value: JSONValue) throws(Failure) -> T.PostProcessor {
    guard let single = value["single"]?.array else {
      throw Failure(reason: "its TemplateProcessing has no \"single\" template")
    }
    var result = T.PostProcessor()
    var seenSequence = false
    for piece in single {
      if piece["Sequence"] != nil {
        guard !seenSequence else {
          throw Failure(reason: "its single template has more than one sequence")
        }
        seenSequence = true
        continue
      }
      guard let name = piece["SpecialToken"]?["id"]?.string else {
        throw Failure(reason: "its template pieces must be Sequence or SpecialToken")
      }
      guard let entry = value["special_tokens"]?[name], let ids = entry["ids"]?.array,
        let tokens = entry["tokens"]?.array, ids.count == tokens.count
      else { throw Failure(reason: "its template uses \"\(name)\", which special_tokens lacks") }
      var expanded: [T.TemplateToken] = []
      for (id, token) in zip(ids, tokens) {
        guard let id = id.int, id >= 0, let content = token.string else {
          throw Failure(reason: "special token \"\(name)\" needs whole-number ids and strings")
        }
        expanded.append(T.TemplateToken(content, id: id))
      }
      if seenSequence { result.suffix += expanded } else { result.prefix += expanded }
    }
    guard seenSequence else {
      throw Failure(reason: "its single template has no Sequence A")
    }
    return result
  }

  // MARK: added tokens and display

  func addedTokens(_ value: JSONValue?) throws(Failure) -> [T.AddedToken] {
    guard let value, !value.isNull else { return [] }
    guard let list = value.array else { throw Failure(reason: "\"added_tokens\" must be a list") }
    var tokens: [T.AddedToken] = []
    for item in list {
      guard let content = item["content"]?.string, !content.isEmpty, let id = item["id"]?.int,
        id >= 0, id < 1 << 31
      else {
        throw Failure(reason: "each added token needs a non-empty \"content\" and an \"id\" ≥ 0")
      }
      let special = try bool(item, "special", false)
      tokens.append(
        T.AddedToken(
          content: content, id: id, special: special,
          singleWord: try bool(item, "single_word", false), lstrip: try bool(item, "lstrip", false),
          rstrip: try bool(item, "rstrip", false),
          normalized: try bool(item, "normalized", !special)))
    }
    return tokens
  }

  /// The decoder says how entries spell text; nil leaves it to the pre-tokenizer.
  func display(_ value: JSONValue?) throws(Failure) -> TokenDisplay? {
    guard let value, !value.isNull, let type = value["type"]?.string else { return nil }
    switch type {
    case "ByteLevel": return .byteLevel
    case "Metaspace":
      let replacement = try optionalString(value, "replacement") ?? "\u{2581}"
      return .metaspace(try singleScalar(replacement, "the decoder's replacement"))
    case "WordPiece": return .plain
    case "Sequence":
      for item in value["decoders"]?.array ?? [] {
        if let inner = try display(item), inner != .plain { return inner }
        if item["type"]?.string == "Replace", item["pattern"]?["String"]?.string == "\u{2581}" {
          return .metaspace("\u{2581}")
        }
        if item["type"]?.string == "ByteFallback" { return .metaspace("\u{2581}") }
      }
      return nil
    default: return nil
    }
  }
}
