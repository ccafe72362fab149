import AttnvizMath
import Dispatch
import Foundation

/// BERT's multi-head self-attention with its weights as checkpoints store them: each projection
/// (out, in) = (C, C) with a bias, applied as y = x·Wᵀ + b. It computes exactly what
/// `SelfAttentionLayer` does for Wq = queryᵀ, … (the tests hold the two to 1e-12), with the fast
/// products of BertKernels.swift. Shapes: T tokens, C channels, H heads, D = C / H.
struct BertAttention: Sendable {
  var query: Matrix
  var key: Matrix
  var value: Matrix
  var output: Matrix
  var queryBias: [Double]
  var keyBias: [Double]
  var valueBias: [Double]
  var outputBias: [Double]
  var heads: Int

  /// The same layer in attnviz's row-vector convention, as the explain walk-through shows it.
  var rowVectorLayer: SelfAttentionLayer {
    SelfAttentionLayer(
      wq: query.transposed, wk: key.transposed, wv: value.transposed, wo: output.transposed,
      bq: queryBias, bk: keyBias, bv: valueBias, bo: outputBias, heads: heads, causal: false)
  }

  struct Result {
    /// Per head, softmax(Q_h·K_hᵀ / √D). H × (T, T)
    var weights: [Matrix]
    /// concat_h(weights_h · V_h) · Woᵀ + bo. (T, C)
    var output: Matrix
    /// Every intermediate, when asked for.
    var steps: LayerSteps?
  }

  /// What `LayerSteps` records besides the computed matrices: the embeddings and positional
  /// encoding shown before X, and this layer's `rowVectorLayer` (transposing four C×C matrices
  /// on every call would cost more than the attention of a short sentence).
  struct StepsContext {
    var embeddings: Matrix
    var positions: Matrix
    var rowVectorLayer: SelfAttentionLayer
  }

  /// Runs the layer on X (T, C); with `recordSteps`, also returns every intermediate.
  func callAsFunction(_ x: Matrix, recordSteps: StepsContext?) -> Result {
    let q = linear(x, weight: query, bias: queryBias)  // (T, C)
    let k = linear(x, weight: key, bias: keyBias)
    let v = linear(x, weight: value, bias: valueBias)
    let d = x.columns / heads
    let scale = 1 / Double(d).squareRoot()
    // Heads are independent: long inputs spread them over the cores. Each head's numbers are
    // computed by the same code either way, so the result does not depend on the split.
    let perHead = HeadResults(count: heads)
    let run: @Sendable (Int) -> Void = { h in
      let raw = headScores(q, k, head: h, size: d)  // (T, T)
      let scaled = raw * scale
      let w = softmaxRows(scaled)
      perHead.store(
        h,
        HeadResult(
          raw: raw, scaled: scaled, weights: w, output: weighted(v, by: w, head: h, size: d)))
    }
    if x.rows * x.rows * x.columns >= 1 << 20 {
      DispatchQueue.concurrentPerform(iterations: heads, execute: run)
    } else {
      for h in 0..<heads { run(h) }
    }
    let results = perHead.results
    let weights = results.map(\.weights)
    let headOutputs = results.map(\.output)  // H × (T, D)
    let concatenated = Matrix.concatenateColumns(headOutputs)  // (T, C)
    let out = linear(concatenated, weight: output, bias: outputBias)
    guard let record = recordSteps else { return Result(weights: weights, output: out, steps: nil) }
    let layer = record.rowVectorLayer
    let steps = LayerSteps(
      embeddings: record.embeddings, positionalEncoding: record.positions, input: x,
      wq: layer.wq, wk: layer.wk, wv: layer.wv, wo: layer.wo, q: q, k: k, v: v,
      rawScores: results.map(\.raw), scaledScores: results.map(\.scaled), weights: weights,
      headOutputs: headOutputs, concatenated: concatenated, output: out)
    return Result(weights: weights, output: out, steps: steps)
  }
}

/// One head's matrices.
private struct HeadResult {
  var raw: Matrix
  var scaled: Matrix
  var weights: Matrix
  var output: Matrix
}

/// Slots the heads fill, possibly from several threads. @unchecked Sendable: head h writes only
/// slot h, under the lock, and `results` is read after `concurrentPerform` has returned.
private final class HeadResults: @unchecked Sendable {
  private var slots: [HeadResult?]
  private let lock = NSLock()

  init(count: Int) { slots = Array(repeating: nil, count: count) }

  func store(_ h: Int, _ result: HeadResult) {
    lock.lock()
    slots[h] = result
    lock.unlock()
  }

  var results: [HeadResult] { slots.compactMap { $0 } }
}

/// Q_h·K_hᵀ: row i, column j is the dot product of head h's slices of query i and key j.
private func headScores(_ q: Matrix, _ k: Matrix, head h: Int, size d: Int) -> Matrix {
  let t = q.rows
  let c = q.columns
  var scores = [Double](repeating: 0, count: t * t)
  q.values.withUnsafeBufferPointer { qs in
    k.values.withUnsafeBufferPointer { ks in
      guard let qp = qs.baseAddress, let kp = ks.baseAddress else { return }
      for i in 0..<t {
        for j in 0..<t {
          scores[i * t + j] = dot(qp + (i * c + h * d), kp + (j * c + h * d), count: d)
        }
      }
    }
  }
  return Matrix(rows: t, columns: t, values: scores)
}

/// weights · V_h: row i is Σ_j weights[i, j] · (head h's slice of value j). (T, D)
private func weighted(_ v: Matrix, by weights: Matrix, head h: Int, size d: Int) -> Matrix {
  let t = v.rows
  let c = v.columns
  var out = [Double](repeating: 0, count: t * d)
  v.values.withUnsafeBufferPointer { vs in
    out.withUnsafeMutableBufferPointer { os in
      guard let vp = vs.baseAddress, let op = os.baseAddress else { return }
      for i in 0..<t {
        for j in 0..<t {
          addScaled(weights[i, j], vp + (j * c + h * d), to: op + i * d, count: d)
        }
      }
    }
  }
  return Matrix(rows: t, columns: d, values: out)
}
