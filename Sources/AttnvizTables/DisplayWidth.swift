/// Terminal column widths of text, so tables of user tokens line up in a monospaced terminal.
///
/// The rules follow Markus Kuhn's `wcwidth` (the table most terminals still implement), widened to
/// emoji: combining and format characters take 0 columns, East Asian Wide/Fullwidth characters and
/// emoji with default emoji presentation take 2, everything else 1. Widths are summed per grapheme
/// cluster and capped at 2, because terminals draw a flag (two regional indicators) or a ZWJ
/// family as one double-width glyph, and a base emoji followed by VS16 (U+FE0F) as double width.
/// It is an approximation: terminals disagree on a few ambiguous characters.
public func displayWidth(_ s: String) -> Int {
  // Printable ASCII (every number, border and most tokens) is one column a byte: skip the
  // grapheme walk, which dominates the time of a 512×512 table otherwise.
  if s.utf8.allSatisfy({ (0x20..<0x7F).contains($0) }) { return s.utf8.count }
  return s.reduce(0) { $0 + displayWidth(of: $1) }
}

/// Columns taken by one grapheme cluster (user-perceived character).
func displayWidth(of character: Character) -> Int {
  var sum = 0
  for scalar in character.unicodeScalars {
    if scalar.value == 0xFE0F { return 2 }  // VS16 asks for emoji presentation
    sum += scalarWidth(scalar)
  }
  return min(sum, 2)
}

private func scalarWidth(_ scalar: Unicode.Scalar) -> Int {
  let v = scalar.value
  if v == 0 { return 0 }
  if v < 0x20 || (0x7F..<0xA0).contains(v) { return 0 }  // controls draw nothing (sanitised anyway)
  if v < 0x7F { return 1 }
  if v == 0xAD { return 1 }  // SOFT HYPHEN is format (Cf) but terminals draw it, as wcwidth says
  switch scalar.properties.generalCategory {
  case .nonspacingMark, .enclosingMark, .format: return 0
  default: break
  }
  // Hangul Jamo medial vowels and final consonants combine with the preceding initial.
  if (0x1160...0x11FF).contains(v) { return 0 }
  if isEastAsianWide(v) || scalar.properties.isEmojiPresentation { return 2 }
  return 1
}

/// East Asian Wide (W) and Fullwidth (F) ranges, as in Kuhn's `mk_wcwidth`.
private func isEastAsianWide(_ v: UInt32) -> Bool {
  guard v >= 0x1100 else { return false }
  return v <= 0x115F  // Hangul Jamo initial consonants
    || v == 0x2329 || v == 0x232A
    || (0x2E80...0xA4CF).contains(v) && v != 0x303F  // CJK … Yi
    || (0xAC00...0xD7A3).contains(v)  // Hangul syllables
    || (0xF900...0xFAFF).contains(v)  // CJK compatibility ideographs
    || (0xFE10...0xFE19).contains(v)  // vertical forms
    || (0xFE30...0xFE6F).contains(v)  // CJK compatibility forms
    || (0xFF00...0xFF60).contains(v)  // fullwidth forms
    || (0xFFE0...0xFFE6).contains(v)
    || (0x20000...0x2FFFD).contains(v)
    || (0x30000...0x3FFFD).contains(v)
}

/// `s` cut to at most `width` display columns, ending in `ellipsis` when anything was cut.
/// Cuts between grapheme clusters, so a combining accent never loses its base letter.
func truncate(_ s: String, toWidth width: Int, ellipsis: String) -> String {
  guard displayWidth(s) > width else { return s }
  let budget = width - displayWidth(ellipsis)
  guard budget > 0 else { return String(ellipsis.prefix(max(width, 0))) }
  var kept = ""
  var used = 0
  for character in s {
    let w = displayWidth(of: character)
    if used + w > budget { break }
    kept.append(character)
    used += w
  }
  return kept + ellipsis
}

enum Alignment { case left, right, center }

/// `s` padded with spaces to `width` display columns.
func pad(_ s: String, toWidth width: Int, _ alignment: Alignment) -> String {
  let missing = max(0, width - displayWidth(s))
  if missing == 0 { return s }
  switch alignment {
  case .left: return s + String(repeating: " ", count: missing)
  case .right: return String(repeating: " ", count: missing) + s
  case .center:
    let left = missing / 2
    return String(repeating: " ", count: left) + s
      + String(repeating: " ", count: missing - left)
  }
}
