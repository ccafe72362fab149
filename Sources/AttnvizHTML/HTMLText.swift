import AttnvizStyle
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

/// A JSON string literal that is also safe inside a `<script>` element (the one JSON rule of
/// AttnvizStyle, with `<`, `>` and `&` escaped too). The page reads it back with `JSON.parse`
/// and shows it only through `textContent`, never as markup.
func scriptJSONString(_ s: String) -> String { jsonStringLiteral(s, inScript: true) }
