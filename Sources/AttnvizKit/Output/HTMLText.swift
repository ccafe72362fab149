import AttnvizTables

/// Text as HTML character data or attribute value: the five specials escaped, control and bidi
/// characters (which could reorder or hide the page's text) replaced by U+FFFD.
package func escapeHTML(_ text: String) -> String {
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
