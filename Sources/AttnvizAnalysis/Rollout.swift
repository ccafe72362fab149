import AttnvizMath

/// Attention rollout (Abnar & Zuidema 2020, "Quantifying Attention Flow in Transformers"):
/// each layer's heads are averaged, the identity is added for the residual connection and rows
/// are renormalised, Â_l = (mean_h A_l,h + I) / 2, and the layers are multiplied from the first
/// chosen layer up: R = Â_L · … · Â_F. Row i of R is how much token i's final representation
/// draws on each input token. `layers[l][h]` is T×T; `from` is 0-based.
public func attentionRollout(_ layers: [[Matrix]], from: Int = 0) -> Matrix? {
  guard layers.first?.first != nil, from >= 0, from < layers.count else { return nil }
  // The first layer as it is (not multiplied by I: at 4,096 tokens that product alone is 7·10¹⁰
  // multiply-adds).
  var result = residualAverage(layers[from])
  for heads in layers[(from + 1)...] {
    result = residualAverage(heads) * result
  }
  return result
}

/// (mean of the heads + I) with rows renormalised to sum to 1.
public func residualAverage(_ heads: [Matrix]) -> Matrix {
  guard let first = heads.first else { return Matrix(rows: 0, columns: 0) }
  var a = headAverage(heads) + Matrix.identity(first.rows)
  for r in 0..<a.rows {
    let sum = a.row(r).reduce(0, +)
    guard sum > 0 else { continue }
    for c in 0..<a.columns { a[r, c] /= sum }
  }
  return a
}

/// The average of the heads of one layer.
public func headAverage(_ heads: [Matrix]) -> Matrix {
  guard let first = heads.first else { return Matrix(rows: 0, columns: 0) }
  var sum = Matrix(rows: first.rows, columns: first.columns)
  for h in heads { sum = sum + h }
  return sum * (1 / Double(heads.count))
}
