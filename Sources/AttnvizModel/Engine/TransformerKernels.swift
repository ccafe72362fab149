import CEngineKernels
import Dispatch
import Foundation

// The engine's kernels, in the manner of llm.c: one function per layer kind, Float32 row-major
// arrays, shapes in the comments. T tokens, C channels, H query heads, G key/value heads, D head
// size, I feed-forward width. Weights are stored as a Hugging Face `Linear` stores them,
// (out, in), and applied as y = x·Wᵀ + b. Inner loops use SIMD8 lanes and &+ / &* index
// arithmetic (shapes are checked once at the top; overflow checks would stop vectorisation).
// Large products spread their output columns over the cores; every output is computed by the
// same code whatever the split, so results do not depend on the machine.

/// y = x·Wᵀ + b. x (T, in), weight (out, in), bias (out) or nil → (T, out).
func linear(_ x: [Float], rows t: Int, weight: [Float], bias: [Float]?, outputs: Int) -> [Float] {
  linear(x, rows: t, weight: WeightMatrix(weight), bias: bias, outputs: outputs)
}

/// With `segment` S, x is several texts' rows stacked, S each (the ablation sweep's variants):
/// every weight row is read once for all of them, and each text's rows are grouped as they would
/// be alone, so each output is the same bits as `linear` on that text's S rows.
func linear(
  _ x: [Float], rows t: Int, weight: WeightMatrix, bias: [Float]?, outputs: Int,
  segment: Int? = nil
) -> [Float] {
  let inputs = weight.count / max(outputs, 1)
  precondition(x.count == t * inputs && weight.count == outputs * inputs, "linear: shapes differ")
  precondition(bias == nil || bias?.count == outputs, "linear: bias length")
  let segment = max(1, segment ?? t)
  precondition(t % segment == 0, "linear: rows are not whole segments")
  var out = [Float](repeating: 0, count: t * outputs)
  let chunks = (outputs + LinearJob.chunk - 1) / LinearJob.chunk
  func run(_ job: LinearJob) {
    if t * inputs * outputs >= 1 << 18 && chunks > 1 {
      DispatchQueue.concurrentPerform(iterations: chunks) { job.run(chunk: $0) }
    } else {
      for c in 0..<chunks { job.run(chunk: c) }
    }
  }
  x.withUnsafeBufferPointer { xs in
    out.withUnsafeMutableBufferPointer { os in
      guard let xp = xs.baseAddress, let op = os.baseAddress else { return }
      if let quantized = weight.quantized {
        run(
          LinearJob(
            x: xp, rows: t, segment: segment, inputs: inputs, weight: nil, quantized: quantized,
            bias: bias, outputs: outputs, out: op))
        return
      }
      weight.withUnsafeBufferPointer { ws in
        guard let wp = ws.baseAddress else { return }
        run(
          LinearJob(
            x: xp, rows: t, segment: segment, inputs: inputs, weight: wp, quantized: nil,
            bias: bias, outputs: outputs, out: op))
      }
    }
  }
  return out
}

/// One `linear` call's buffers. @unchecked Sendable: chunk c writes only its own output
/// columns, and the buffers outlive `concurrentPerform`.
private struct LinearJob: @unchecked Sendable {
  static let chunk = 32
  let x: UnsafePointer<Float>  // (T, in)
  let rows: Int
  /// Rows grouped as one text's (a divisor of `rows`).
  let segment: Int
  let inputs: Int
  let weight: UnsafePointer<Float>?  // (out, in), or:
  /// (out, in) in a stored block format: each weight row is converted into a row-sized
  /// scratch buffer (in the core's cache) and used there for all T tokens.
  let quantized: QuantizedRows?
  let bias: [Float]?
  let outputs: Int
  let out: UnsafeMutablePointer<Float>  // (T, out)

  func run(chunk c: Int) {
    let range = (c &* Self.chunk)..<min(outputs, (c &+ 1) &* Self.chunk)
    withUnsafeTemporaryAllocation(of: Float.self, capacity: 4 &* Self.chunk) { buffer in
      guard let sums = buffer.baseAddress else { return }
      if let quantized, rows == 1, kernelsAVX2, fused(quantized, range, sums: sums) {
        // One token (a decoding step): each block converted in registers and used at once.
      } else if let quantized {
        withUnsafeTemporaryAllocation(of: Float.self, capacity: max(inputs, 1)) { scratch in
          guard let row = scratch.baseAddress else { return }
          for o in range {
            quantized.row(o, into: row)
            products(o..<(o &+ 1), sums: sums) { _ in UnsafePointer(row) }
          }
        }
      } else if let weight {
        // Tokens outer, weight rows inner: four tokens' inputs stay in the core's first-level
        // cache while the chunk's weight rows (a few tens of KB) are read for them, so a batch
        // of many rows (the ablation sweep's) is not bound by reading its inputs again for
        // every output. Each product is the same call on the same numbers in either order.
        products(range, sums: sums) { weight + ($0 &* inputs) }
      }
    }
  }

  /// The one token's outputs `columns` from the stored blocks (CEngineKernels), the bits the
  /// row-sized scratch path gives; false, computing nothing, for a type with no such kernel.
  private func fused(_ q: QuantizedRows, _ columns: Range<Int>, sums: UnsafeMutablePointer<Float>)
    -> Bool
  {
    let done = withOrder(q.order) { order in
      attnviz_qdot1_avx2(
        Int32(truncatingIfNeeded: q.type.id), q.base, q.rowBytes, order, columns.lowerBound,
        columns.count, q.columns / q.type.block, x, sums)
    }
    guard done != 0 else { return false }
    for (j, o) in columns.enumerated() { out[o] = sums[j] + (bias?[o] ?? 0) }
    return true
  }

  /// Output columns `columns` for every token: x[i]·w[o] + b[o], each segment's rows four at a
  /// time from its first, then one at a time. The weight rows of `columns` are `inputs` floats
  /// apart from `wRow(columns.lowerBound)`; `sums` holds 4 · `chunk` floats. With AVX the same
  /// products run in engine_kernels.c, in the same order (`EngineKernelTests`).
  @inline(__always)
  private func products(
    _ columns: Range<Int>, sums: UnsafeMutablePointer<Float>,
    _ wRow: (Int) -> UnsafePointer<Float>
  ) {
    let n = columns.count
    let first = columns.lowerBound
    var start = 0
    while start < rows {
      let end = start &+ segment
      var i = start
      // Four tokens at a time: each weight load serves four products.
      while i &+ 4 <= end {
        if kernelsAVX {
          attnviz_dot4_avx(x + (i &* inputs), inputs, wRow(first), inputs, n, inputs, sums)
          for j in 0..<n {
            let b = bias?[first &+ j] ?? 0
            for r in 0..<4 { out[(i &+ r) &* outputs &+ first &+ j] = sums[4 &* j &+ r] + b }
          }
        } else {
          for o in columns {
            let b = bias?[o] ?? 0
            let s = dot4(x + (i &* inputs), stride: inputs, wRow(o), count: inputs)
            out[i &* outputs &+ o] = s.0 + b
            out[(i &+ 1) &* outputs &+ o] = s.1 + b
            out[(i &+ 2) &* outputs &+ o] = s.2 + b
            out[(i &+ 3) &* outputs &+ o] = s.3 + b
          }
        }
        i &+= 4
      }
      while i < end {
        if kernelsAVX {
          attnviz_dot1_avx(x + (i &* inputs), wRow(first), inputs, n, inputs, sums)
          for j in 0..<n { out[i &* outputs &+ first &+ j] = sums[j] + (bias?[first &+ j] ?? 0) }
        } else {
          for o in columns {
            out[i &* outputs &+ o] =
              dot(x + (i &* inputs), wRow(o), count: inputs) + (bias?[o] ?? 0)
          }
        }
        i &+= 1
      }
      start = end
    }
  }
}

/// `order`'s elements for C (nil: rows in stored order).
@inline(__always)
private func withOrder<R>(_ order: [Int]?, _ body: (UnsafePointer<Int>?) -> R) -> R {
  guard let order else { return body(nil) }
  return order.withUnsafeBufferPointer { body($0.baseAddress) }
}

/// `blocks` stored blocks of `type` at `source` as Float32 into `target`, converted in
/// CEngineKernels' AVX2 block loops (the floats `GGMLDequantize` gives, bit for bit); false,
/// converting nothing, on a CPU without AVX2 or for a type with no such kernel.
@inline(__always)
func convertedByKernels(
  _ type: GGMLType, _ source: UnsafeRawPointer, blocks: Int,
  into target: UnsafeMutablePointer<Float>
) -> Bool {
  kernelsAVX2
    && attnviz_dequantize_avx2(Int32(truncatingIfNeeded: type.id), source, blocks, target) != 0
}

/// Whether this CPU runs the quantised one-token products of CEngineKernels (AVX2's integer
/// lanes unpack the blocks; the arithmetic is GGMLDequantize's, then `dot`'s).
let kernelsAVX2 = attnviz_kernels_avx2() != 0

/// Whether this CPU runs the AVX versions of `dot4` and `dot` (CEngineKernels): the same
/// products in the same order, each eight-lane step one instruction instead of two.
let kernelsAVX = attnviz_kernels_avx() != 0

/// Σ a[k]·b[k] over `count` contiguous floats.
@inline(__always)
func dot(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, count: Int) -> Float {
  let ra = UnsafeRawPointer(a)
  let rb = UnsafeRawPointer(b)
  var acc0 = SIMD8<Float>()
  var acc1 = SIMD8<Float>()
  var k = 0
  while k &+ 16 <= count {
    acc0 +=
      ra.loadUnaligned(fromByteOffset: k &* 4, as: SIMD8<Float>.self)
      * rb.loadUnaligned(fromByteOffset: k &* 4, as: SIMD8<Float>.self)
    acc1 +=
      ra.loadUnaligned(fromByteOffset: (k &+ 8) &* 4, as: SIMD8<Float>.self)
      * rb.loadUnaligned(fromByteOffset: (k &+ 8) &* 4, as: SIMD8<Float>.self)
    k &+= 16
  }
  var sum = (acc0 + acc1).sum()
  while k < count {
    sum += a[k] * b[k]
    k &+= 1
  }
  return sum
}

/// Four rows of x (each `stride` apart) dotted with one row w.
@inline(__always)
func dot4(
  _ x: UnsafePointer<Float>, stride: Int, _ w: UnsafePointer<Float>, count: Int
) -> (Float, Float, Float, Float) {
  let rw = UnsafeRawPointer(w)
  let r0 = UnsafeRawPointer(x)
  let r1 = UnsafeRawPointer(x + stride)
  let r2 = UnsafeRawPointer(x + 2 &* stride)
  let r3 = UnsafeRawPointer(x + 3 &* stride)
  var (a0, a1, a2, a3) = (SIMD8<Float>(), SIMD8<Float>(), SIMD8<Float>(), SIMD8<Float>())
  var k = 0
  while k &+ 8 <= count {
    let off = k &* 4
    let wv = rw.loadUnaligned(fromByteOffset: off, as: SIMD8<Float>.self)
    a0 += r0.loadUnaligned(fromByteOffset: off, as: SIMD8<Float>.self) * wv
    a1 += r1.loadUnaligned(fromByteOffset: off, as: SIMD8<Float>.self) * wv
    a2 += r2.loadUnaligned(fromByteOffset: off, as: SIMD8<Float>.self) * wv
    a3 += r3.loadUnaligned(fromByteOffset: off, as: SIMD8<Float>.self) * wv
    k &+= 8
  }
  var s = (a0.sum(), a1.sum(), a2.sum(), a3.sum())
  while k < count {
    let wk = w[k]
    s.0 += x[k] * wk
    s.1 += x[stride &+ k] * wk
    s.2 += x[2 &* stride &+ k] * wk
    s.3 += x[3 &* stride &+ k] * wk
    k &+= 1
  }
  return s
}

/// LayerNorm over each row of x (T, C): (x − mean) / √(biased variance + ε) · weight + bias,
/// as torch.nn.LayerNorm. Mean and variance are accumulated in Double.
func layerNorm(_ x: [Float], columns c: Int, weight: [Float], bias: [Float], epsilon: Double)
  -> [Float]
{
  var out = x
  let t = x.count / max(c, 1)
  for r in 0..<t {
    let row = r &* c
    var sum = 0.0
    for j in 0..<c { sum += Double(x[row &+ j]) }
    let mean = sum / Double(c)
    var squares = 0.0
    for j in 0..<c {
      let d = Double(x[row &+ j]) - mean
      squares += d * d
    }
    let inverse = 1 / (squares / Double(c) + epsilon).squareRoot()
    for j in 0..<c {
      let normed = Float((Double(x[row &+ j]) - mean) * inverse)
      out[row &+ j] = normed * weight[j] + bias[j]
    }
  }
  return out
}

/// RMSNorm over each row of x (rows of width C): x / √(mean(x²) + ε) · weight, as Llama's
/// `LlamaRMSNorm` (the weight multiplies after normalising). Also used per head (width D) for
/// Qwen3's q/k norms.
func rmsNorm(_ x: [Float], columns c: Int, weight: [Float], epsilon: Double) -> [Float] {
  var out = x
  let t = x.count / max(c, 1)
  for r in 0..<t {
    let row = r &* c
    var squares = 0.0
    for j in 0..<c { squares += Double(x[row &+ j]) * Double(x[row &+ j]) }
    let inverse = Float(1 / (squares / Double(c) + epsilon).squareRoot())
    for j in 0..<c { out[row &+ j] = weight[j] * (x[row &+ j] * inverse) }
  }
  return out
}

/// The feed-forward non-linearities, elementwise.
func activate(_ x: inout [Float], _ activation: TransformerConfig.Activation) {
  switch activation {
  case .gelu:
    // x/2 · (1 + erf(x/√2)), the exact form (BERT's "gelu").
    for i in x.indices { x[i] = 0.5 * x[i] * (1 + erf(x[i] * Float(0.5).squareRoot())) }
  case .geluTanh:
    // x/2 · (1 + tanh(√(2/π) · (x + 0.044715 x³))) (GPT-2's "gelu_new").
    let k = Float((2 / Double.pi).squareRoot())
    for i in x.indices {
      let v = x[i]
      x[i] = 0.5 * v * (1 + tanh(k * (v + 0.044715 * v * v * v)))
    }
  case .relu:
    for i in x.indices { x[i] = max(0, x[i]) }
  case .silu:
    for i in x.indices { x[i] = x[i] / (1 + exp(-x[i])) }
  }
}

/// Elementwise a += b.
func addInPlace(_ a: inout [Float], _ b: [Float]) {
  precondition(a.count == b.count, "add: shapes differ")
  for i in a.indices { a[i] += b[i] }
}
