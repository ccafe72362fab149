import AttnvizMath
import Foundation

/// Rotary position embeddings in Hugging Face's rotate-half convention (`rotate_half`,
/// `apply_rotary_pos_emb` in modeling_llama.py): each head's vector is split into halves
/// x₁ = x[0..<D/2], x₂ = x[D/2..<D], and pair i is rotated by the angle pos · f_i:
///
///     out[i]       = x₁[i]·cos − x₂[i]·sin
///     out[i + D/2] = x₂[i]·cos + x₁[i]·sin
///
/// The frequencies (`RotaryFrequencies`, with llama3 rescaling) and the angles are computed in
/// Float32 as transformers does, so that long texts rotate by the same angles.
struct RotaryEmbedding: Sendable {
  /// (T, D/2)
  let cos: [Float]
  let sin: [Float]
  let half: Int

  init(positions t: Int, headDim d: Int, theta: Double, scaling: TransformerConfig.RopeScaling) {
    half = d / 2
    let frequencies = Self.frequencies(headDim: d, theta: theta, scaling: scaling)
    var cos = [Float](repeating: 0, count: t * half)
    var sin = [Float](repeating: 0, count: t * half)
    for p in 0..<t {
      for i in 0..<half {
        let angle = Float(p) * frequencies[i]  // Float32, as torch's inv_freq @ position_ids
        cos[p * half + i] = Float(Foundation.cos(Double(angle)))
        sin[p * half + i] = Float(Foundation.sin(Double(angle)))
      }
    }
    self.cos = cos
    self.sin = sin
  }

  /// inv_freq in Float32: `RotaryFrequencies`, the one rule (AttnvizMath).
  static func frequencies(headDim d: Int, theta: Double, scaling: TransformerConfig.RopeScaling)
    -> [Float]
  {
    RotaryFrequencies.all(headSize: d, theta: theta, scaling: scaling)
  }

  /// Rotates every head of x (T, heads·D) in place; row r is at position `start` + r (the
  /// table must hold that many positions). With `segment` S, x is texts of S rows stacked and
  /// row r is at `start` + r mod S.
  func apply(_ x: inout [Float], heads: Int, start: Int = 0, segment: Int? = nil) {
    let d = 2 * half
    let t = x.count / max(heads * d, 1)
    let s = max(1, segment ?? t)
    precondition((start + min(s, t)) * half <= cos.count, "rotary: positions beyond the table")
    for row in 0..<t {
      let p = start + row % s
      for h in 0..<heads {
        let base = (row * heads + h) * d
        for i in 0..<half {
          let (c, s) = (cos[p * half + i], sin[p * half + i])
          let (x1, x2) = (x[base + i], x[base + half + i])
          x[base + i] = x1 * c - x2 * s
          x[base + half + i] = x2 * c + x1 * s
        }
      }
    }
  }
}
