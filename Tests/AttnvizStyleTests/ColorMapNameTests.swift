import Testing

@testable import AttnvizStyle

@Suite struct ColorMapNameTests {
  @Test func namesAndAliasesResolveOnce() {
    #expect(ColorMapName(name: "Viridis") == .viridis)
    #expect(ColorMapName(name: "grey") == .gray)
    #expect(ColorMapName(name: "RdBu_r") == .diverging)
    #expect(ColorMapName(name: "rainbow") == nil)
    #expect(ColorMapName.listed.map(\.rawValue) == ColorMap.sequentialNames)
    for name in ColorMapName.allCases { #expect(name.map.name == name.rawValue) }
  }

  @Test func oneContrastRuleForEveryOutput() {
    // Luminance 0.179 is the crossover; mid grey 128 (0.216) wants dark text, 110 (0.155) light.
    #expect(prefersDarkText(on: RGBA(128, 128, 128)))
    #expect(!prefersDarkText(on: RGBA(110, 110, 110)))
    #expect(abs(relativeLuminance(.white) - 1) < 1e-12 && relativeLuminance(.black) == 0)
  }

  @Test func printfRoundingFromTheExactBinaryValue() {
    #expect(formatFixed(0.125, decimals: 2) == "0.12")
    #expect(formatFixed(0.375, decimals: 2) == "0.38")
    #expect(formatFixed(2.675, decimals: 2) == "2.67")  // 2.67499999… in binary
    #expect(formatFixed(-0.001, decimals: 2) == "0.00")
    #expect(formatRoundTrip(0.1) == "0.1" && formatRoundTrip(-0.0) == "0.0")
  }
}

@Suite struct TokenLabelTests {
  @Test(arguments: [
    ("a\nb", "a\\nb"),
    ("\u{1B}[31m", "<U+001B>[31m"),
    ("a\u{202E}b", "a<U+202E>b"),
    ("x\u{200B}", "x<U+200B>"),
    ("\u{A0}", "<U+00A0>"),
    ("\u{301}e", "\u{25CC}\u{301}e"),
    ("", "∅"),
    ("  ", "␣␣"),
    ("café 动 👍", "café 动 👍"),
    ("\u{FFFF}", "<U+FFFF>"),
  ])
  func oneRuleForEveryOutput(text: String, shown: String) {
    #expect(tokenLabel(text) == shown)
    #expect(tokenLabel(tokenLabel(text)) == tokenLabel(text), "idempotent")
  }
}
