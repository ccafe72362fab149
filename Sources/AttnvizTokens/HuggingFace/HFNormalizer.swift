import Foundation

extension HFTokenizer {
  /// The `normalizer` of tokenizer.json: rewrites the text before it is split, each output
  /// scalar keeping the input bytes it came from (so tokens point back at the text even after
  /// lower-casing, NFKC or a prepended `▁`). Semantics of the `tokenizers` library.
  public indirect enum Normalizer: Sendable, Equatable {
    case nfc, nfd, nfkc, nfkd
    /// Every scalar by its full lower-case mapping, without context (`Σ` → `σ` always).
    case lowercase
    /// Drops the non-spacing marks (Mn); pair with NFD to strip accents from "é".
    case stripAccents
    /// BERT's cleaning: drop controls, whitespace → " ", spaces around CJK ideographs, then
    /// NFD + strip accents (nil: when lower-casing) and lower-case.
    case bert(cleanText: Bool, handleChineseCharacters: Bool, stripAccents: Bool?, lowercase: Bool)
    /// Puts the string in front of a non-empty text (Llama 2's "▁").
    case prepend(String)
    case replace(SplitRegex, String)
    /// Removes White_Space from the left and/or right end.
    case strip(left: Bool, right: Bool)
    case sequence([Normalizer])
    /// SentencePiece's rules as tokenizers applies them (`Precompiled`): each grapheme cluster
    /// under 6 bytes is replaced whole by the replacement of the shortest rule matching its
    /// start; otherwise each of its characters by its own rule; text no rule matches stays.
    ///
    ///     "ｆｕｌｌ ﬁne" → "full fine"    (nmt_nfkc)
    case precompiled(PrecompiledCharsMap)
    /// SentencePiece's own normaliser (`SentencePieceNormalizer`: the longest rule of the
    /// precompiled map, extra spaces removed, the dummy prefix, spaces as `▁`), as the
    /// `sentencepiece` library and llama.cpp's UGM tokenizer apply it to a GGUF `t5` vocabulary.
    ///
    ///     "  Hello   ﬁne " → "▁Hello▁fine"    (nmt_nfkc)
    case sentencePiece(SentencePieceNormalizer)

    /// Why normalising failed.
    public enum Failure: Error, Equatable {
      /// A stage's output passed `maximumOutput` scalars.
      case tooLong
      /// A rule of a precompiled character map points outside its replacements.
      case corrupt(String)
    }

    /// At most this many scalars out of any one stage: four times the longest text attnviz reads
    /// (1 MiB). NFKD or BERT's spaced ideographs grow a text a few times; a `Replace` of one
    /// letter by 100,000 would grow it without bound, and is refused instead of filling memory.
    public static let maximumOutput = 4 << 20

    /// The normalised text; every stage's output is bounded by `maximumOutput`.
    func apply(_ text: [SourcedScalar]) throws(Failure) -> [SourcedScalar] {
      let out = try unbounded(text)
      guard out.count <= Self.maximumOutput else { throw .tooLong }
      return out
    }

    private func unbounded(_ text: [SourcedScalar]) throws(Failure) -> [SourcedScalar] {
      switch self {
      case .nfc: return unicodeNormalized(text) { $0.precomposedStringWithCanonicalMapping }
      case .nfd: return unicodeNormalized(text) { $0.decomposedStringWithCanonicalMapping }
      case .nfkc: return unicodeNormalized(text) { $0.precomposedStringWithCompatibilityMapping }
      case .nfkd: return unicodeNormalized(text) { $0.decomposedStringWithCompatibilityMapping }
      case .lowercase:
        return text.flatMap { item in
          AttnvizTokens.lowercase(item.scalar).map {
            SourcedScalar(scalar: $0, source: item.source)
          }
        }
      case .stripAccents:
        return text.filter { $0.scalar.properties.generalCategory != .nonspacingMark }
      case .bert(let clean, let chinese, let strip, let lower):
        var out = text
        if clean { out = bertCleaned(out) }
        if chinese { out = spacedIdeographs(out) }
        if strip ?? lower {
          // BERT's own accent rule (`isBertAccent`: Unicode 8.0's marks), not StripAccents'.
          out = try Normalizer.nfd.apply(out).filter { !isBertAccent($0.scalar) }
        }
        if lower { out = try Normalizer.lowercase.apply(out) }
        return out
      case .prepend(let prefix):
        // What is put in front points at the first character, as the library aligns it.
        guard let first = text.first else { return text }
        return prefix.unicodeScalars.map { SourcedScalar(scalar: $0, source: first.source) } + text
      case .replace(let pattern, let content):
        return try replacing(text, pattern, content)
      case .strip(let left, let right):
        var slice = text[...]
        if left { slice = slice.drop { $0.scalar.properties.isWhitespace } }
        if right {
          while let last = slice.last, last.scalar.properties.isWhitespace { slice.removeLast() }
        }
        return Array(slice)
      case .sequence(let steps):
        var out = text
        for step in steps { out = try step.apply(out) }
        return out
      case .precompiled(let map):
        do {
          return try precompiledNormalized(text, map)
        } catch {
          throw .corrupt(error.reason)
        }
      case .sentencePiece(let normalizer):
        return try sentencePieceNormalized(text, normalizer)
      }
    }
  }
}

/// Unicode normalisation one grapheme cluster at a time (composition and reordering never
/// cross a cluster boundary), so each output scalar keeps the bytes of its own cluster.
func unicodeNormalized(_ text: [SourcedScalar], _ form: (String) -> String) -> [SourcedScalar] {
  var view = String.UnicodeScalarView()
  view.append(contentsOf: text.map(\.scalar))
  var out: [SourcedScalar] = []
  out.reserveCapacity(text.count)
  var index = 0
  for cluster in String(view) {
    let count = cluster.unicodeScalars.count
    let items = text[index..<(index + count)]
    index += count
    let normalized = form(String(cluster)).unicodeScalars
    if normalized.elementsEqual(items.map(\.scalar)) {
      out += items
      continue
    }
    let lower = items.map(\.source.lowerBound).min() ?? 0
    let upper = items.map(\.source.upperBound).max() ?? lower
    out += normalized.map { SourcedScalar(scalar: $0, source: lower..<upper) }
  }
  return out
}

/// `Normalizer.precompiled`: one grapheme cluster at a time, as tokenizers' `Precompiled`
/// (`spm_precompiled`'s `normalize_string`). Replacements take the bytes of the cluster (or
/// character) they replace.
func precompiledNormalized(_ text: [SourcedScalar], _ map: PrecompiledCharsMap)
  throws(PrecompiledCharsMap.Corrupt) -> [SourcedScalar]
{
  var view = String.UnicodeScalarView()
  view.append(contentsOf: text.map(\.scalar))
  var out: [SourcedScalar] = []
  out.reserveCapacity(text.count)
  func append(_ replacement: ArraySlice<UInt8>, _ source: Range<Int>) {
    for scalar in String(decoding: replacement, as: UTF8.self).unicodeScalars {
      out.append(SourcedScalar(scalar: scalar, source: source))
    }
  }
  var index = 0
  for cluster in String(view) {
    let count = cluster.unicodeScalars.count
    let items = text[index..<(index + count)]
    index += count
    let bytes = Array(cluster.utf8)
    if bytes.count < 6, let replacement = try map.shortestMatch(bytes[...]) {
      let lower = items.map(\.source.lowerBound).min() ?? 0
      append(replacement, lower..<(items.map(\.source.upperBound).max() ?? lower))
      continue
    }
    for item in items {
      if let replacement = try map.shortestMatch(Array(item.scalar.utf8)[...]) {
        append(replacement, item.source)
      } else {
        out.append(item)
      }
    }
  }
  return out
}

/// `Normalizer.sentencePiece`: the text's UTF-8 bytes through `SentencePieceNormalizer`, each
/// output scalar taking the source of the input scalar its first byte came from.
func sentencePieceNormalized(_ text: [SourcedScalar], _ normalizer: SentencePieceNormalizer)
  throws(HFTokenizer.Normalizer.Failure) -> [SourcedScalar]
{
  var bytes: [UInt8] = []
  // scalarAt[b]: the input scalar byte b belongs to.
  var scalarAt: [Int] = []
  bytes.reserveCapacity(text.count)
  for (index, item) in text.enumerated() {
    for byte in String(item.scalar).utf8 {
      bytes.append(byte)
      scalarAt.append(index)
    }
  }
  let result: (bytes: [UInt8], origins: [Int])?
  do {
    // Bounded in bytes, before any scalar is made: a scalar is at least one byte, so the
    // scalars are bounded too.
    result = try normalizer.normalize(bytes, limit: HFTokenizer.Normalizer.maximumOutput)
  } catch {
    throw .corrupt(error.reason)
  }
  guard let normalized = result else { throw .tooLong }
  var out: [SourcedScalar] = []
  out.reserveCapacity(normalized.bytes.count)
  let end = text.last?.source.upperBound ?? 0
  // The output is valid UTF-8 (whole characters and the map's replacements), so each scalar's
  // first byte is at `offset`, and its origin names the input byte it came from.
  var offset = 0
  for scalar in String(decoding: normalized.bytes, as: UTF8.self).unicodeScalars {
    let origin = offset < normalized.origins.count ? normalized.origins[offset] : scalarAt.count
    let source = origin < scalarAt.count ? text[scalarAt[origin]].source : end..<end
    out.append(SourcedScalar(scalar: scalar, source: source))
    offset += UTF8.width(scalar)
  }
  return out
}

/// BertNormalizer's `clean_text`: drop NUL, U+FFFD and other controls; whitespace → " ".
func bertCleaned(_ text: [SourcedScalar]) -> [SourcedScalar] {
  text.compactMap { item in
    let s = item.scalar
    if s.value == 0 || s.value == 0xFFFD || isBertControl(s) { return nil }
    if isBertWhitespace(s) || s.properties.isWhitespace {
      return SourcedScalar(scalar: " ", source: item.source)
    }
    return item
  }
}

/// BertNormalizer's `handle_chinese_chars`: a space before and after each CJK ideograph.
func spacedIdeographs(_ text: [SourcedScalar]) -> [SourcedScalar] {
  var out: [SourcedScalar] = []
  out.reserveCapacity(text.count)
  for item in text {
    if isBertChineseCharacter(item.scalar) {
      let space = SourcedScalar(scalar: " ", source: item.source)
      out += [space, item, space]
    } else {
      out.append(item)
    }
  }
  return out
}

/// Every match of `pattern` replaced by `content`, which takes the bytes of what it replaced;
/// stops as soon as the output passes `Normalizer.maximumOutput`, before allocating more.
func replacing(_ text: [SourcedScalar], _ pattern: SplitRegex, _ content: String)
  throws(HFTokenizer.Normalizer.Failure) -> [SourcedScalar]
{
  // A budget overrun leaves the text as it is; the pre-tokenizer's own check reports it.
  guard let matches = try? pattern.matches(in: text.map(\.scalar)), !matches.isEmpty else {
    return text
  }
  var out: [SourcedScalar] = []
  var position = 0
  for match in matches {
    out += text[position..<match.lowerBound]
    let lower =
      match.isEmpty
      ? (match.lowerBound < text.count ? text[match.lowerBound].source.lowerBound : 0)
      : text[match.lowerBound].source.lowerBound
    let upper = match.isEmpty ? lower : text[match.upperBound - 1].source.upperBound
    out += content.unicodeScalars.map { SourcedScalar(scalar: $0, source: lower..<upper) }
    position = match.upperBound
    if out.count > HFTokenizer.Normalizer.maximumOutput { throw .tooLong }
  }
  out += text[position...]
  return out
}
