#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The one number format of everything people read (terminal and Markdown tables, annotated
/// heatmaps, SVG, explain's captions and page); JSON and CSV keep round-trip values instead.
///
/// `value` with `decimals` fixed decimals, rounded as C's `printf("%.*f")` rounds: from the exact
/// binary value, so 0.125 → "0.12" and 0.135 → "0.14" exactly as numpy and matplotlib print them.
///
/// "-0.00" is printed "0.00" (a tiny negative score is not meaningfully negative at this
/// precision). Magnitudes of 1e9 and more switch to `%.*e` so one wild value cannot make a table
/// column hundreds of characters wide. NaN and infinities print as "nan", "inf", "-inf".
public func formatFixed(_ value: Double, decimals: Int) -> String {
  if value.isNaN { return "nan" }
  if value.isInfinite { return value < 0 ? "-inf" : "inf" }
  let precision = min(max(decimals, 0), 17)
  var text =
    fastFixed(value, decimals: precision)
    ?? printfFormat(abs(value) >= 1e9 ? "%.*e" : "%.*f", value, precision: precision)
  if text.hasPrefix("-"), !text.utf8.contains(where: { (0x31...0x39).contains($0) }) {
    text.removeFirst()
  }
  return text
}

/// |value| · 10^decimals rounded as printf rounds, as an integer: 0.125 → 12 at two decimals,
/// 0.135 → 14. The HTML page stores weights this way, so its two decimals are the tables'.
/// nil for |value| ≥ 1e9, more than 6 decimals, or a non-finite value.
///
/// Valid for |value| < 1e9 and up to 6 decimals, where
/// `q = value · 10^decimals` stays below 2^51 so q and q + ½ are exact doubles. Fused
/// multiply-adds give the exact sign of `value · 10^d − q`, which decides floor and the
/// round-half-to-even tie exactly as glibc does; a table of 512×512 cells formats in
/// milliseconds instead of the ~1 s that a `vsnprintf` per cell takes.
public func printfRoundedMagnitude(_ value: Double, decimals: Int) -> Int64? {
  guard value.isFinite, abs(value) < 1e9, (0...6).contains(decimals) else { return nil }
  var scale = 1.0
  for _ in 0..<decimals { scale *= 10 }
  let magnitude = abs(value)
  var q = (magnitude * scale).rounded(.down)
  if (-q).addingProduct(magnitude, scale) < 0 { q -= 1 }
  if (-(q + 1)).addingProduct(magnitude, scale) >= 0 { q += 1 }
  let aboveHalf = (-(q + 0.5)).addingProduct(magnitude, scale)
  if aboveHalf > 0 || (aboveHalf == 0 && q.truncatingRemainder(dividingBy: 2) == 1) { q += 1 }
  return Int64(q)
}

/// printf's fixed rounding without printf (see `printfRoundedMagnitude`).
private func fastFixed(_ value: Double, decimals: Int) -> String? {
  guard let scaled = printfRoundedMagnitude(value, decimals: decimals) else { return nil }
  var scale = 1.0
  for _ in 0..<decimals { scale *= 10 }
  let unit = Int64(scale)
  var text = value < 0 ? "-" : ""
  text += String(scaled / unit)
  if decimals > 0 {
    let fraction = String(scaled % unit)
    text += "." + String(repeating: "0", count: decimals - fraction.count) + fraction
  }
  return text
}

private func printfFormat(_ format: String, _ value: Double, precision: Int) -> String {
  var buffer = [CChar](repeating: 0, count: 64)
  let count = buffer.count
  _ = buffer.withUnsafeMutableBufferPointer { out in
    withVaList([Int32(precision), value]) { vsnprintf(out.baseAddress, count, format, $0) }
  }
  return String(
    decoding: buffer.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }, as: UTF8.self)
}

/// `value` printed so that reading it back gives the same `Double`: the shortest round-tripping
/// form, laid out as Swift's `description` lays it out ("0.1", "1e-05", "nan", "inf"), written
/// by `appendShortestDecimal` without a `String` per digit run. Negative zero is printed "0.0"
/// so a CSV never shows "-0.0" (it compares equal to 0.0 when read back).
public func formatRoundTrip(_ value: Double) -> String {
  guard value != 0 else { return "0.0" }
  var bytes: [UInt8] = []
  appendShortestDecimal(value, to: &bytes)
  return String(decoding: bytes, as: UTF8.self)
}
