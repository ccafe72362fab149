import AttnvizStyle
import Foundation
import Testing

/// The one table of unsafe scalars and its escapers: whatever the text, no destination receives
/// an unsafe scalar raw, and markup characters are escaped scalar by scalar (a `<` glued into a
/// grapheme cluster by a prepended mark is still a `<`).
@Suite struct TextSafetyTests {
  /// Scalars from every class of the table, plus markup and formula starters.
  static let hostile: [String] = [
    "\u{1B}[31mred", "a\nb", "tab\t", "\u{7F}\u{85}\u{9B}", "\u{202E}evil\u{202C}", "\u{2066}x",
    "zero\u{200B}width", "\u{FEFF}bom", "soft\u{AD}hyphen", "\u{E0041}tag", "\u{2028}\u{2029}",
    "\(nc(0xFFFE))\(nc(0xFFFF))", "\(nc(0xFDD0))", "\(nc(0x1FFFE))\(nc(0x10FFFF))",
    "\u{0600}<img src=x onerror=alert(1)>",
    "<script>&amp;</script>", "=HYPERLINK(\"http://x\")", "@SUM(1)", "-2+3", "+1", "|**`~_[]#",
  ]

  @Test func theTableHoldsEveryClassAndNothingElse() {
    let unsafeScalars: [String] = [
      "\u{0}", "\u{1B}", "\n", "\u{7F}", "\u{85}", "\u{9B}", "\u{61C}", "\u{200E}", "\u{202E}",
      "\u{2066}", "\u{200B}", "\u{FEFF}", "\u{AD}", "\u{600}", "\u{E0001}", "\u{2028}", "\u{2029}",
      "\(nc(0xFDD0))", "\(nc(0xFDEF))", "\(nc(0xFFFE))", "\(nc(0xFFFF))", "\(nc(0x1FFFE))",
      "\(nc(0x10FFFF))",
    ]
    for text in unsafeScalars {
      let unsafe = text.unicodeScalars.first ?? " "
      #expect(isUnsafeScalar(unsafe), "U+\(String(unsafe.value, radix: 16))")
    }
    for safe: Unicode.Scalar in [
      " ", "a", "é", "\u{301}", "\u{200C}", "\u{200D}", "\u{FE0F}", "\u{4E2D}", "\u{1F44D}",
      "\u{E000}", "\u{A0}", "\u{FFFD}", "\u{FDF0}",
    ] {
      #expect(!isUnsafeScalar(safe), "U+\(String(safe.value, radix: 16))")
    }
  }

  @Test func noDestinationReceivesAnUnsafeScalar() {
    for text in Self.hostile {
      let outputs = [
        sanitizeForTerminal(text, asciiOnly: true), sanitizeForTerminal(text, asciiOnly: false),
        oneLine(text), escapeXML(text), escapeHTML(text), escapeMarkdown(text),
        jsonStringLiteral(text), String(String.UnicodeScalarView(displayScalars(text))),
      ]
      for output in outputs {
        #expect(
          !output.unicodeScalars.contains(where: isUnsafeScalar), "\(output.debugDescription)")
      }
    }
  }

  @Test func markupIsEscapedScalarByScalar() {
    let glued = "\u{0600}<img src=x onerror=alert(1)>"
    #expect(!escapeHTML(glued).contains("<"))
    #expect(escapeHTML(glued) == "\u{FFFD}&lt;img src=x onerror=alert(1)&gt;")
    #expect(!escapeXML(glued).contains("<"))
    #expect(escapeMarkdown(glued) == "\u{FFFD}\\<img src=x onerror=alert(1)\\>")
    #expect(escapeMarkdown("# not a heading") == "\\# not a heading")
    #expect(escapeMarkdown(" the ") == "&nbsp;the&nbsp;")
    #expect(escapeXML("a'b\"c&d") == "a&apos;b&quot;c&amp;d")
  }

  @Test func xmlTextReadsBackExactlyWhereItCan() {
    for text in ["plain", "a<b>&c\"d'e", "&#65;", "&unknown; & x", "动物 👍"] {
      #expect(unescapeXML(escapeXML(text)) == text)
    }
    #expect(unescapeXML("&#x41;&#66;") == "AB")
  }

  @Test func jsonEscapesTheTableExactlyAndReadsBack() throws {
    let text = "a\(nc(0xFFFE))b\(nc(0x1FFFF))c\u{200B}d\u{E0041}"
    let literal = jsonStringLiteral(text)
    #expect(literal == "\"a\\ufffeb\\ud83f\\udfffc\\u200bd\\udb40\\udc41\"")
    let back =
      try JSONSerialization.jsonObject(
        with: Data("[\(literal)]".utf8)) as? [String]
    #expect(back == [text])
  }

  @Test func csvCellsThatStartLikeAFormulaAreText() {
    #expect(
      csvField("=HYPERLINK(\"http://x\",\"y\")") == "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\"")
    #expect(csvField("+1") == "\"'+1\"")
    #expect(csvField("-") == "\"'-\"")
    #expect(csvField("@SUM(A1)") == "\"'@SUM(A1)\"")
    #expect(csvField("\tx") == "\"'\tx\"")
    #expect(csvField("-0.5", isText: false) == "-0.5")
    #expect(csvField("plain") == "plain")
    #expect(csvField("a,b") == "\"a,b\"")
  }
}

/// A noncharacter (Swift refuses them in literals).
private func nc(_ value: UInt32) -> String {
  Unicode.Scalar(value).map { String($0) } ?? ""
}
