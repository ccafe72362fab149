import AttnvizMath
import AttnvizModel
import Testing

@testable import AttnvizKit

/// The attention JSON's numbers after the byte writer replaced `"\(value)"`: the same bytes.
@Suite("JSON numbers")
struct JSONNumberTests {
  /// The rule before: 0 for zero and non-finite values, whole numbers below 1e15 as integers,
  /// the rest as Swift's description.
  func previous(_ value: Double) -> String {
    guard value.isFinite, value != 0 else { return "0" }
    if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
    return "\(value)"
  }

  @Test func sameBytesAsBefore() {
    var generator = SplitMix64(seed: 11)
    var values: [Double] = [
      0, -0.0, .nan, .infinity, -.infinity, 1, -1, 1e15, 1e15 - 1, 1e15 + 2, 0.5, 1e-7,
      .leastNonzeroMagnitude, .greatestFiniteMagnitude, 123_456_789.25, -3.75,
    ]
    for _ in 0..<20_000 {
      let bits = generator.next()
      values.append(Double(bitPattern: bits))
      values.append(Double(bits >> 11) * 0x1p-53)
      values.append(Double(Float(Double(bits >> 11) * 0x1p-53)))
    }
    for value in values {
      #expect(jsonNumber(value) == previous(value), "\(value.bitPattern)")
      var bytes: [UInt8] = []
      appendJSONNumber(value, precision: nil, to: &bytes)
      #expect(String(decoding: bytes, as: UTF8.self) == previous(value))
    }
    var rounded: [UInt8] = []
    appendJSONNumber(0.125, precision: 2, to: &rounded)
    #expect(String(decoding: rounded, as: UTF8.self) == "0.12")
  }
}
