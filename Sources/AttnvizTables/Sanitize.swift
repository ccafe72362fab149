/// Makes user text safe to write to a terminal: nothing in a token may move the cursor, change
/// colours, ring the bell, end a line or reorder the rest of the line.
///
/// Replaced, one placeholder per scalar: C0 controls (U+0000–001F, so also ESC, CR, LF, TAB),
/// DEL (U+007F), C1 controls (U+0080–009F, which include the 8-bit CSI), the bidi embeddings,
/// overrides and isolates (U+202A–202E, U+2066–2069) and the bidi marks U+200E, U+200F, U+061C
/// ("Trojan Source", CVE-2021-42574), and the line/paragraph separators U+2028, U+2029.
/// Removing ESC alone defuses an escape sequence: "\u{1B}[31m" becomes "?[31m", visible and inert.
///
/// `asciiOnly` chooses the placeholder only: "?" when true (plain tables), U+FFFD otherwise.
/// Other non-ASCII text (é, 动, 👍) is the user's text and is kept as it is.
public func sanitizeForTerminal(_ s: String, asciiOnly: Bool) -> String {
  guard s.unicodeScalars.contains(where: isUnsafeForTerminal) else { return s }
  let placeholder: Unicode.Scalar = asciiOnly ? "?" : "\u{FFFD}"
  var out = String.UnicodeScalarView()
  for scalar in s.unicodeScalars {
    out.append(isUnsafeForTerminal(scalar) ? placeholder : scalar)
  }
  return String(out)
}

func isUnsafeForTerminal(_ scalar: Unicode.Scalar) -> Bool {
  switch scalar.value {
  case 0x00...0x1F, 0x7F...0x9F: true
  case 0x202A...0x202E, 0x2066...0x2069, 0x200E, 0x200F, 0x061C: true
  case 0x2028, 0x2029: true
  default: false
  }
}
