import Testing

@testable import AttnvizStyle

/// `appendShortestDecimal` must write exactly what Swift's `description` writes (the formatter
/// it replaced in JSON and CSV), so files stay byte for byte the same.
@Suite("Shortest round-trip decimals")
struct ShortestDecimalTests {
  static func written(_ value: Double) -> String {
    var bytes: [UInt8] = []
    appendShortestDecimal(value, to: &bytes)
    return String(decoding: bytes, as: UTF8.self)
  }

  /// The values of `values` that print differently from `description` (at most 10).
  static func mismatches(_ values: some Sequence<Double>) -> [String] {
    var found: [String] = []
    for value in values where written(value) != value.description {
      found.append("\(value.description) (bits \(value.bitPattern)) → \(written(value))")
      if found.count == 10 { break }
    }
    return found
  }

  /// SplitMix64, so the random cases are the same on every run.
  struct Bits: Sequence, IteratorProtocol {
    var state: UInt64
    var left: Int
    mutating func next() -> UInt64? {
      guard left > 0 else { return nil }
      left -= 1
      state &+= 0x9E37_79B9_7F4A_7C15
      var z = state
      z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
      z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
      return z ^ (z >> 31)
    }
  }

  @Test(
    "edge cases and the layout's thresholds",
    arguments: [
      (0.0, "0.0"), (-0.0, "-0.0"), (.nan, "nan"), (.infinity, "inf"), (-.infinity, "-inf"),
      (1, "1.0"), (0.1, "0.1"), (-0.5, "-0.5"), (123.456, "123.456"), (0.0001, "0.0001"),
      (0.00001, "1e-05"), (9.999999999999999e-05, "9.999999999999999e-05"), (2.5e-5, "2.5e-05"),
      (1e15, "1000000000000000.0"), (8e15, "8000000000000000.0"),
      (0x1p53, "9007199254740992.0"), (0x1p53.nextUp, "9.007199254740994e+15"),
      (1e16, "1e+16"), (1.8e16, "1.8e+16"), (1e22, "1e+22"), (1e23, "1e+23"),
      (.leastNonzeroMagnitude, "5e-324"), (.leastNormalMagnitude, "2.2250738585072014e-308"),
      (.greatestFiniteMagnitude, "1.7976931348623157e+308"), (0.3, "0.3"),
      (0.1 + 0.2, "0.30000000000000004"), (1.0 / 3, "0.3333333333333333"),
    ] as [(Double, String)])
  func edges(value: Double, expected: String) {
    #expect(Self.written(value) == expected)
    #expect(Self.written(value) == value.description)
  }

  @Test("every power of two, its neighbours and their negatives")
  func powersOfTwo() {
    let values = (-1074...1023).flatMap { e -> [Double] in
      let p = Double(sign: .plus, exponent: e, significand: 1)
      return [p, p.nextUp, p.nextDown, -p]
    }
    #expect(Self.mismatches(values).isEmpty, "\(Self.mismatches(values))")
  }

  @Test("powers of ten and their neighbours")
  func powersOfTen() {
    var values: [Double] = []
    var p = 1.0
    for _ in 0...308 {
      values += [p, p.nextUp, p.nextDown, 1 / p, (1 / p).nextUp, (1 / p).nextDown]
      p *= 10
    }
    #expect(Self.mismatches(values).isEmpty, "\(Self.mismatches(values))")
  }

  @Test("random bit patterns (every exponent, subnormals included)")
  func randomBits() {
    let values = Bits(state: 1, left: 200_000).lazy.map { Double(bitPattern: $0) }
      .filter(\.isFinite)
    #expect(Self.mismatches(values).isEmpty, "\(Self.mismatches(values))")
  }

  @Test("attention-like weights: random values in [0, 1), float32 values, short decimals")
  func weights() {
    let unit = Bits(state: 2, left: 100_000).lazy.map { Double($0 >> 11) * 0x1p-53 }
    let floats = Bits(state: 3, left: 100_000).lazy.map {
      Double(Float(Double($0 >> 11) * 0x1p-53))
    }
    let decimals = (0..<20_000).lazy.flatMap { i -> [Double] in
      [Double(i) / 1000, Double(i) * 1e-7, Double(i) * 1e11, Double(i) + 0.5]
    }
    #expect(Self.mismatches(unit).isEmpty, "\(Self.mismatches(unit))")
    #expect(Self.mismatches(floats).isEmpty, "\(Self.mismatches(floats))")
    #expect(Self.mismatches(decimals).isEmpty, "\(Self.mismatches(decimals))")
  }

  @Test("formatRoundTrip keeps its rules: zero of either sign is 0.0, the rest as description")
  func roundTrip() {
    #expect(formatRoundTrip(0) == "0.0" && formatRoundTrip(-0.0) == "0.0")
    for value in [0.1, -2.5e-7, 1e300, .nan, -.infinity, 0x1p53.nextUp] {
      #expect(formatRoundTrip(value) == value.description)
    }
  }

  @Test("the shortest digits read back as the same value")
  func readsBack() {
    for bits in Bits(state: 4, left: 20_000) {
      let value = Double(bitPattern: bits)
      guard value.isFinite else { continue }
      #expect(Double(Self.written(value)) == value)
    }
  }
}
