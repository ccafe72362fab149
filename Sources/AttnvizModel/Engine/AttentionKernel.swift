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

/// Scaled dot-product attention with grouped-query heads, as transformers'
/// `eager_attention_forward` with `repeat_kv`: query head h reads key/value head h / (H/G).
/// With a key/value cache the T queries are positions P…P+T−1 and the keys are all N = P + T
/// positions so far (P = `past`; 0 for a whole pass, where N = T).
///
///     q (T, H·D), k (N, G·D), v (N, G·D)
///     raw_h     = Q_h·K_gᵀ              (T, N)
///     scaled_h  = raw_h · scale         (T, N)   scale 1/√D (Gemma: 1/√query_pre_attn_scalar)
///     weights_h = softmax(mask(scaled_h)) row by row, masked keys exactly 0
///     out[:, h] = weights_h·V_g         (T, D)   → out (T, H·D)
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

  struct Result {
    /// H × (T, N), normalised in Double.
    var weights: [[Double]]
    /// H × (T, N), only when asked for.
    var raw: [[Float]]?
    var scaled: [[Float]]?
    /// (T, H·D)
    var output: [Float]
  }

  func callAsFunction(q: [Float], k: [Float], v: [Float], keepScores: Bool) -> Result {
    let (h, g, d, n) = (heads, kvHeads, headDim, past + t)
    precondition(
      q.count == t * h * d && k.count == n * g * d && v.count == n * g * d, "attention shapes")
    let slots = HeadSlots(heads: h, tokens: t, headDim: d, keepScores: keepScores)
    let scale = self.scale ?? 1 / Float(d).squareRoot()
    let group = h / g
    let run: @Sendable (Int) -> Void = { head in
      q.withUnsafeBufferPointer { qs in
        k.withUnsafeBufferPointer { ks in
          v.withUnsafeBufferPointer { vs in
            guard let qp = qs.baseAddress, let kp = ks.baseAddress, let vp = vs.baseAddress
            else { return }
            self.head(
              head, kvHead: head / group, q: qp, k: kp, v: vp, scale: scale, into: slots)
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

  /// One head: scores, softmax and weighted values, written to the head's own slots.
  private func head(
    _ hh: Int, kvHead gg: Int, q: UnsafePointer<Float>, k: UnsafePointer<Float>,
    v: UnsafePointer<Float>, scale: Float, into slots: HeadSlots
  ) {
    let (h, g, d, n) = (heads, kvHeads, headDim, past + t)
    var raw = [Float](repeating: 0, count: t * n)
    var weights = [Float](repeating: 0, count: t * n)
    var exact = [Double](repeating: 0, count: t * n)
    var out = [Float](repeating: 0, count: t * d)
    for i in 0..<t {
      let qi = q + (i &* h &+ hh) &* d
      let position = past &+ i
      var largest = -Float.infinity
      for j in 0..<n {
        let s = dot(qi, k + (j &* g &+ gg) &* d, count: d)
        raw[i &* n &+ j] = s
        if mask.allows(query: position, key: j) { largest = max(largest, s * scale) }
      }
      // Softmax of the visible scaled scores, the row maximum subtracted first. The sum and
      // the division are in Double, so the reported rows sum to 1 to Double precision.
      var total = 0.0
      for j in 0..<n where mask.allows(query: position, key: j) {
        let e = exp(raw[i &* n &+ j] * scale - largest)
        weights[i &* n &+ j] = e
        total += Double(e)
      }
      for j in 0..<n {
        let w = Double(weights[i &* n &+ j]) / total
        exact[i &* n &+ j] = w
        weights[i &* n &+ j] = Float(w)
      }
      for j in 0..<n where weights[i &* n &+ j] != 0 {
        let w = weights[i &* n &+ j]
        let vj = v + (j &* g &+ gg) &* d
        for c in 0..<d { out[i &* d &+ c] += w * vj[c] }
      }
    }
    slots.store(hh, weights: exact, raw: raw, scale: scale, output: out)
  }
}

/// The heads' results, filled possibly from several threads. @unchecked Sendable: head h writes
/// only slot h, under the lock, and the slots are read after `concurrentPerform` returns.
private final class HeadSlots: @unchecked Sendable {
  private var weights: [[Double]]
  private var raw: [[Float]]?
  private var scaled: [[Float]]?
  private var outputs: [[Float]]
  private let lock = NSLock()

  init(heads: Int, tokens: Int, headDim: Int, keepScores: Bool) {
    weights = Array(repeating: [], count: heads)
    outputs = Array(repeating: [], count: heads)
    raw = keepScores ? Array(repeating: [], count: heads) : nil
    scaled = keepScores ? Array(repeating: [], count: heads) : nil
  }

  func store(_ h: Int, weights w: [Double], raw r: [Float], scale: Float, output: [Float]) {
    lock.lock()
    defer { lock.unlock() }
    weights[h] = w
    outputs[h] = output
    if raw != nil {
      raw?[h] = r
      scaled?[h] = r.map { $0 * scale }
    }
  }

  /// Head outputs side by side: (T, H·D).
  func result(tokens t: Int, heads: Int, headDim d: Int) -> AttentionKernel.Result {
    var concatenated = [Float](repeating: 0, count: t * heads * d)
    for h in 0..<heads {
      for i in 0..<t {
        for c in 0..<d { concatenated[(i * heads + h) * d + c] = outputs[h][i * d + c] }
      }
    }
    return AttentionKernel.Result(
      weights: weights, raw: raw, scaled: scaled, output: concatenated)
  }
}
