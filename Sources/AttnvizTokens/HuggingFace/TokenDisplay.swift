import AttnvizFiles
import AttnvizStyle

/// How a vocabulary entry becomes the label a table or figure shows. Every tokenizer goes
/// through the same rule (`TokenDisplay.visible`, which GPT-2's display uses too): the token's
/// bytes decoded as UTF-8, a space shown as `·`, newline as `\n`, other invisible characters as
/// `<U+200B>`, a byte that is not a whole character as `<0xF0>`.
///
/// What differs is how an entry spells its bytes:
/// - `byteLevel`: in GPT-2's `ByteLevelAlphabet` (`Ġworld` → " world" → `·world`);
/// - `metaspace`: `▁` stands for a space and `<0xE2>` for one byte (SentencePiece's byte
///   fallback): `▁world` → `·world`, `<0xF0>` → `<0xF0>`;
/// - `plain`: the entry is the text (WordPiece keeps its `##`: `##able`).
public enum TokenDisplay: Sendable, Equatable {
  case byteLevel
  case metaspace(Unicode.Scalar)
  case plain

  /// From the pre-tokenizer (or a normalizer that writes `▁`, as Llama 2's files do).
  init(inferredFrom preTokenizer: HFTokenizer.PreTokenizer?, normalizer: HFTokenizer.Normalizer?) {
    if let preTokenizer, preTokenizer.isByteLevel {
      self = .byteLevel
    } else if let replacement = preTokenizer?.metaspaceReplacement {
      self = .metaspace(replacement)
    } else if let normalizer, normalizer.writesMetaspace {
      self = .metaspace("\u{2581}")
    } else {
      self = .plain
    }
  }

  /// The label of a model token given its vocabulary entry.
  public func text(ofModelToken raw: String) -> String {
    switch self {
    case .byteLevel:
      guard let bytes = ByteLevelAlphabet.decode(raw) else { return Self.visible(Array(raw.utf8)) }
      return Self.visible(bytes)
    case .metaspace(let replacement):
      if let byte = Self.fallbackByte(raw) { return Self.visible([byte]) }
      var view = String.UnicodeScalarView()
      for scalar in raw.unicodeScalars { view.append(scalar == replacement ? " " : scalar) }
      return Self.visible(Array(String(view).utf8))
    case .plain:
      return Self.visible(Array(raw.utf8))
    }
  }

  /// The label of an added token (its content is the text itself, in every style).
  public func text(ofAdded content: String) -> String { Self.visible(Array(content.utf8)) }

  /// `<0xE2>` → 0xE2.
  static func fallbackByte(_ raw: String) -> UInt8? {
    let u = Array(raw.utf8)
    guard u.count == 6, u[0] == UInt8(ascii: "<"), u[1] == UInt8(ascii: "0"),
      u[2] == UInt8(ascii: "x"), u[5] == UInt8(ascii: ">"),
      let high = hexValue(u[3]), let low = hexValue(u[4])
    else { return nil }
    return UInt8(high << 4 | low)
  }

  /// Bytes made readable: the one rule for every tokenizer's labels.
  ///
  ///     visible(Array(" world".utf8)) == "·world"    visible([0xF0, 0x9F]) == "<0xF0><0x9F>"
  public static func visible(_ bytes: [UInt8]) -> String {
    var out = ""
    var i = 0
    while i < bytes.count {
      if let (scalar, length) = decodeUTF8(bytes, at: i) {
        if i == 0, isCombiningMark(scalar) { out += "\u{25CC}" }
        out += GPT2Tokenizer.visible(scalar)
        i += length
      } else {
        out += "<0x\(hex(bytes[i]))>"
        i += 1
      }
    }
    return out
  }
}

extension HFTokenizer.PreTokenizer {
  var metaspaceReplacement: Unicode.Scalar? {
    switch self {
    case .metaspace(let replacement, _, _): replacement
    case .sequence(let steps): steps.lazy.compactMap(\.metaspaceReplacement).first
    default: nil
    }
  }
}

extension HFTokenizer.Normalizer {
  /// Llama 2's older files: `Replace(" ", "▁")` in the normalizer, no pre-tokenizer.
  var writesMetaspace: Bool {
    switch self {
    case .replace(_, let content): content.unicodeScalars.contains("\u{2581}")
    case .prepend(let prefix): prefix.unicodeScalars.contains("\u{2581}")
    case .sequence(let steps): steps.contains(where: \.writesMetaspace)
    default: false
    }
  }
}
