import AttnvizTables

/// Text as HTML character data or attribute value: the five specials escaped, control and bidi
/// characters (which could reorder or hide the page's text) replaced by U+FFFD. The one rule
/// for every piece of text that reaches an HTML page as markup.
public func escapeHTML(_ text: String) -> String {
  var out = ""
  for character in sanitizeForTerminal(text, asciiOnly: false) {
    switch character {
    case "&": out += "&amp;"
    case "<": out += "&lt;"
    case ">": out += "&gt;"
    case "\"": out += "&quot;"
    case "'": out += "&#39;"
    default: out.append(character)
    }
  }
  return out
}

/// A JSON string literal that is also safe inside a `<script>` element: besides JSON's own
/// escapes, `<`, `>` and `&` are written as `\u003c` … so no token can close the element or
/// open a comment, and U+2028/U+2029 are escaped for old parsers. The page reads it back with
/// `JSON.parse` and shows it only through `textContent`, never as markup.
func scriptJSONString(_ s: String) -> String {
  var out = "\""
  for scalar in s.unicodeScalars {
    switch scalar {
    case "\"": out += "\\\""
    case "\\": out += "\\\\"
    case "\n": out += "\\n"
    case "\r": out += "\\r"
    case "\t": out += "\\t"
    case "<", ">", "&", "\u{2028}", "\u{2029}": out += unicodeEscape(scalar.value)
    case _ where scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value):
      out += unicodeEscape(scalar.value)
    default: out.unicodeScalars.append(scalar)
    }
  }
  return out + "\""
}

private func unicodeEscape(_ value: UInt32) -> String {
  let hex = String(value, radix: 16)
  return "\\u" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
}
