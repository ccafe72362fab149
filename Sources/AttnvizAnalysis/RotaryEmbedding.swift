import AttnvizMath

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// Rotary position embedding (Su et al. 2021, RoFormer), as Llama-family models use it: each
/// pair i of a head's D dimensions (i = 0 … D/2 − 1) is rotated at position m by the angle
/// m·θ_i with θ_i = 1 / base^(2i/D) (base 10000 by default), rescaled as `scaling` says: the
/// engine's rule (`RotaryFrequencies`), in Double.
public struct RotaryEmbedding: Sendable, Equatable {
  public var headSize: Int
  public var base: Double
  public var scaling: RopeScaling

  public init(headSize: Int, base: Double = 10000, scaling: RopeScaling = .none) {
    self.headSize = headSize
    self.base = base
    self.scaling = scaling
  }

  public var pairs: Int { headSize / 2 }

  /// θ_i, the angle pair i turns per position (radians).
  public func frequency(pair i: Int) -> Double {
    RotaryFrequencies.pair(i, headSize: headSize, theta: base, scaling: scaling)
  }

  /// m·θ_i, the rotation of pair i at position m (radians, not wrapped).
  public func angle(position m: Int, pair i: Int) -> Double {
    Double(m) * frequency(pair: i)
  }

  /// m·θ_i wrapped to (−π, π], what the rotation looks like on the unit circle.
  public func wrappedAngle(position m: Int, pair i: Int) -> Double {
    let a = angle(position: m, pair: i).truncatingRemainder(dividingBy: 2 * Double.pi)
    if a > Double.pi { return a - 2 * Double.pi }
    if a <= -Double.pi { return a + 2 * Double.pi }
    return a
  }

  /// q_m·k_n after rotation depends only on the distance m − n: for a query and key whose
  /// pairs are all (1, 0) it is Σ_i cos((m − n)·θ_i); divided by D/2 it is 1 at distance 0 and
  /// decays (with ripples) as the distance grows: RoPE's long-range decay.
  public func normalizedDotProduct(distance: Int) -> Double {
    guard pairs > 0 else { return 0 }
    var sum = 0.0
    for i in 0..<pairs { sum += cos(Double(distance) * frequency(pair: i)) }
    return sum / Double(pairs)
  }
}
