import AttnvizMath

/// Attention rollout (Abnar & Zuidema 2020, "Quantifying Attention Flow in Transformers"):
/// each layer's heads are averaged, the identity is added for the residual connection and rows
/// are renormalised, Â_l = (mean_h A_l,h + I) / 2, and the layers are multiplied from the first
/// chosen layer up: R = Â_L · … · Â_F. Row i of R is how much token i's final representation
/// draws on each input token. `layers[l][h]` is T×T; `from` is 0-based.
///
/// Memory: two T×T Float32 buffers and one row, whatever the number of layers (64 MiB each at
/// 4,096 tokens): R, and Â_l, which the product R ← Â_l · R overwrites row by row (row i of the
/// product needs only row i of Â_l and all of R). The result comes back as a Double `Matrix`
/// after the buffers are released. Float32 keeps 7 significant digits, far below what a figure
/// or a two-decimal table shows.
public func attentionRollout(_ layers: [[Matrix]], from: Int = 0) -> Matrix? {
  guard let t = layers.first?.first?.rows, from >= 0, from < layers.count else { return nil }
  // The first layer as it is (not multiplied by I: at 4,096 tokens that product alone is 7·10¹⁰
  // multiply-adds).
  var result = [Float](repeating: 0, count: t * t)
  fillResidualAverage(layers[from], size: t, into: &result)
  var layer = [Float]()
  var row = [Float](repeating: 0, count: t)
  for heads in layers[(from + 1)...] {
    if layer.isEmpty { layer = [Float](repeating: 0, count: t * t) }
    fillResidualAverage(heads, size: t, into: &layer)
    layer.withUnsafeMutableBufferPointer { a in
      result.withUnsafeBufferPointer { r in
        row.withUnsafeMutableBufferPointer { out in
          for i in 0..<t {
            for j in 0..<t { out[j] = 0 }
            for k in 0..<t {
              let weight = a[i * t + k]
              // Causal layers are lower triangular: half the products are by 0.
              guard weight != 0 else { continue }
              let source = k * t
              for j in 0..<t { out[j] += weight * r[source + j] }
            }
            for j in 0..<t { a[i * t + j] = out[j] }
          }
        }
      }
    }
    swap(&result, &layer)
  }
  layer = []
  return Matrix(rows: t, columns: t, values: result.map(Double.init))
}

/// Â = (mean of the heads + I) with rows renormalised to sum to 1, written into `out` (T×T,
/// Float32) without allocating.
func fillResidualAverage(_ heads: [Matrix], size t: Int, into out: inout [Float]) {
  let share = 1 / Double(max(heads.count, 1))
  out.withUnsafeMutableBufferPointer { a in
    for r in 0..<t {
      var sum = 0.0
      for c in 0..<t {
        var value = r == c ? 1.0 : 0.0
        for h in heads { value += share * h.values[r * t + c] }
        a[r * t + c] = Float(value)
        sum += value
      }
      guard sum > 0 else { continue }
      let scale = 1 / sum
      for c in 0..<t { a[r * t + c] = Float(Double(a[r * t + c]) * scale) }
    }
  }
}

/// (mean of the heads + I) with rows renormalised to sum to 1.
public func residualAverage(_ heads: [Matrix]) -> Matrix {
  var a = headAverage(heads)
  for r in 0..<a.rows {
    a[r, r] += 1
    let sum = a.row(r).reduce(0, +)
    guard sum > 0 else { continue }
    for c in 0..<a.columns { a[r, c] /= sum }
  }
  return a
}

/// The average of the heads of one layer, summed in place (one T×T buffer, not one per head).
public func headAverage(_ heads: [Matrix]) -> Matrix {
  guard let first = heads.first else { return Matrix(rows: 0, columns: 0) }
  var sum = Matrix(rows: first.rows, columns: first.columns)
  for h in heads {
    for i in sum.values.indices { sum.values[i] += h.values[i] }
  }
  let share = 1 / Double(heads.count)
  for i in sum.values.indices { sum.values[i] *= share }
  return sum
}
