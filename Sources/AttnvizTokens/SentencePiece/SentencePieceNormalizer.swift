/// SentencePiece's normaliser (src/normalizer.cc, `Normalizer::Normalize`): each character (or
/// the longest sequence a rule covers) is replaced by the precompiled map's rule; leading,
/// trailing and repeated spaces are removed (`remove_extra_whitespaces`); a space is prefixed
/// (`add_dummy_prefix`); spaces become "▁" (`escape_whitespaces`). Pieces of type
/// USER_DEFINED are kept as they are, as sentencepiece's prefix matcher keeps them.
///
///     "  Hello   ﬁne  world " → "▁Hello▁fine▁world"   (nmt_nfkc)
///
/// Also records, for every normalised byte, the input byte it came from, so tokens keep their
/// source ranges.
public struct SentencePieceNormalizer: Sendable, Equatable {
  public var charsMap: PrecompiledCharsMap?
  public var addDummyPrefix = true
  public var removeExtraWhitespaces = true
  public var escapeWhitespaces = true
  public var treatWhitespaceAsSuffix = false
  /// USER_DEFINED pieces, matched before the rules (longest first).
  public var userDefined: Set<[UInt8]> = []

  public init(
    charsMap: PrecompiledCharsMap?, addDummyPrefix: Bool = true,
    removeExtraWhitespaces: Bool = true, escapeWhitespaces: Bool = true
  ) {
    self.charsMap = charsMap
    self.addDummyPrefix = addDummyPrefix
    self.removeExtraWhitespaces = removeExtraWhitespaces
    self.escapeWhitespaces = escapeWhitespaces
  }

  static let space: [UInt8] = [0xE2, 0x96, 0x81]

  /// The normalised bytes and, for each, the offset of the input byte it came from (plus one
  /// entry past the end: where the input was consumed to).
  public func normalize(_ input: [UInt8]) throws(PrecompiledCharsMap.Corrupt) -> (
    bytes: [UInt8], origins: [Int]
  ) {
    try normalize(input, limit: .max) ?? ([], [0])
  }

  /// `normalize(_:)`, or nil as soon as the output passes `limit` bytes (a map whose rules
  /// replace one character by a long string must not fill memory).
  public func normalize(_ input: [UInt8], limit: Int) throws(PrecompiledCharsMap.Corrupt) -> (
    bytes: [UInt8], origins: [Int]
  )? {
    var position = 0
    if removeExtraWhitespaces {
      while position < input.count {
        let (replacement, length) = try prefix(input, at: position)
        guard replacement.elementsEqual([0x20]) else { break }
        position += length
      }
    }
    guard position < input.count else { return ([], []) }
    var out: [UInt8] = []
    var origins: [Int] = []
    out.reserveCapacity(min(input.count, limit / 3) * 3)
    let spaceBytes: [UInt8] = escapeWhitespaces ? Self.space : [0x20]
    func addSpace(_ origin: Int) {
      out += spaceBytes
      origins += Array(repeating: origin, count: spaceBytes.count)
    }
    if !treatWhitespaceAsSuffix && addDummyPrefix { addSpace(position) }
    var previousIsSpace = removeExtraWhitespaces
    while position < input.count {
      let (replacement, length) = try prefix(input, at: position)
      var piece = replacement[...]
      while previousIsSpace, piece.first == 0x20 { piece = piece.dropFirst() }
      if !piece.isEmpty {
        for byte in piece {
          if escapeWhitespaces && byte == 0x20 {
            addSpace(position)
          } else {
            out.append(byte)
            origins.append(position)
          }
        }
        previousIsSpace = piece.last == 0x20
        if out.count > limit { return nil }
      }
      position += length
      if !removeExtraWhitespaces { previousIsSpace = false }
    }
    var consumed = position
    if removeExtraWhitespaces {
      while out.count >= spaceBytes.count, out.suffix(spaceBytes.count).elementsEqual(spaceBytes) {
        let length = out.count - spaceBytes.count
        consumed = origins[length]
        out.removeLast(spaceBytes.count)
        origins.removeLast(spaceBytes.count)
      }
    }
    if treatWhitespaceAsSuffix && addDummyPrefix { addSpace(consumed) }
    origins.append(consumed)
    return (out, origins)
  }

  /// What replaces the start of `input[position...]`, and how many input bytes that consumes:
  /// a user-defined piece as it is, else the longest rule, else one UTF-8 character as it is
  /// (a malformed byte becomes U+FFFD).
  private func prefix(_ input: [UInt8], at position: Int) throws(PrecompiledCharsMap.Corrupt)
    -> ([UInt8], Int)
  {
    if !userDefined.isEmpty {
      var longest = 0
      for piece in userDefined where piece.count > longest {
        if input.count - position >= piece.count,
          input[position..<position + piece.count].elementsEqual(piece)
        {
          longest = piece.count
        }
      }
      if longest > 0 { return (Array(input[position..<position + longest]), longest) }
    }
    if let charsMap, let rule = try charsMap.longestMatch(input, from: position) {
      return (Array(rule.replacement), rule.length)
    }
    guard let length = Self.characterLength(input, at: position) else {
      return ([0xEF, 0xBF, 0xBD], 1)
    }
    return (Array(input[position..<position + length]), length)
  }

  /// The length of the valid UTF-8 character at `position`, or nil for a malformed one.
  static func characterLength(_ input: [UInt8], at position: Int) -> Int? {
    let lead = input[position]
    let length =
      lead < 0x80
      ? 1 : lead >> 5 == 0b110 ? 2 : lead >> 4 == 0b1110 ? 3 : lead >> 3 == 0b11110 ? 4 : 0
    guard length > 0, position + length <= input.count else { return nil }
    for i in 1..<length where input[position + i] & 0xC0 != 0x80 { return nil }
    return length
  }
}
