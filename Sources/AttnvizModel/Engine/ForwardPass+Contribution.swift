import Dispatch

extension ForwardPass {
  /// ‖f_h(x_j)‖ for every query head h and token j: the length of the vector token j's value
  /// adds to the residual stream through head h when the head puts all its weight on j
  /// (Kobayashi et al. 2020, "Attention is not only a weight"; their `BertNormOutput`):
  ///
  ///     f_h(x_j) = v_j,g · W_O[:, h·D ..< (h+1)·D]ᵀ     (C)   g = h / (H/G), v with its bias
  ///     ‖α_h(i, j) · f_h(x_j)‖ = α_h(i, j) · ‖f_h(x_j)‖       (α ≥ 0)
  ///
  /// The output projection's bias is not part of f: it is added once per position, whatever
  /// the weights. v (T, G·D), output (C, H·D) → H × T norms, in Double.
  func transformedNorms(v: [Float], output: WeightMatrix, tokens t: Int) -> [[Double]] {
    let (c, h, g, d) = (config.hidden, config.heads, config.kvHeads, config.headDim)
    precondition(v.count == t * g * d && output.count == c * h * d, "transformedNorms: shapes")
    let group = h / g
    let job = NormJob(tokens: t, hidden: c, heads: h, kvHeads: g, headDim: d, group: group)
    var norms = [Double](repeating: 0, count: h * t)
    v.withUnsafeBufferPointer { vs in
      output.withUnsafeBufferPointer { ws in
        norms.withUnsafeMutableBufferPointer { ns in
          guard let vp = vs.baseAddress, let wp = ws.baseAddress, let np = ns.baseAddress else {
            return
          }
          let pointers = NormPointers(v: vp, w: wp, out: np)
          if t * c * d * h >= 1 << 18 {
            DispatchQueue.concurrentPerform(iterations: h) { job.run(head: $0, pointers) }
          } else {
            for head in 0..<h { job.run(head: head, pointers) }
          }
        }
      }
    }
    return (0..<h).map { Array(norms[($0 * t)..<(($0 + 1) * t)]) }
  }
}

/// The buffers of one `transformedNorms` call. @unchecked Sendable: head h writes only its own
/// T outputs, and the buffers outlive `concurrentPerform`.
private struct NormPointers: @unchecked Sendable {
  let v: UnsafePointer<Float>  // (T, G·D)
  let w: UnsafePointer<Float>  // (C, H·D)
  let out: UnsafeMutablePointer<Double>  // (H, T)
}

private struct NormJob: Sendable {
  let tokens: Int
  let hidden: Int
  let heads: Int
  let kvHeads: Int
  let headDim: Int
  let group: Int

  /// Head `hh`: for each token, Σ_c (Σ_k W_O[c, hh·D + k] · v[j, g·D + k])², square-rooted.
  func run(head hh: Int, _ p: NormPointers) {
    let (t, c, d) = (tokens, hidden, headDim)
    let gg = hh / group
    let width = heads &* d
    var f = [Float](repeating: 0, count: c)
    for j in 0..<t {
      let vj = p.v + (j &* kvHeads &+ gg) &* d
      for row in 0..<c {
        f[row] = dot(p.w + (row &* width &+ hh &* d), vj, count: d)
      }
      var squares = 0.0
      for value in f { squares += Double(value) * Double(value) }
      p.out[hh &* t &+ j] = squares.squareRoot()
    }
  }
}
