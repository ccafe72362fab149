#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// SplitMix64 (Steele, Lea & Flood 2014; the reference constants of `java.util.SplittableRandom`):
/// a tiny seeded generator whose output is the same on every platform and Swift version, which
/// `SystemRandomNumberGenerator` is not. The embedded layer's weights come from it, so a given
/// `--seed` always gives the same figures.
public struct SplitMix64: RandomNumberGenerator, Sendable {
  public private(set) var state: UInt64

  public init(seed: UInt64) { state = seed }

  public mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }

  /// Uniform in [0, 1) from the top 53 bits (exact in a Double).
  public mutating func nextUnit() -> Double {
    Double(next() >> 11) * 0x1.0p-53
  }

  /// Standard normal by Box–Muller, using two fresh uniforms per call (no cached spare, so the
  /// sequence does not depend on call history beyond the state).
  public mutating func nextGaussian() -> Double {
    let u1 = 1 - nextUnit()  // (0, 1]: log is finite
    let u2 = nextUnit()
    return sqrt(-2 * log(u1)) * cos(2 * Double.pi * u2)
  }
}

/// FNV-1a, 64-bit: a stable string hash (Swift's `Hasher` is randomly seeded per process).
public func fnv1a64<S: Sequence>(_ bytes: S) -> UInt64 where S.Element == UInt8 {
  var hash: UInt64 = 0xcbf2_9ce4_8422_2325
  for byte in bytes {
    hash ^= UInt64(byte)
    hash &*= 0x0000_0100_0000_01B3
  }
  return hash
}
