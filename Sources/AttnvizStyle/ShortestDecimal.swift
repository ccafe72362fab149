/// The shortest decimal that reads back as the same `Double`, written as Swift's `description`
/// writes it, byte for byte ("0.1", "1e-05", "1.0", "9007199254740992.0", "1.8e+16"), straight
/// into a byte buffer: a 1,024-token trace's two million weights go to JSON without a `String`
/// per number.
///
/// The digits come from Ryū (Ulf Adams, "Ryū: fast float-to-string conversion", PLDI 2018): the
/// interval of decimals that round to the value is scaled by a 128-bit power of five
/// (`ShortestDecimal+Tables.swift`, made by scripts/make-shortest-decimal-tables.py), then digits
/// are removed while the interval still holds a shorter decimal; of the shortest, the one nearest
/// the value wins (ties to even). `ShortestDecimalTests` checks the bytes against `description`
/// on millions of values and the edge cases (subnormals, powers of two, the layout thresholds).

/// value = significand × 10^exponent, the significand with no trailing zeros beyond what the
/// shortest form needs (`digits` of them).
struct DecimalParts: Equatable {
  var significand: UInt64
  var digits: Int
  var exponent: Int
}

/// ⌈log2(5^e)⌉ for 1 ≤ e ≤ 1500, and 1 for e = 0.
@inline(__always) private func pow5Bits(_ e: Int) -> Int { ((e &* 1_217_359) >> 19) + 1 }
/// ⌊log10(2^e)⌋ for 0 ≤ e ≤ 1650.
@inline(__always) private func log10Pow2(_ e: Int) -> Int { (e &* 78913) >> 18 }
/// ⌊log10(5^e)⌋ for 0 ≤ e ≤ 2620.
@inline(__always) private func log10Pow5(_ e: Int) -> Int { (e &* 732_923) >> 20 }

private func isMultipleOfPowerOf5(_ value: UInt64, _ power: Int) -> Bool {
  var value = value
  var count = 0
  while value > 0, value % 5 == 0 {
    value /= 5
    count += 1
  }
  return count >= power
}

@inline(__always) private func isMultipleOfPowerOf2(_ value: UInt64, _ power: Int) -> Bool {
  value & ((1 << UInt64(power)) &- 1) == 0
}

/// (m × table[index]) >> shift, where table[index] is a 128-bit number (low word first) and the
/// result fits 64 bits (shift ≥ 64).
@inline(__always) private func multiplyShift(
  _ m: UInt64, _ table: UnsafeBufferPointer<UInt64>, _ index: Int, _ shift: Int
) -> UInt64 {
  let low = m.multipliedFullWidth(by: table[2 * index])
  let high = m.multipliedFullWidth(by: table[2 * index + 1])
  // (low >> 64) + high, as 128 bits (hi:lo), then shifted right by `shift` - 64.
  let (sumLow, carry) = high.low.addingReportingOverflow(low.high)
  let sumHigh = high.high &+ (carry ? 1 : 0)
  let s = shift - 64
  if s == 0 { return sumLow }
  if s < 64 { return (sumLow >> UInt64(s)) | (sumHigh << UInt64(64 - s)) }
  return sumHigh >> UInt64(s - 64)
}

@inline(__always) private func decimalLength(_ v: UInt64) -> Int {
  var length = 1
  var rest = v
  while rest >= 10 {
    rest /= 10
    length += 1
  }
  return length
}

/// The shortest, nearest decimal of a finite, nonzero `value`'s magnitude.
func shortestDecimalParts(_ value: Double) -> DecimalParts {
  let bits = value.bitPattern
  let mantissa = bits & ((1 << 52) - 1)
  let biased = Int((bits >> 52) & 0x7ff)
  // Two extra bits so the interval's bounds are integers.
  let e2: Int
  let m2: UInt64
  if biased == 0 {
    e2 = 1 - 1023 - 52 - 2
    m2 = mantissa
  } else {
    e2 = biased - 1023 - 52 - 2
    m2 = (1 << 52) | mantissa
  }
  let acceptBounds = m2 & 1 == 0
  let mv = 4 * m2
  // The lower bound is closer when the value is a power of two (the gap below is half).
  let mmShift: UInt64 = mantissa != 0 || biased <= 1 ? 1 : 0

  var vr: UInt64
  var vp: UInt64
  var vm: UInt64
  var e10: Int
  var vmIsTrailingZeros = false
  var vrIsTrailingZeros = false
  if e2 >= 0 {
    let q = max(0, log10Pow2(e2) - 1)
    e10 = q
    let shift = -e2 + q + 122 + pow5Bits(q) - 1
    (vr, vp, vm) = inversePowerOfFiveTable.withUnsafeBufferPointer { table in
      (
        multiplyShift(mv, table, q, shift), multiplyShift(mv + 2, table, q, shift),
        multiplyShift(mv - 1 - mmShift, table, q, shift)
      )
    }
    if q <= 21 {
      // At most one of mp, mv and mm is a multiple of 5.
      if mv % 5 == 0 {
        vrIsTrailingZeros = isMultipleOfPowerOf5(mv, q)
      } else if acceptBounds {
        vmIsTrailingZeros = isMultipleOfPowerOf5(mv - 1 - mmShift, q)
      } else if isMultipleOfPowerOf5(mv + 2, q) {
        vp -= 1
      }
    }
  } else {
    let q = max(0, log10Pow5(-e2) - 1)
    e10 = q + e2
    let i = -e2 - q
    let shift = q - (pow5Bits(i) - 121)
    (vr, vp, vm) = powerOfFiveTable.withUnsafeBufferPointer { table in
      (
        multiplyShift(mv, table, i, shift), multiplyShift(mv + 2, table, i, shift),
        multiplyShift(mv - 1 - mmShift, table, i, shift)
      )
    }
    if q <= 1 {
      // mv = 4 × m2 has at least two trailing zero bits.
      vrIsTrailingZeros = true
      if acceptBounds {
        vmIsTrailingZeros = mmShift == 1
      } else {
        vp -= 1
      }
    } else if q < 63 {
      vrIsTrailingZeros = isMultipleOfPowerOf2(mv, q)
    }
  }

  // Remove digits while the interval (vm, vp) still holds a shorter decimal.
  var removed = 0
  var lastRemovedDigit: UInt64 = 0
  let output: UInt64
  if vmIsTrailingZeros || vrIsTrailingZeros {
    while vp / 10 > vm / 10 {
      vmIsTrailingZeros = vmIsTrailingZeros && vm % 10 == 0
      vrIsTrailingZeros = vrIsTrailingZeros && lastRemovedDigit == 0
      lastRemovedDigit = vr % 10
      vr /= 10
      vp /= 10
      vm /= 10
      removed += 1
    }
    if vmIsTrailingZeros {
      while vm % 10 == 0 {
        vrIsTrailingZeros = vrIsTrailingZeros && lastRemovedDigit == 0
        lastRemovedDigit = vr % 10
        vr /= 10
        vp /= 10
        vm /= 10
        removed += 1
      }
    }
    if vrIsTrailingZeros, lastRemovedDigit == 5, vr % 2 == 0 {
      // Exactly halfway: round to even.
      lastRemovedDigit = 4
    }
    let roundUp =
      (vr == vm && (!acceptBounds || !vmIsTrailingZeros)) || lastRemovedDigit >= 5
    output = vr + (roundUp ? 1 : 0)
  } else {
    var roundUp = false
    // Most values lose a digit or two: try two at once first.
    if vp / 100 > vm / 100 {
      roundUp = vr % 100 >= 50
      vr /= 100
      vp /= 100
      vm /= 100
      removed += 2
    }
    while vp / 10 > vm / 10 {
      roundUp = vr % 10 >= 5
      vr /= 10
      vp /= 10
      vm /= 10
      removed += 1
    }
    output = vr + (vr == vm || roundUp ? 1 : 0)
  }
  return DecimalParts(
    significand: output, digits: decimalLength(output), exponent: e10 + removed)
}

/// Appends `value` as Swift's `description` writes it: "nan", "inf", "-inf", "0.0", "-0.0";
/// the shortest round-trip digits, in positional form ("0.0001", "123.45", "8000000000000000.0")
/// when the leading digit's power of ten is -4 or more and |value| ≤ 2^53, else in exponential
/// form with a signed exponent of at least two digits ("1e-05", "1.8014398509481984e+16",
/// "5e-324").
public func appendShortestDecimal(_ value: Double, to out: inout [UInt8]) {
  // At most 24 bytes: "-", 17 digits, ".", "e-324".
  withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 32) { buffer in
    guard let start = buffer.baseAddress else { return }
    let count = writeShortestDecimal(value, at: start)
    out.append(contentsOf: UnsafeBufferPointer(start: start, count: count))
  }
}

/// `appendShortestDecimal`'s bytes written at `p` (room for 32); returns how many.
private func writeShortestDecimal(_ value: Double, at p: UnsafeMutablePointer<UInt8>) -> Int {
  var n = 0
  func put(_ byte: UInt8) {
    p[n] = byte
    n += 1
  }
  if value.isNaN {
    put(0x6E)  // n
    put(0x61)  // a
    put(0x6E)  // n
    return n
  }
  if value.sign == .minus { put(0x2D) }
  if value.isInfinite {
    put(0x69)  // i
    put(0x6E)  // n
    put(0x66)  // f
    return n
  }
  if value == 0 {
    put(0x30)  // 0
    put(0x2E)  // .
    put(0x30)  // 0
    return n
  }
  let parts = shortestDecimalParts(value)
  let count = parts.digits
  let leading = parts.exponent + count - 1  // the power of ten of the first digit
  /// `digits` decimal digits of `number` at p[at...], most significant first.
  func writeDigits(_ number: UInt64, _ digits: Int, at: Int) {
    var rest = number
    var index = at + digits - 1
    while index >= at {
      let next = rest / 10
      p[index] = 0x30 &+ UInt8(truncatingIfNeeded: rest &- next &* 10)
      rest = next
      index -= 1
    }
  }
  if leading < -4 || value.magnitude > 0x1p53 {
    // d.ddde±XX: the first digit, the point, the others.
    writeDigits(parts.significand, count, at: n + 1)
    p[n] = p[n + 1]
    if count > 1 {
      p[n + 1] = 0x2E
      n += count + 1
    } else {
      n += 1
    }
    put(0x65)  // e
    put(leading < 0 ? 0x2D : 0x2B)
    let power = leading.magnitude
    if power < 10 { put(0x30) }
    let powerDigits = power < 10 ? 1 : power < 100 ? 2 : 3
    writeDigits(UInt64(power), powerDigits, at: n)
    n += powerDigits
  } else if leading < 0 {
    put(0x30)  // 0
    put(0x2E)  // .
    for _ in 0..<(-leading - 1) { put(0x30) }
    writeDigits(parts.significand, count, at: n)
    n += count
  } else if count <= leading + 1 {
    writeDigits(parts.significand, count, at: n)
    n += count
    for _ in 0..<(leading + 1 - count) { put(0x30) }
    put(0x2E)  // .
    put(0x30)  // 0
  } else {
    // The integer digits, the point, the fraction's digits.
    writeDigits(parts.significand, count, at: n + 1)
    for i in 0...leading { p[n + i] = p[n + i + 1] }
    p[n + leading + 1] = 0x2E
    n += count + 1
  }
  return n
}
