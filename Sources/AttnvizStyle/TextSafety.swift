/// The one rule for user text (a token, a title, a path, a recorded command) on its way to a
/// person: one table of the scalars that may never reach a destination raw, and one escaper per
/// destination. Every output of attnviz goes through exactly one of these:
///
/// | destination | function | an unsafe scalar becomes |
/// |---|---|---|
/// | terminal (tables, progress, `info`) | `sanitizeForTerminal` | `?` (plain) or U+FFFD |
/// | one error or note line on stderr | `oneLine` | a space |
/// | XML: SVG text, attributes, metadata | `escapeXML` (+ `displayScalars` for drawing) | U+FFFD |
/// | HTML character data and attributes | `escapeHTML` | U+FFFD |
/// | Markdown (tables.md, index.md, explain.md) | `escapeMarkdown` | U+FFFD |
/// | CSV fields | `csvField` | kept, quoted (CSV is data) |
/// | JSON strings | `jsonStringLiteral` | `\uXXXX` (exact, reversible) |
///
/// Tokens first pass the label rule (`tokenLabel`), which shows these scalars and more
/// (private-use, unassigned, other spaces) as `<U+XXXX>`, so a token never needs a placeholder.
///
/// The table (`isUnsafeScalar`):
/// - controls: C0 (U+0000–001F, so ESC, CR, LF, TAB), DEL, C1 (U+0080–009F, with the 8-bit CSI);
/// - format characters (general category Cf): the bidi embeddings, overrides, isolates and marks
///   of "Trojan Source" (CVE-2021-42574), zero-width spaces, the BOM, soft hyphen, tag
///   characters, prepended concatenation marks (U+0600…, which would join the next `<` into one
///   Character) — except U+200C/U+200D, the joiners that emoji and many scripts need and that
///   cannot reorder or hide text;
/// - the line and paragraph separators U+2028, U+2029;
/// - the noncharacters U+FDD0–FDEF and U+nFFFE/U+nFFFF of every plane (U+FFFE and U+FFFF are
///   illegal in XML even as references).
public func isUnsafeScalar(_ scalar: Unicode.Scalar) -> Bool {
  let v = scalar.value
  if v < 0x20 || (0x7F...0x9F).contains(v) { return true }
  if v < 0xA0 { return false }
  if isNoncharacter(scalar) { return true }
  switch scalar.properties.generalCategory {
  case .format: return v != 0x200C && v != 0x200D
  case .lineSeparator, .paragraphSeparator, .control, .surrogate: return true
  default: return false
  }
}

/// U+FDD0–FDEF and the last two code points of every plane: never characters, illegal in XML.
public func isNoncharacter(_ scalar: Unicode.Scalar) -> Bool {
  let v = scalar.value
  return (0xFDD0...0xFDEF).contains(v) || v & 0xFFFE == 0xFFFE
}

/// `text` with every unsafe scalar replaced by `placeholder` (nothing copied when it has none).
public func replacingUnsafeScalars(_ text: String, with placeholder: Unicode.Scalar) -> String {
  guard text.unicodeScalars.contains(where: isUnsafeScalar) else { return text }
  var out = String.UnicodeScalarView()
  for scalar in text.unicodeScalars {
    out.append(isUnsafeScalar(scalar) ? placeholder : scalar)
  }
  return String(out)
}

/// Makes user text safe to write to a terminal: nothing in it may move the cursor, change
/// colours, ring the bell, end a line, reorder or hide the rest of the line. Removing ESC alone
/// defuses an escape sequence: "\u{1B}[31m" becomes "?[31m", visible and inert.
///
/// `asciiOnly` chooses the placeholder only: "?" when true (plain tables), U+FFFD otherwise.
/// Other non-ASCII text (é, 动, 👍) is the user's text and is kept as it is.
public func sanitizeForTerminal(_ s: String, asciiOnly: Bool) -> String {
  replacingUnsafeScalars(s, with: asciiOnly ? "?" : "\u{FFFD}")
}

/// Error messages can quote user input (a token, a path): kept on one line and free of unsafe
/// scalars so they cannot break or drive the terminal; each becomes a space. The shell uses it
/// for every line it prints to standard error: errors (its own and the argument parser's), notes
/// and the list of written files.
public func oneLine(_ message: String) -> String {
  replacingUnsafeScalars(message, with: " ")
}

/// Text as XML character data or a double-quoted attribute value (SVG text, class names, the
/// metadata of a figure): the five specials escaped, unsafe scalars (which XML cannot hold, or
/// which a viewer would let reorder the text) as U+FFFD. The result is always well-formed XML.
public func escapeXML(_ text: String) -> String {
  escapeMarkup(text, apostrophe: "&apos;")
}

/// Reads back what `escapeXML` (or any XML writer) wrote: the five named entities and decimal
/// or hexadecimal character references; anything else is kept as it is.
public func unescapeXML(_ text: String) -> String {
  guard text.contains("&") else { return text }
  var out = ""
  var rest = Substring(text)
  while let amp = rest.firstIndex(of: "&") {
    out += rest[..<amp]
    let tail = rest[amp...]
    guard let semicolon = tail.prefix(12).firstIndex(of: ";") else {
      out += "&"
      rest = rest[rest.index(after: amp)...]
      continue
    }
    let name = tail[tail.index(after: amp)..<semicolon]
    let named: [Substring: String] = [
      "amp": "&", "lt": "<", "gt": ">", "quot": "\"", "apos": "'",
    ]
    var decoded: String? = named[name]
    if decoded == nil, name.hasPrefix("#") {
      let digits = name.dropFirst()
      let value =
        digits.hasPrefix("x") || digits.hasPrefix("X")
        ? UInt32(digits.dropFirst(), radix: 16) : UInt32(digits, radix: 10)
      decoded = value.flatMap(Unicode.Scalar.init).map { String($0) }
    }
    if let decoded {
      out += decoded
      rest = rest[rest.index(after: semicolon)...]
    } else {
      out += "&"
      rest = rest[rest.index(after: amp)...]
    }
  }
  return out + rest
}

/// The scalars of `string` as both figure encoders draw them: unsafe scalars as U+FFFD "�", so a
/// title holding a raw newline, an escape code or a bidi override is visible, measurable, drawn
/// the same in PNG and SVG, and still legal inside an SVG.
public func displayScalars(_ string: String) -> [Unicode.Scalar] {
  string.unicodeScalars.map { isUnsafeScalar($0) ? "\u{FFFD}" : $0 }
}

/// Text as HTML character data or a quoted attribute value: the five specials escaped, unsafe
/// scalars (which could reorder or hide the page's text) as U+FFFD. Works on scalars, not
/// Characters, so no `<` can hide inside a grapheme cluster. The one rule for every piece of
/// text that reaches an HTML page as markup.
public func escapeHTML(_ text: String) -> String {
  escapeMarkup(text, apostrophe: "&#39;")
}

/// The one markup escaper behind `escapeXML` and `escapeHTML`, which differ only in how they
/// write `'` (`&apos;` is XML's; HTML 4 lacks it, so pages use `&#39;`).
private func escapeMarkup(_ text: String, apostrophe: String) -> String {
  var out = ""
  out.unicodeScalars.reserveCapacity(text.unicodeScalars.count)
  for scalar in text.unicodeScalars {
    switch scalar {
    case "&": out += "&amp;"
    case "<": out += "&lt;"
    case ">": out += "&gt;"
    case "\"": out += "&quot;"
    case "'": out += apostrophe
    default: out.unicodeScalars.append(isUnsafeScalar(scalar) ? "\u{FFFD}" : scalar)
    }
  }
  return out
}

/// Text that Markdown (CommonMark, GitHub) shows as the text itself, in a table cell, a heading
/// or a paragraph: unsafe scalars (a newline would end the table) become U+FFFD; `\` and `|` are
/// backslash-escaped, as are the syntax characters `` ` * _ [ ] < > & ~ # + `` so that "<s>",
/// "**", "&amp;" or a caption starting with "# " show literally instead of as HTML, emphasis,
/// entities or a heading (CommonMark lets any ASCII punctuation be escaped). Works on scalars:
/// a `<` behind a prepended mark is still escaped. Leading and trailing spaces, which Markdown
/// would trim (GPT-2's " the" is not "the"), become `&nbsp;`.
public func escapeMarkdown(_ text: String) -> String {
  var escaped = String.UnicodeScalarView()
  for scalar in text.unicodeScalars {
    if isUnsafeScalar(scalar) {
      escaped.append("\u{FFFD}")
      continue
    }
    switch scalar {
    case "\\", "|", "`", "*", "_", "[", "]", "<", ">", "&", "~", "#", "+": escaped.append("\\")
    default: break
    }
    escaped.append(scalar)
  }
  let leading = escaped.prefix(while: { $0 == " " }).count
  guard leading < escaped.count else {
    return String(repeating: "&nbsp;", count: leading)
  }
  let trailing = escaped.reversed().prefix(while: { $0 == " " }).count
  let core = String(String.UnicodeScalarView(escaped.dropFirst(leading).dropLast(trailing)))
  return String(repeating: "&nbsp;", count: leading) + core
    + String(repeating: "&nbsp;", count: trailing)
}

/// One CSV field (RFC 4180), quoted when the RFC requires it: a comma, a double quote, CR or LF
/// (rule 6), or a leading or trailing space (allowed, and it stops readers that trim from
/// changing the token); quotes inside are doubled (rule 7).
///
/// `isText`: the field is text (a token), not a number. A text field that begins with `=`, `+`,
/// `-`, `@`, TAB or CR would be run as a formula by spreadsheet programs (`=HYPERLINK(…)`); it
/// gets a leading `'`, which they read as "this cell is text" and do not show, and is quoted
/// (OWASP's advice for CSV injection). Numbers ("-0.5") are written as they are.
public func csvField(_ field: String, isText: Bool = true) -> String {
  var field = field
  if isText, let first = field.unicodeScalars.first,
    ["=", "+", "-", "@", "\t", "\r"].contains(first)
  {
    field = "'" + field
    return quotedCSV(field)
  }
  let needsQuotes =
    field.unicodeScalars.contains { $0 == "," || $0 == "\"" || $0 == "\r" || $0 == "\n" }
    || field.hasPrefix(" ") || field.hasSuffix(" ")
  return needsQuotes ? quotedCSV(field) : field
}

/// Checks scalars, not Characters: "\r\n" is a single Character in Swift.
private func quotedCSV(_ field: String) -> String {
  var quoted = "\""
  for scalar in field.unicodeScalars {
    if scalar == "\"" { quoted.unicodeScalars.append("\"") }
    quoted.unicodeScalars.append(scalar)
  }
  return quoted + "\""
}
