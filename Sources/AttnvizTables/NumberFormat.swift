#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// `value` with `decimals` fixed decimals, rounded as C's `printf("%.*f")` rounds: from the exact
/// binary value, so 0.125 → "0.12" and 0.135 → "0.14" exactly as numpy and matplotlib print them.
///
/// "-0.00" is printed "0.00" (a tiny negative score is not meaningfully negative at this
/// precision). Magnitudes of 1e9 and more switch to `%.*e` so one wild value cannot make a table
/// column hundreds of characters wide. NaN and infinities print as "nan", "inf", "-inf".
public func formatFixed(_ value: Double, decimals: Int) -> String {
  if value.isNaN { return "nan" }
  if value.isInfinite { return value < 0 ? "-inf" : "inf" }
  let precision = Int32(min(max(decimals, 0), 17))
  let format = abs(value) >= 1e9 ? "%.*e" : "%.*f"
  var buffer = [CChar](repeating: 0, count: 64)
  let count = buffer.count
  _ = buffer.withUnsafeMutableBufferPointer { out in
    withVaList([precision, value]) { vsnprintf(out.baseAddress, count, format, $0) }
  }
  var text = String(
    decoding: buffer.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }, as: UTF8.self)
  if text.hasPrefix("-"), !text.contains(where: { ("1"..."9").contains($0) }) {
    text.removeFirst()
  }
  return text
}

/// `value` printed so that reading it back gives the same `Double`: Swift's `description`, the
/// shortest round-tripping form ("0.1", "1e-05", "nan", "inf"). Negative zero is printed "0.0"
/// so a CSV never shows "-0.0" (it compares equal to 0.0 when read back).
func formatRoundTrip(_ value: Double) -> String {
  value == 0 ? "0.0" : value.description
}
