#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// WCAG relative luminance of an sRGB colour, 0 (black) … 1 (white).
public func relativeLuminance(_ color: RGBA) -> Double {
  func linear(_ channel: UInt8) -> Double {
    let c = Double(channel) / 255
    return c <= 0.04045 ? c / 12.92 : pow((c + 0.055) / 1.055, 2.4)
  }
  return 0.2126 * linear(color.r) + 0.7152 * linear(color.g) + 0.0722 * linear(color.b)
}

/// True when dark text reads better than white on `background`: its WCAG relative luminance
/// exceeds 0.179, the point where black and white text have equal contrast ratios
/// ((L + 0.05) / 0.05 = 1.05 / (L + 0.05)  ⇔  L = sqrt(1.05 × 0.05) − 0.05 ≈ 0.179).
/// The one contrast rule of figures, terminal tables and the page.
public func prefersDarkText(on background: RGBA) -> Bool {
  relativeLuminance(background) > 0.179
}

/// Black or white, whichever reads better on `background`.
public func contrastingTextColor(on background: RGBA) -> RGBA {
  prefersDarkText(on: background) ? .black : .white
}
