import AttnvizMath
import Dispatch

// The products a BERT forward pass spends its time in, written for speed. `Matrix *` walks the
// whole right-hand matrix once per row of the left one, which for MiniLM streams its 85 MB of
// weights through memory once per token; here every weight row is read once per call, the
// arithmetic runs in SIMD lanes, and large products use every core. Index arithmetic uses &+ and
// &*: shapes are checked once at the top, and overflow checks in the inner loop would stop
// vectorisation.

/// y = x·Wᵀ + b for a weight stored as Hugging Face's `Linear` stores it, (out, in).
/// x (T, in) → (T, out). Each output is one dot product of two contiguous rows; four tokens are
/// taken together so that each weight load serves four products. Large products are split by
/// output columns across the cores; every output is computed by the same code whatever the split,
/// so results are identical from run to run and machine to machine.
func linear(_ x: Matrix, weight: Matrix, bias: [Double]) -> Matrix {
  precondition(x.columns == weight.columns && bias.count == weight.rows, "linear: shapes differ")
  let (t, inputs, outputs) = (x.rows, x.columns, weight.rows)
  var out = [Double](repeating: 0, count: t * outputs)
  let chunks = (outputs + LinearJob.chunk - 1) / LinearJob.chunk
  x.values.withUnsafeBufferPointer { xs in
    weight.values.withUnsafeBufferPointer { ws in
      out.withUnsafeMutableBufferPointer { os in
        guard let xp = xs.baseAddress, let wp = ws.baseAddress, let op = os.baseAddress else {
          return
        }
        let job = LinearJob(
          x: xp, rows: t, inputs: inputs, weight: wp, bias: bias, outputs: outputs, out: op)
        if t * inputs * outputs >= 1 << 20 && chunks > 1 {
          DispatchQueue.concurrentPerform(iterations: chunks) { job.run(chunk: $0) }
        } else {
          for c in 0..<chunks { job.run(chunk: c) }
        }
      }
    }
  }
  return Matrix(rows: t, columns: outputs, values: out)
}

/// One `linear` call's buffers, shared by the threads that compute it. @unchecked Sendable:
/// chunk c writes only output columns c·64 ..< (c+1)·64 and reads the rest, so the threads
/// never touch the same memory, and the buffers outlive `concurrentPerform`.
private struct LinearJob: @unchecked Sendable {
  static let chunk = 64
  let x: UnsafePointer<Double>  // (T, in)
  let rows: Int
  let inputs: Int
  let weight: UnsafePointer<Double>  // (out, in)
  let bias: [Double]
  let outputs: Int
  let out: UnsafeMutablePointer<Double>  // (T, out)

  func run(chunk c: Int) {
    for o in (c * Self.chunk)..<min(outputs, (c + 1) * Self.chunk) {
      let wRow = weight + (o &* inputs)
      let b = bias[o]
      var i = 0
      while i &+ 4 <= rows {
        let (s0, s1, s2, s3) = dot4(x + (i &* inputs), stride: inputs, wRow, count: inputs)
        out[i &* outputs &+ o] = s0 + b
        out[(i &+ 1) &* outputs &+ o] = s1 + b
        out[(i &+ 2) &* outputs &+ o] = s2 + b
        out[(i &+ 3) &* outputs &+ o] = s3 + b
        i &+= 4
      }
      while i < rows {
        out[i &* outputs &+ o] = dot(x + (i &* inputs), wRow, count: inputs) + b
        i &+= 1
      }
    }
  }
}

/// The dot products of four rows (`stride` apart from `rows`) with one vector `w`: each weight
/// is loaded once for four tokens. Each row keeps two sums, of the even and the odd terms, which
/// the optimiser turns into two-lane vector arithmetic (and which cost nothing in debug builds,
/// unlike SIMD types).
@inline(__always)
func dot4(
  _ rows: UnsafePointer<Double>, stride: Int, _ w: UnsafePointer<Double>, count: Int
) -> (Double, Double, Double, Double) {
  let (r0, r1, r2, r3) = (rows, rows + stride, rows + (2 &* stride), rows + (3 &* stride))
  var (a0, a1, a2, a3) = (0.0, 0.0, 0.0, 0.0)
  var (b0, b1, b2, b3) = (0.0, 0.0, 0.0, 0.0)
  var k = 0
  while k &+ 2 <= count {
    let (w0, w1) = (w[k], w[k &+ 1])
    a0 += r0[k] * w0
    b0 += r0[k &+ 1] * w1
    a1 += r1[k] * w0
    b1 += r1[k &+ 1] * w1
    a2 += r2[k] * w0
    b2 += r2[k &+ 1] * w1
    a3 += r3[k] * w0
    b3 += r3[k &+ 1] * w1
    k &+= 2
  }
  if k < count {
    let wk = w[k]
    (a0, a1, a2, a3) = (a0 + r0[k] * wk, a1 + r1[k] * wk, a2 + r2[k] * wk, a3 + r3[k] * wk)
  }
  return (a0 + b0, a1 + b1, a2 + b2, a3 + b3)
}

/// Σ a[k]·b[k] over `count` contiguous doubles, in four interleaved sums so that the additions
/// do not wait for each other (and vectorise).
@inline(__always)
func dot(_ a: UnsafePointer<Double>, _ b: UnsafePointer<Double>, count: Int) -> Double {
  var (s0, s1, s2, s3) = (0.0, 0.0, 0.0, 0.0)
  var k = 0
  while k &+ 4 <= count {
    s0 += a[k] * b[k]
    s1 += a[k &+ 1] * b[k &+ 1]
    s2 += a[k &+ 2] * b[k &+ 2]
    s3 += a[k &+ 3] * b[k &+ 3]
    k &+= 4
  }
  while k < count {
    s0 += a[k] * b[k]
    k &+= 1
  }
  return (s0 + s1) + (s2 + s3)
}

/// y[0..<count] += s · x[0..<count].
@inline(__always)
func addScaled(
  _ s: Double, _ x: UnsafePointer<Double>, to y: UnsafeMutablePointer<Double>, count: Int
) {
  for k in 0..<count { y[k] += s * x[k] }
}
