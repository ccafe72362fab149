import Dispatch
import Foundation

/// Which keys a query may see: all (encoders), those at or before it (decoders), and of those
/// only the last `window` (Mistral's sliding window: query i sees keys i−W+1 … i).
struct AttentionMask: Sendable {
  var causal: Bool
  var window: Int?

  @inline(__always)
  func allows(query i: Int, key j: Int) -> Bool {
    if causal && j > i { return false }
    if let window, i - j >= window { return false }
    return true
  }
}

/// The number types the attention kernel runs in: Float32 for the engine, Double for the
/// single-layer models (the built-in layer, weights files), whose numbers are those of the
/// hand-checkable reference (a plain Double layer, kept in the tests) to the last bit.
protocol KernelScalar: BinaryFloatingPoint, Sendable {
  /// Σ a[k]·b[k] over `count` contiguous values.
  static func dot(_ a: UnsafePointer<Self>, _ b: UnsafePointer<Self>, count: Int) -> Self
  static func exponential(_ x: Self) -> Self
  static func hyperbolicTangent(_ x: Self) -> Self
}

extension Float: KernelScalar {
  @inline(__always)
  static func dot(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, count: Int) -> Float {
    AttnvizModel.dot(a, b, count: count)
  }

  @inline(__always)
  static func exponential(_ x: Float) -> Float { exp(x) }

  @inline(__always)
  static func hyperbolicTangent(_ x: Float) -> Float { tanh(x) }
}

extension Double: KernelScalar {
  /// Summed in order, as `Matrix`'s product sums (no reassociation, no vector lanes), so the
  /// single-layer models' scores equal the reference's Q_h·K_hᵀ exactly.
  @inline(__always)
  static func dot(_ a: UnsafePointer<Double>, _ b: UnsafePointer<Double>, count: Int) -> Double {
    var sum = 0.0
    for c in 0..<count { sum += a[c] * b[c] }
    return sum
  }

  @inline(__always)
  static func exponential(_ x: Double) -> Double { exp(x) }

  @inline(__always)
  static func hyperbolicTangent(_ x: Double) -> Double { tanh(x) }
}

/// Scaled dot-product attention with grouped-query heads, as transformers'
/// `eager_attention_forward` with `repeat_kv`: query head h reads key/value head h / (H/G).
/// With a key/value cache the T queries are positions P…P+T−1 and the keys are all N = P + T
/// positions so far (P = `past`; 0 for a whole pass, where N = T).
///
///     q (T, H·D), k (N, G·D), v (N, G·D)
///     raw_h     = Q_h·K_gᵀ              (T, N)
///     scaled_h  = raw_h · scale         (T, N)   scale 1/√D (Gemma: 1/√query_pre_attn_scalar)
///                 → c·tanh(scaled_h / c)           with Gemma 2's soft-cap c
///                 + bias_h                         with T5's relative position bias
///     weights_h = softmax(mask(scaled_h)) row by row, masked keys exactly 0
///     out[:, h] = weights_h·V_g         (T, D)   → out (T, H·D)
///
/// The one attention of attnviz: the engine calls it in Float32, the single-layer models in
/// Double (`S`).
struct AttentionKernel {
  let t: Int
  let heads: Int
  let kvHeads: Int
  let headDim: Int
  let mask: AttentionMask
  /// P: cached positions before the first query.
  var past = 0
  /// The score scale; nil for 1/√D.
  var scale: Float? = nil
  /// The soft-cap c of the scaled scores (Gemma 2); nil for none.
  var softCap: Float? = nil
  /// Added to each head's scaled scores before the softmax, [head] (T, N) row-major: T5's
  /// relative position bias. nil adds nothing.
  var additive: [[Float]]? = nil

  struct Result<S: KernelScalar> {
    /// H × (T, N), normalised in Double.
    var weights: [[Double]]
    /// H × (T, N), only when asked for.
    var raw: [[S]]?
    var scaled: [[S]]?
    /// (T, H·D)
    var output: [S]
  }

  func callAsFunction<S: KernelScalar>(q: [S], k: [S], v: [S], keepScores: Bool) -> Result<S> {
    let (h, g, d, n) = (heads, kvHeads, headDim, past + t)
    precondition(
      q.count == t * h * d && k.count == n * g * d && v.count == n * g * d, "attention shapes")
    let slots = HeadSlots<S>(heads: h, keepScores: keepScores)
    let scale = self.scale.map { S($0) } ?? 1 / S(d).squareRoot()
    let cap = softCap.map { S($0) }
    let group = h / g
    let run: @Sendable (Int) -> Void = { head in
      q.withUnsafeBufferPointer { qs in
        k.withUnsafeBufferPointer { ks in
          v.withUnsafeBufferPointer { vs in
            guard let qp = qs.baseAddress, let kp = ks.baseAddress, let vp = vs.baseAddress
            else { return }
            self.head(
              head, kvHead: head / group, q: qp, k: kp, v: vp, scale: scale, cap: cap,
              additive: self.additive?[head], keepScores: keepScores, into: slots)
          }
        }
      }
    }
    if t * n * d * h >= 1 << 18 {
      DispatchQueue.concurrentPerform(iterations: h, execute: run)
    } else {
      for head in 0..<h { run(head) }
    }
    return slots.result(tokens: t, heads: h, headDim: d)
  }

  /// One head: scores, softmax and weighted values, written to the head's own slots. A row's
  /// scores wait in `exact` (a Float or Double score is exact as a Double) until the softmax
  /// overwrites them, so without `keepScores` the head needs no T×T buffer besides its weights.
  private func head<S: KernelScalar>(
    _ hh: Int, kvHead gg: Int, q: UnsafePointer<S>, k: UnsafePointer<S>,
    v: UnsafePointer<S>, scale: S, cap: S?, additive: [Float]?, keepScores: Bool,
    into slots: HeadSlots<S>
  ) {
    let (h, g, d, n) = (heads, kvHeads, headDim, past + t)
    var raw = keepScores ? [S](repeating: 0, count: t * n) : []
    var scaled = keepScores ? [S](repeating: 0, count: t * n) : []
    var exact = [Double](repeating: 0, count: t * n)
    var out = [S](repeating: 0, count: t * d)
    for i in 0..<t {
      let qi = q + (i &* h &+ hh) &* d
      let position = past &+ i
      var largest = -S.infinity
      for j in 0..<n {
        let s = S.dot(qi, k + (j &* g &+ gg) &* d, count: d)
        var sc = s * scale
        if let cap { sc = S.hyperbolicTangent(sc / cap) * cap }
        if keepScores { (raw[i &* n &+ j], scaled[i &* n &+ j]) = (s, sc) }
        if let additive { sc += S(additive[i &* n &+ j]) }
        exact[i &* n &+ j] = Double(sc)
        if mask.allows(query: position, key: j) { largest = max(largest, sc) }
      }
      // Softmax of the visible scaled scores, the row maximum subtracted first. The sum and
      // the division are in Double, so the reported rows sum to 1 to Double precision.
      var total = 0.0
      for j in 0..<n {
        guard mask.allows(query: position, key: j) else {
          exact[i &* n &+ j] = 0
          continue
        }
        let e = Double(S.exponential(S(exact[i &* n &+ j]) - largest))
        exact[i &* n &+ j] = e
        total += e
      }
      for j in 0..<n { exact[i &* n &+ j] /= total }
      for j in 0..<n {
        let w = S(exact[i &* n &+ j])
        guard w != 0 else { continue }
        let vj = v + (j &* g &+ gg) &* d
        for c in 0..<d { out[i &* d &+ c] += w * vj[c] }
      }
    }
    slots.store(
      hh, weights: exact, raw: keepScores ? raw : nil, scaled: keepScores ? scaled : nil,
      output: out)
  }
}

/// The heads' results, filled possibly from several threads. @unchecked Sendable: head h writes
/// only slot h, under the lock, and the slots are read after `concurrentPerform` returns.
private final class HeadSlots<S: KernelScalar>: @unchecked Sendable {
  private var weights: [[Double]]
  private var raw: [[S]]?
  private var scaled: [[S]]?
  private var outputs: [[S]]
  private let lock = NSLock()

  init(heads: Int, keepScores: Bool) {
    weights = Array(repeating: [], count: heads)
    outputs = Array(repeating: [], count: heads)
    raw = keepScores ? Array(repeating: [], count: heads) : nil
    scaled = keepScores ? Array(repeating: [], count: heads) : nil
  }

  func store(_ h: Int, weights w: [Double], raw r: [S]?, scaled sc: [S]?, output: [S]) {
    lock.lock()
    defer { lock.unlock() }
    weights[h] = w
    outputs[h] = output
    if raw != nil, let r, let sc {
      raw?[h] = r
      scaled?[h] = sc
    }
  }

  /// Head outputs side by side: (T, H·D).
  func result(tokens t: Int, heads: Int, headDim d: Int) -> AttentionKernel.Result<S> {
    var concatenated = [S](repeating: 0, count: t * heads * d)
    for h in 0..<heads {
      for i in 0..<t {
        for c in 0..<d { concatenated[(i * heads + h) * d + c] = outputs[h][i * d + c] }
      }
    }
    return AttentionKernel.Result(
      weights: weights, raw: raw, scaled: scaled, output: concatenated)
  }
}
