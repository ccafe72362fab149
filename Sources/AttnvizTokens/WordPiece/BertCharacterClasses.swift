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

/// Control and other invisible characters, except the tab, newline and return that
/// `isBertWhitespace` takes: cleaning drops them, so a zero-width joiner or a terminal escape
/// never reaches the vocabulary. Exactly what Hugging Face's `BertNormalizer` drops, whose
/// character tables are those of Unicode 8.0 (its `unicode_categories` crate): controls (Cc),
/// private-use (Co) and the format characters (Cf) Unicode 8.0 had. Unassigned scalars and
/// noncharacters (U+FFFE) are kept and become `[UNK]`; so are format characters added later
/// (U+0890, Unicode 14), which that table does not know.
func isBertControl(_ s: Unicode.Scalar) -> Bool {
  if s == "\t" || s == "\n" || s == "\r" { return false }
  switch s.properties.generalCategory {
  case .control, .surrogate, .privateUse: return true
  case .format: return isInBertTables(s)
  default: return false
  }
}

/// An accent BERT strips after NFD: a non-spacing mark (Mn) that Unicode 8.0 had, as in Hugging
/// Face's `BertNormalizer` (`is_mark_nonspacing` on Unicode 8.0 tables). A mark added later
/// (U+11F5A, Unicode 16) is kept, as it is there.
func isBertAccent(_ s: Unicode.Scalar) -> Bool {
  s.properties.generalCategory == .nonspacingMark && isInBertTables(s)
}

/// Assigned in Unicode 8.0 or earlier: the version of the character tables of Hugging Face's
/// BERT normaliser (measured: U+08E3, Mn since 8.0, is stripped; U+08D4, Mn since 9.0, is not).
func isInBertTables(_ s: Unicode.Scalar) -> Bool {
  guard let age = s.properties.age else { return false }
  return age.major < 8 || (age.major == 8 && age.minor == 0)
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
