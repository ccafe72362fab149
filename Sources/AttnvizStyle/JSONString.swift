/// The one JSON string literal of every file attnviz writes (attention.json, the analysis
/// documents, the data inside the page).
///
/// Quotes, backslashes and every control character are escaped, and also the scalars JSON
/// allows raw but terminals, editors and XML act on: the whole table of `isUnsafeScalar` (C1
/// controls, U+009B being a one-byte CSI; bidi overrides, isolates and marks; other format
/// characters; the line separators U+2028/U+2029; noncharacters such as U+FFFE), as `\uXXXX`
/// (a surrogate pair above U+FFFF). The escape is exact: `jq -r` still shows the real text, and
/// the recorded command inside an SVG's metadata reads back as it was; `cat` of the file cannot
/// be steered by it.
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

/// The scalars `jsonStringLiteral` writes as `\uXXXX`: the one table of unsafe scalars.
func needsJSONEscape(_ scalar: Unicode.Scalar) -> Bool { isUnsafeScalar(scalar) }

/// `\u001b`: four lower-case hex digits; above U+FFFF a UTF-16 surrogate pair, as JSON writes it.
private func unicodeEscape(_ scalar: Unicode.Scalar) -> String {
  func four(_ value: UInt32) -> String {
    let hex = String(value, radix: 16)
    return "\\u" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
  }
  guard scalar.value > 0xFFFF else { return four(scalar.value) }
  let v = scalar.value - 0x10000
  return four(0xD800 + (v >> 10)) + four(0xDC00 + (v & 0x3FF))
}
