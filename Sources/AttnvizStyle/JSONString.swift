/// The one JSON string literal of every file attnviz writes (attention.json, the analysis
/// documents, the data inside the page).
///
/// Quotes, backslashes and every control character are escaped, and also the characters JSON
/// allows raw but terminals and editors act on: C1 controls (U+0080–U+009F, U+009B is a
/// one-byte CSI), bidi overrides and isolates (U+202A–U+202E, U+2066–U+2069, the marks U+200E,
/// U+200F, U+061C) and the line separators U+2028/U+2029. `jq -r` still shows the real text;
/// `cat` of the file cannot be steered by it.
///
/// `inScript`: the literal goes inside an HTML `<script>` element, so `<`, `>` and `&` are
/// written as `\u003c` … too, and no token can close the element or open a comment.
public func jsonStringLiteral(_ s: String, inScript: Bool = false) -> String {
  var out = "\""
  for scalar in s.unicodeScalars {
    switch scalar {
    case "\"": out += "\\\""
    case "\\": out += "\\\\"
    case "\n": out += "\\n"
    case "\r": out += "\\r"
    case "\t": out += "\\t"
    case _ where inScript && (scalar == "<" || scalar == ">" || scalar == "&"):
      out += unicodeEscape(scalar)
    case _ where needsJSONEscape(scalar): out += unicodeEscape(scalar)
    default: out.unicodeScalars.append(scalar)
    }
  }
  return out + "\""
}

/// The scalars `jsonStringLiteral` writes as `\uXXXX`.
func needsJSONEscape(_ scalar: Unicode.Scalar) -> Bool {
  switch scalar.value {
  case 0..<0x20, 0x7F...0x9F, 0x061C, 0x200E, 0x200F, 0x2028...0x202E, 0x2066...0x2069: true
  default: false
  }
}

/// `\u001b`: four lower-case hex digits (every escaped scalar is in the BMP).
private func unicodeEscape(_ scalar: Unicode.Scalar) -> String {
  let hex = String(scalar.value, radix: 16)
  return "\\u" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
}
