/// How a token (or any user text) is shown to a person: the one label rule of terminal and
/// Markdown tables, figures (PNG and SVG), explain and the page, so one token looks the same in
/// every output of a run.
///
/// - newline, tab and carriage return read `\n`, `\t`, `\r`;
/// - other invisible or disruptive scalars read `<U+XXXX>`: controls (C0, DEL, C1, so ESC cannot
///   start an escape sequence), format characters (U+200B, the bidi overrides, isolates and
///   marks of "Trojan Source"), other spaces (U+00A0), line and paragraph separators,
///   private-use, unassigned scalars and the non-characters U+FFFE/U+FFFF (illegal in XML);
/// - text that starts with a combining mark gets `◌` (U+25CC) to sit on, as in Unicode charts;
/// - the empty token reads `∅`, a token of plain spaces one `␣` per space.
///
/// The result holds only printable scalars, so applying the rule twice changes nothing.
///
///     tokenLabel("a\nb") == "a\\nb"      tokenLabel("\u{1B}[31m") == "<U+001B>[31m"
public func tokenLabel(_ text: String) -> String {
  if text.isEmpty { return "∅" }
  if text.unicodeScalars.allSatisfy({ $0 == " " }) {
    return String(repeating: "␣", count: text.unicodeScalars.count)
  }
  var out = ""
  for (index, scalar) in text.unicodeScalars.enumerated() {
    if index == 0, isCombiningMark(scalar) { out += "\u{25CC}" }
    out += visibleText(of: scalar)
  }
  return out
}

/// One scalar as `tokenLabel` shows it: itself when it is visible, else an escape. A plain
/// space stays a space (GPT-2's display maps it to `·` before asking).
public func visibleText(of scalar: Unicode.Scalar) -> String {
  switch scalar {
  case " ": return " "
  case "\n": return "\\n"
  case "\t": return "\\t"
  case "\r": return "\\r"
  default: break
  }
  switch scalar.properties.generalCategory {
  case .control, .format, .unassigned, .privateUse, .surrogate, .lineSeparator,
    .paragraphSeparator, .spaceSeparator:
    let digits = String(scalar.value, radix: 16, uppercase: true)
    return "<U+\(String(repeating: "0", count: max(0, 4 - digits.count)))\(digits)>"
  default:
    return String(scalar)
  }
}

/// Marks that draw on the character before them (a token starting with one has nothing to sit on).
public func isCombiningMark(_ scalar: Unicode.Scalar) -> Bool {
  switch scalar.properties.generalCategory {
  case .nonspacingMark, .spacingMark, .enclosingMark: true
  default: false
  }
}
