import AttnvizMath
import AttnvizStyle
import Testing

@testable import AttnvizTables

#if canImport(Glibc)
  import Glibc
#endif

@Suite struct TextUtilityTests {
  @Test(arguments: [
    ("abc", 3), ("é", 1), ("e\u{301}", 1), ("动物", 4), ("한국어", 6), ("ｶ", 1), ("Ａ", 2),
    ("👍", 2), ("👍🏽", 2), ("🇫🇷", 2), ("👨‍👩‍👧", 2), ("❤️", 2), ("\u{200B}", 0), ("\u{AD}", 1), ("", 0),
  ])
  func displayWidthCountsColumns(text: String, columns: Int) {
    #expect(displayWidth(text) == columns)
  }

  @Test func truncationKeepsGraphemesAndFitsTheWidth() {
    #expect(truncate("abcdefgh", toWidth: 6, ellipsis: "...") == "abc...")
    #expect(truncate("abcdefgh", toWidth: 6, ellipsis: "…") == "abcde…")
    #expect(truncate("abcdef", toWidth: 6, ellipsis: "…") == "abcdef")
    // A wide character that would straddle the limit is dropped whole.
    #expect(truncate("a动物动物", toWidth: 5, ellipsis: "…") == "a动…")
    #expect(truncate("e\u{301}e\u{301}e\u{301}", toWidth: 2, ellipsis: "…") == "e\u{301}…")
  }

  @Test func sanitisingReplacesControlsAndBidiOnly() {
    let input = "a\u{0}b\u{1B}c\u{7F}d\u{85}e\u{202A}f\u{2066}g\u{200F}h\u{2028}i\te\n"
    #expect(sanitizeForTerminal(input, asciiOnly: true) == "a?b?c?d?e?f?g?h?i?e?")
    #expect(sanitizeForTerminal("\u{1B}", asciiOnly: false) == "\u{FFFD}")
    #expect(sanitizeForTerminal("é动👍 ok", asciiOnly: true) == "é动👍 ok")
    #expect(sanitizeForTerminal("\r\n", asciiOnly: true) == "??")
  }

  @Test(arguments: [
    (0.125, 2, "0.12"), (0.135, 2, "0.14"), (0.005, 2, "0.01"), (1, 2, "1.00"),
    (-0.001, 2, "0.00"), (-0.42, 2, "-0.42"), (2.5, 0, "2"), (1e10, 2, "1.00e+10"),
    (Double.nan, 2, "nan"), (-Double.infinity, 2, "-inf"),
  ])
  func fixedDecimalsRoundLikePrintf(value: Double, decimals: Int, text: String) {
    #expect(formatFixed(value, decimals: decimals) == text)
  }
}

@Suite struct FixedFormatAgreesWithPrintf {
  /// Every value the fast path handles must print exactly as glibc's vsnprintf would.
  @Test(arguments: [0, 1, 2, 3, 6])
  func fastPathMatchesPrintf(decimals: Int) {
    var generator = SplitMix64(seed: 42)
    var values: [Double] = [
      0.125, 0.375, 2.5, 0.5, 1.5, -0.125, 0.005, 0.015, 0.045, 999_999_999.995,
    ]
    for _ in 0..<3_000 {
      let bits = generator.next()
      let unit = Double(bits >> 11) / Double(1 << 53)
      let exponent = Double(Int(bits & 0xF)) - 6  // 1e-6 … 1e9
      values.append((unit - 0.5) * 2 * pow10(exponent))
      values.append((Double(Int(bits % 2_000_001)) - 1_000_000) / pow10(Double(decimals + 1)))
    }
    for value in values {
      let expected = referencePrintf(value, decimals: decimals)
      #expect(formatFixed(value, decimals: decimals) == expected, "\(value)")
    }
  }
}

/// glibc's own answer, with "-0.00" folded to "0.00" as `formatFixed` documents.
private func referencePrintf(_ value: Double, decimals: Int) -> String {
  var buffer = [CChar](repeating: 0, count: 64)
  let count = buffer.count
  _ = buffer.withUnsafeMutableBufferPointer { out in
    withVaList([Int32(decimals), value]) { vsnprintf(out.baseAddress, count, "%.*f", $0) }
  }
  var text = String(
    decoding: buffer.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }, as: UTF8.self)
  if text.hasPrefix("-"), !text.contains(where: { ("1"..."9").contains($0) }) {
    text.removeFirst()
  }
  return text
}

private func pow10(_ exponent: Double) -> Double { pow(10, exponent) }
