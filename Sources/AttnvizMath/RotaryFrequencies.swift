#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// How rotary frequencies are rescaled for long contexts (`rope_scaling`).
public enum RopeScaling: Sendable, Equatable {
  /// Plain RoPE: frequency i is θ^(−2i/D).
  case none
  /// Llama 3.1/3.2's smooth rescaling of the low frequencies.
  case llama3(
    factor: Double, lowFrequencyFactor: Double, highFrequencyFactor: Double,
    originalMaxPositions: Int)
  /// Every frequency divided by `factor` (positions interpolated: transformers'
  /// `_compute_linear_scaling_rope_parameters`, llama.cpp's `rope.scaling.type` linear, whose
  /// freq_scale is 1/factor). Gemma 3 4B+ scales its global layers so, by 8.
  case linear(factor: Double)
  /// Per-frequency divisors, as a GGUF file stores llama3 rescaling (`rope_freqs.weight`,
  /// written by llama.cpp's converter from the same formula): f_i = θ^(−2i/D) / factors[i].
  case factors([Double])
}

/// The number types rotary frequencies are computed in: Float32 for the engine (as transformers
/// computes `inv_freq`), Double for the teaching figures.
public protocol RotaryScalar: BinaryFloatingPoint {
  static func power(_ base: Self, _ exponent: Self) -> Self
}

extension Float: RotaryScalar {
  public static func power(_ base: Float, _ exponent: Float) -> Float { pow(base, exponent) }
}

extension Double: RotaryScalar {
  public static func power(_ base: Double, _ exponent: Double) -> Double { pow(base, exponent) }
}

/// The one rule for rotary position embedding's frequencies (RoFormer; Llama's `inv_freq`):
/// pair i of a head of size D turns by f_i = 1 / θ^(2i/D) per position, divided by the factor for
/// `linear`, rescaled for `llama3`
/// as transformers' `_compute_llama3_parameters` does. The engine rotates with it (in Float32)
/// and `attnviz pe --rope` draws it (in Double).
public enum RotaryFrequencies {
  /// f_i for i = 0 … D/2 − 1.
  public static func all<F: RotaryScalar>(
    headSize d: Int, theta: Double, scaling: RopeScaling = .none, as: F.Type = F.self
  ) -> [F] {
    (0..<(d / 2)).map { pair($0, headSize: d, theta: theta, scaling: scaling) }
  }

  /// f_i alone.
  public static func pair<F: RotaryScalar>(
    _ i: Int, headSize d: Int, theta: Double, scaling: RopeScaling = .none, as: F.Type = F.self
  ) -> F {
    let plain = 1 / F.power(F(theta), F(2 * i) / F(d))
    if case .linear(let factor) = scaling { return plain / F(factor) }
    if case .factors(let factors) = scaling {
      return factors.indices.contains(i) ? plain / F(factors[i]) : plain
    }
    guard case .llama3(let factor, let low, let high, let original) = scaling else {
      return plain
    }
    let (f, lowF, highF, old) = (F(factor), F(low), F(high), F(original))
    let lowWavelength = old / lowF
    let highWavelength = old / highF
    // π rounded to nearest, as torch rounds `2 * math.pi` (Float.pi is rounded toward zero,
    // one unit in the last place lower, which moves a medium frequency by one too).
    let wavelength = 2 * F(Double.pi) / plain
    let scaled = wavelength > lowWavelength ? plain / f : plain
    guard wavelength >= highWavelength, wavelength <= lowWavelength else { return scaled }
    // Medium frequencies: interpolate between scaled and unscaled.
    let smooth = (old / wavelength - lowF) / (highF - lowF)
    return (1 - smooth) * scaled / f + smooth * scaled
  }
}
