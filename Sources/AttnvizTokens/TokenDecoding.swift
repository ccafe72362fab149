/// Ids back into tokens, one at a time: what a model's predictions and generated ids are shown
/// as. The label is the one rule of every table (`TokenDisplay.visible`: `·world`, `\n`); the
/// bytes are the text the token stands for, for printing a generated answer as it grows.
public protocol TokenDecoding: Sendable {
  /// The token with this id as tables show it; nil when the vocabulary has no such id.
  func token(id: Int) -> Token?
  /// The UTF-8 bytes the id stands for in text (an added token: its content; a byte-fallback
  /// token `<0xE2>`: that one byte). Empty when the vocabulary has no such id.
  func bytes(id: Int) -> [UInt8]
  /// The id of an added (special) token, by its exact content (`<|im_end|>`).
  func addedTokenID(_ content: String) -> Int?
}

extension HFTokenizer: TokenDecoding {
  public func token(id: Int) -> Token? {
    if let added = addedTokens.last(where: { $0.id == id }) {
      return Token(display.text(ofAdded: added.content), id: id, isSpecial: added.special)
    }
    guard let raw = model.token(for: id) else { return nil }
    return Token(display.text(ofModelToken: raw), id: id)
  }

  public func bytes(id: Int) -> [UInt8] {
    if let added = addedTokens.last(where: { $0.id == id }) { return Array(added.content.utf8) }
    guard let raw = model.token(for: id) else { return [] }
    switch display {
    case .byteLevel:
      return ByteLevelAlphabet.decode(raw) ?? Array(raw.utf8)
    case .metaspace(let replacement):
      if let byte = TokenDisplay.fallbackByte(raw) { return [byte] }
      var view = String.UnicodeScalarView()
      for scalar in raw.unicodeScalars { view.append(scalar == replacement ? " " : scalar) }
      return Array(String(view).utf8)
    case .plain:
      return Array(raw.utf8)
    }
  }

  public func addedTokenID(_ content: String) -> Int? {
    addedTokens.last { $0.content == content }?.id
  }
}

extension GPT2Tokenizer: TokenDecoding {
  public func token(id: Int) -> Token? {
    guard keys.indices.contains(id), !keys[id].isEmpty else { return nil }
    let special = id == endOfTextID
    let bytes = self.bytes(id: id)
    return Token(special ? Self.endOfText : TokenDisplay.visible(bytes), id: id, isSpecial: special)
  }

  public func bytes(id: Int) -> [UInt8] {
    guard keys.indices.contains(id) else { return [] }
    if id == endOfTextID { return Array(Self.endOfText.utf8) }
    let key = keys[id]
    return ByteLevelAlphabet.decode(String(decoding: key, as: UTF8.self)) ?? key
  }

  public func addedTokenID(_ content: String) -> Int? {
    content == Self.endOfText ? endOfTextID : nil
  }
}
