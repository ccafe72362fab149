import AttnvizKit
import AttnvizMath
import AttnvizModel
import AttnvizStyle
import Foundation

/// The rotation step of a rotary model (Llama family). Shapes: T tokens, D head size, P = D/2
/// dimension pairs; pair i of head h is columns h·D + i and h·D + P + i (rotate-half order).
extension StepBuilder {
  func rotationStep(_ rotation: RotationSteps) -> ExplainStep {
    let pairs = d / 2
    let frequencies = rotation.frequencies
    let shownPairs = Array(Set([0, 1, pairs / 2, pairs - 1].filter { $0 >= 0 && $0 < pairs }))
      .sorted()
    // (T, shown pairs): the angle m·θᵢ each shown pair turns at each position.
    var angles = Matrix(rows: t, columns: shownPairs.count)
    for m in 0..<t {
      for (j, i) in shownPairs.enumerated() { angles[m, j] = Double(m) * frequencies[i] }
    }
    var angleTable = LabeledMatrix(
      angles, rowLabels: (0..<t).map { "pos \($0)" }, columnLabels: shownPairs.map { "\($0)" },
      kind: .signed)
    angleTable.labelsAreDimensions = true

    let before = (q: rotation.q.columns(headColumns), k: rotation.k.columns(headColumns))
    let after = (q: steps.q.columns(headColumns), k: steps.k.columns(headColumns))
    let part = h > 1 ? ", head \(head + 1)" : ""
    let query = t - 1
    let strip = distanceScores(query: before.q, key: before.k, frequencies: frequencies, t: t)
    var stripTable = LabeledMatrix(
      strip, rowLabels: ["q(\(tokenLabel(tokens[query])))·k(\(tokenLabel(tokens[0])))"],
      columnLabels: (0..<t).map { "m−n=\($0)" }, kind: .signed)
    stripTable.labelsAreDimensions = true

    // Columns alternate d_i, d_i+P: the axis says so, since thinned labels show every other.
    let pairAxis = "Dimension: d_i beside d_i+\(pairs)"
    let tables = [
      ExplainTable(
        title: "Q before rotation\(part), pairs side by side", matrix: paired(before.q),
        scale: "q", columnTitle: pairAxis),
      ExplainTable(
        title: "Q after rotation\(part)", matrix: paired(after.q), scale: "q",
        columnTitle: pairAxis),
      ExplainTable(
        title: "K before rotation\(part), pairs side by side", matrix: paired(before.k),
        scale: "k", columnTitle: pairAxis),
      ExplainTable(
        title: "K after rotation\(part)", matrix: paired(after.k), scale: "k",
        columnTitle: pairAxis),
      ExplainTable(
        title:
          "Angle m·θᵢ (radians) of pairs \(shownPairs.map(String.init).joined(separator: ", "))",
        matrix: angleTable, columnTitle: "Dimension pair i"),
      ExplainTable(
        title: "Q·Kᵀ before rotation",
        matrix: square(before.q * before.k.transposed, kind: .signed, masked: false),
        columnsAreTokens: true, scale: "scores"),
      ExplainTable(
        title: "Q·Kᵀ after rotation: the raw scores",
        matrix: square(steps.rawScores[head], kind: .signed, masked: false),
        columnsAreTokens: true, scale: "scores"),
      ExplainTable(
        title: "\(stripTable.rowLabels[0]) at distance m − n", matrix: stripTable,
        note: "this head's real q and k, one pair (not an average) · y axis from 0",
        chart: LineChartAxes(x: "Distance m − n (tokens)", y: "q·k after rotation")),
    ]
    let slowest = pairs - 1
    return step(
      .rotation, title: "Rotary position (RoPE): Q and K turned by position",
      caption: Captions.rotation(
        positions: t, headSize: d, theta: trimmedNumber(rotation.theta),
        scaling: rotation.scaling, fastest: Double(t - 1) * frequencies[0],
        slowest: (slowest, Double(t - 1) * frequencies[slowest]),
        distance: (
          query: tokenLabel(tokens[query]), key: tokenLabel(tokens[0]), first: strip[0, 0],
          last: strip[0, t - 1]
        )),
      tables: tables, parts: [[4, 7], [0, 1], [2, 3], [5, 6]])
  }

  /// A head's (T, D) slice with its columns reordered so each pair sits side by side:
  /// d_i, d_{i+P}, d_{i+1}, …, labelled with the columns' numbers in the whole Q or K.
  func paired(_ m: Matrix) -> LabeledMatrix {
    let pairs = d / 2
    let order = (0..<pairs).flatMap { [$0, $0 + pairs] }
    var out = Matrix(rows: m.rows, columns: order.count)
    for r in 0..<m.rows {
      for (j, c) in order.enumerated() { out[r, j] = m[r, c] }
    }
    var labeled = LabeledMatrix(
      out, rowLabels: tokens, columnLabels: order.map { "d\(headColumns.lowerBound + $0)" },
      kind: .signed)
    labeled.labelsAreDimensions = true
    return labeled
  }
}

/// The score of the last token's query with the first token's key, both taken from before the
/// rotation, as it would be if they stood δ = m − n positions apart, for δ = 0 … T − 1: after
/// rotation q_m·k_n = Σᵢ cos(δθᵢ)(q₁k₁ + q₂k₂) + sin(δθᵢ)(q₁k₂ − q₂k₁) over the pairs
/// (q₁, q₂) = (q_i, q_{i+P}). At δ = 0 it is the unrotated score, at δ = T − 1 the raw score.
/// (1, T)
func distanceScores(query q: Matrix, key k: Matrix, frequencies: [Double], t: Int) -> Matrix {
  let pairs = q.columns / 2
  let (m, n) = (q.rows - 1, 0)
  var out = Matrix(rows: 1, columns: t)
  for delta in 0..<t {
    var sum = 0.0
    for i in 0..<pairs {
      let (q1, q2) = (q[m, i], q[m, i + pairs])
      let (k1, k2) = (k[n, i], k[n, i + pairs])
      let angle = Double(delta) * frequencies[i]
      sum += cos(angle) * (q1 * k1 + q2 * k2) + sin(angle) * (q1 * k2 - q2 * k1)
    }
    out[0, delta] = sum
  }
  return out
}
