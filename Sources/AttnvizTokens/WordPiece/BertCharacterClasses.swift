// The character classes of BERT's tokenizer, as google-research/bert tokenization.py and
// Hugging Face's BertTokenizer define them. Each works on one Unicode scalar (a Python `str`
// character), not on a grapheme cluster.

/// Whitespace: space, tab, newline, carriage return and the space separators (Zs). Tab, newline
/// and return are control characters by category; BERT counts them as whitespace.
func isBertWhitespace(_ s: Unicode.Scalar) -> Bool {
  switch s {
  case " ", "\t", "\n", "\r": return true
  default: return s.properties.generalCategory == .spaceSeparator
  }
}

/// Control and other invisible characters (categories C*: Cc, Cf, Cs, Co, Cn), except the tab,
/// newline and return that `isBertWhitespace` takes. Cleaning drops them, so a zero-width joiner
/// or a terminal escape never reaches the vocabulary.
func isBertControl(_ s: Unicode.Scalar) -> Bool {
  if s == "\t" || s == "\n" || s == "\r" { return false }
  switch s.properties.generalCategory {
  case .control, .format, .surrogate, .privateUse, .unassigned: return true
  default: return false
  }
}

/// Punctuation: every ASCII character that is not a letter, digit or space ($, ^, ` and + are
/// symbols to Unicode but punctuation to BERT), and every Unicode punctuation category P*.
func isBertPunctuation(_ s: Unicode.Scalar) -> Bool {
  switch s.value {
  case 33...47, 58...64, 91...96, 123...126: return true
  default: break
  }
  switch s.properties.generalCategory {
  case .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation,
    .initialPunctuation, .finalPunctuation, .otherPunctuation:
    return true
  default:
    return false
  }
}

/// The CJK Unified Ideographs blocks (with extensions A–E and the compatibility blocks), which
/// BERT makes tokens of their own. Hiragana, katakana and Hangul are not in it: they are written
/// with spaces or handled by WordPiece like any letters.
func isBertChineseCharacter(_ s: Unicode.Scalar) -> Bool {
  switch s.value {
  case 0x4E00...0x9FFF, 0x3400...0x4DBF, 0x20000...0x2A6DF, 0x2A700...0x2B73F,
    0x2B740...0x2B81F, 0x2B820...0x2CEAF, 0xF900...0xFAFF, 0x2F800...0x2FA1F:
    return true
  default:
    return false
  }
}
