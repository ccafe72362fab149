/// The word-level tokenizer of the embedded layer and of `--weights` files.
///
/// Rules: whitespace separates tokens and is dropped. A word is a maximal run of letters, digits
/// and combining marks; an apostrophe (' or ’) or a hyphen between two letters stays inside the
/// word (`didn't`, `self-attention`, `transformer's`). Every other character is a token of its own
/// (`.`, `,`, `—`, `"`), and so is each CJK ideograph and each emoji. Works on grapheme clusters,
/// so a letter with a combining accent or a multi-scalar emoji (👍🏽, 👨‍👩‍👧) is never split.
///
///     "The animal didn't cross the street." → The | animal | didn't | cross | the | street | .
public struct WordTokenizer: Tokenizer {
  public init() {}

  public func tokenize(_ text: String) throws -> [Token] {
    var tokens: [Token] = []
    let characters = Array(text)
    let offsets = utf8Offsets(of: characters)
    var i = 0
    while i < characters.count {
      let c = characters[i]
      if c.isWhitespace || isInvisibleControl(c) {
        i += 1
        continue
      }
      var end = i + 1
      if isWordCharacter(c) && !isStandalone(c) {
        while end < characters.count {
          let next = characters[end]
          if isWordCharacter(next) && !isStandalone(next) {
            end += 1
          } else if isInWordJoiner(next), end + 1 < characters.count,
            characters[end - 1].isLetter, characters[end + 1].isLetter,
            !isStandalone(characters[end + 1])
          {
            end += 2
          } else {
            break
          }
        }
      }
      tokens.append(Token(String(characters[i..<end]), sourceRange: offsets[i]..<offsets[end]))
      i = end
    }
    guard !tokens.isEmpty else { throw TokenizerError.emptyText }
    return tokens
  }

  private func utf8Offsets(of characters: [Character]) -> [Int] {
    var offsets = [0]
    offsets.reserveCapacity(characters.count + 1)
    var total = 0
    for c in characters {
      total += c.utf8.count
      offsets.append(total)
    }
    return offsets
  }
}

/// Letters, digits and combining marks. A `Character` is a grapheme cluster, so a base letter with
/// combining marks is one character whose first scalar decides.
func isWordCharacter(_ c: Character) -> Bool {
  guard let first = c.unicodeScalars.first else { return false }
  switch first.properties.generalCategory {
  case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter,
    .decimalNumber, .letterNumber, .otherNumber, .nonspacingMark, .spacingMark, .enclosingMark:
    return true
  default:
    return false
  }
}

/// Characters that are tokens on their own even though they are letters: CJK ideographs (Chinese
/// has no spaces, so a "word" run would swallow a whole sentence), kana, and emoji.
func isStandalone(_ c: Character) -> Bool {
  guard let first = c.unicodeScalars.first else { return false }
  return isCJK(first) || isEmoji(c)
}

func isCJK(_ s: Unicode.Scalar) -> Bool {
  switch s.value {
  case 0x4E00...0x9FFF, 0x3400...0x4DBF, 0x20000...0x2A6DF, 0x2A700...0x2EBEF, 0x30000...0x323AF,
    0xF900...0xFAFF, 0x2F800...0x2FA1F,  // ideographs (the ranges BERT's tokenizer uses and more)
    0x3040...0x309F, 0x30A0...0x30FF:  // hiragana, katakana
    return true
  default:
    return false
  }
}

func isEmoji(_ c: Character) -> Bool {
  let scalars = c.unicodeScalars
  guard let first = scalars.first else { return false }
  // Digits and # are Emoji=yes too; they are emoji only when followed by a presentation selector.
  if first.properties.isEmojiPresentation { return true }
  return first.properties.isEmoji && scalars.count > 1 && first.value > 0x7F
}

/// Apostrophes and hyphens that stay inside a word when letters stand on both sides.
func isInWordJoiner(_ c: Character) -> Bool {
  c == "'" || c == "\u{2019}" || c == "-" || c == "\u{2010}"
}

/// Control and format characters (zero-width space, BOM, escapes) separate tokens like spaces and
/// never become tokens: they would print as nothing, or worse, drive the terminal.
func isInvisibleControl(_ c: Character) -> Bool {
  guard let first = c.unicodeScalars.first else { return false }
  switch first.properties.generalCategory {
  case .control, .format, .lineSeparator, .paragraphSeparator, .unassigned, .surrogate,
    .privateUse:
    return c.unicodeScalars.count == 1 || first.properties.generalCategory == .control
  default:
    return false
  }
}
