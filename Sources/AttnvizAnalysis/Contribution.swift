import AttnvizMath

/// What a key actually adds to a query through a head, not only how much weight it gets
/// (Kobayashi et al. 2020, "Attention is not only a weight: analyzing transformers with vector
/// norms"): ‖α_h(i, j) · f_h(x_j)‖ = α_h(i, j) · ‖f_h(x_j)‖, where f_h is the value projection
/// followed by the head's slice of the output projection. A first-token sink takes most of the
/// weight of many heads but carries a short vector, so its contribution is small.
///
/// `weights` (T, T) and `norms` (T: ‖f_h(x_j)‖ per key j) → (T, T): row i, column j is
/// ‖α(i, j) f(x_j)‖, unnormalised.
public func contributionMatrix(weights: Matrix, norms: [Double]) -> Matrix {
  precondition(weights.columns == norms.count, "one norm per key")
  var out = weights
  for i in 0..<weights.rows {
    for j in 0..<weights.columns { out[i, j] = weights[i, j] * norms[j] }
  }
  return out
}

/// Each row divided by its sum, so a contribution matrix reads on the same 0…1 scale as the
/// weights beside it; an all-zero row stays zero.
public func rowNormalized(_ m: Matrix) -> Matrix {
  var out = m
  for i in 0..<m.rows {
    let total = m.row(i).reduce(0, +)
    guard total > 0 else { continue }
    for j in 0..<m.columns { out[i, j] = m[i, j] / total }
  }
  return out
}

/// One layer's weights and contributions as a figure shows them: one head's, or, for all heads
/// together, the weights averaged over heads beside the contributions summed over heads
/// (Σ_h ‖α_h(i, j) f_h(x_j)‖) and row-normalised, each key's share of what the layer's heads move
/// into query i.
public struct LayerContribution: Sendable, Equatable {
  /// (T, T) rows sum to 1.
  public var weights: Matrix
  /// (T, T) rows sum to 1 (0 where nothing moves).
  public var shares: Matrix

  /// `weights` H × (T, T), `norms` H × T; `heads` the heads taken together (one for a head).
  public init(weights: [Matrix], norms: [[Double]], heads: [Int]) {
    precondition(!heads.isEmpty && weights.count == norms.count, "heads and norms")
    let t = weights[heads[0]].rows
    var averaged = Matrix(rows: t, columns: t)
    var summed = Matrix(rows: t, columns: t)
    let share = 1 / Double(heads.count)
    for h in heads {
      let c = contributionMatrix(weights: weights[h], norms: norms[h])
      for k in averaged.values.indices {
        averaged.values[k] += share * weights[h].values[k]
        summed.values[k] += c.values[k]
      }
    }
    self.weights = heads.count == 1 ? weights[heads[0]] : averaged
    self.shares = rowNormalized(summed)
  }
}
