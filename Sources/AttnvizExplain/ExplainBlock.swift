import AttnvizKit
import AttnvizMath
import AttnvizModel
import AttnvizStyle

/// The rest of the Transformer block after the attention: the residual connection, the norm,
/// the feed-forward network and the block's output, with this run's numbers. Shapes: T tokens,
/// C = d_model, I the feed-forward width.
extension StepBuilder {
  func blockSteps(_ block: BlockSteps) -> [ExplainStep] {
    [residualStep(block), normStep(block), feedForwardStep(block), blockOutputStep(block)]
  }

  var normName: (BlockSteps) -> String {
    { $0.norm == .layerNorm ? "LayerNorm" : "RMSNorm" }
  }

  func residualStep(_ block: BlockSteps) -> ExplainStep {
    let ratio = meanRowRMS(steps.output) / max(meanRowRMS(block.residual), 1e-300)
    return step(
      .residual, title: "Residual connection: X + attention",
      caption: Captions.residual(
        outputStep: numbering.number(.output), ratio: ratio, postNorm: block.postNorm),
      tables: [
        ExplainTable(title: "X entering the block (\(t) × \(c))", matrix: signed(block.residual)),
        ExplainTable(title: "Attention output (\(t) × \(c))", matrix: signed(steps.output)),
        ExplainTable(title: "Sum X + attention (\(t) × \(c))", matrix: signed(block.sum)),
      ])
  }

  func normStep(_ block: BlockSteps) -> ExplainStep {
    let name = normName(block)
    let before = rowStatistics(block.sum)
    let after = rowStatistics(block.normed)
    return step(
      .norm, title: "\(name) of each token's row",
      caption: Captions.norm(
        name: name, postNorm: block.postNorm, before: before, after: after,
        feedForwardStep: numbering.number(.feedForward)),
      tables: [
        ExplainTable(title: "Sum X + attention (\(t) × \(c))", matrix: signed(block.sum)),
        ExplainTable(title: "\(name)(sum) (\(t) × \(c))", matrix: signed(block.normed)),
      ])
  }

  func feedForwardStep(_ block: BlockSteps) -> ExplainStep {
    let inner = block.hidden.columns
    let zeros =
      block.hidden.values.isEmpty
      ? 0 : Double(block.hidden.values.filter { $0 == 0 }.count) / Double(block.hidden.values.count)
    let hidden = signed(block.hidden)
    let formula =
      block.gated
      ? "\(block.activation)(x·W_gate) ⊙ x·W_up" : "\(block.activation)(x·W1)"
    return step(
      .feedForward, title: "Feed-forward network, each token alone",
      caption: Captions.feedForward(
        activation: block.activation, gated: block.gated, dModel: c, inner: inner,
        zeroShare: block.activation == "ReLU" ? zeros : nil),
      tables: [
        ExplainTable(title: "FFN input x (\(t) × \(c))", matrix: signed(block.normed)),
        ExplainTable(
          title: "Hidden layer \(formula) (\(t) × \(inner))", matrix: hidden,
          columnTitle: "Hidden unit"),
        ExplainTable(
          title: "FFN(x) = hidden·\(block.gated ? "W_down" : "W2") (\(t) × \(c))",
          matrix: signed(block.feedForward)),
      ],
      // Input and output on one scale, the wide hidden layer on a figure of its own.
      parts: [[0, 2], [1]])
  }

  func blockOutputStep(_ block: BlockSteps) -> ExplainStep {
    let name = normName(block)
    let added = block.postNorm ? "\(name)(sum)" : "Sum X + attention"
    let formula = block.postNorm ? "\(name)(\(name)(sum) + FFN)" : "sum + FFN"
    return step(
      .blockOutput, title: "Block output: \(formula)",
      caption: Captions.blockOutput(
        postNorm: block.postNorm, norm: name, layer: layerIndex, layers: trace.layers.count,
        causal: causal,
        nextTokenStep: numbering.predicts && next != nil ? numbering.number(.nextToken) : nil),
      tables: [
        ExplainTable(
          title: "\(added) (\(t) × \(c))", matrix: signed(block.postNorm ? block.normed : block.sum)
        ),
        ExplainTable(title: "FFN (\(t) × \(c))", matrix: signed(block.feedForward)),
        ExplainTable(title: "Block output (\(t) × \(c))", matrix: signed(block.output)),
      ])
  }
}

/// A decoder's last step: the stream leaving the last block, the final norm, the LM head on the
/// last row and the most probable next tokens. Shapes: T tokens, C = d_model, V vocabulary.
extension StepBuilder {
  func nextTokenStep(_ next: NextTokenReading) -> ExplainStep {
    let name = next.norm == .layerNorm ? "LayerNorm" : "RMSNorm"
    let layers = trace.layers.count
    let last = tokens.last ?? ""
    let candidates = next.top.map(\.label)
    var probabilities = LabeledMatrix(
      Matrix(rows: next.top.count, columns: 1, values: next.top.map(\.probability)),
      rowLabels: candidates, columnLabels: ["p"], kind: .probabilities)
    // One column of probabilities, not keys: no row maximum to mark.
    probabilities.labelsAreDimensions = true
    var stream = ExplainTable(
      title: "Stream leaving block \(layers) of \(layers) (\(t) × \(c))",
      matrix: signed(next.stream))
    stream.scale = "stream"
    var normed = ExplainTable(
      title: "Final \(name) of each row (\(t) × \(c))", matrix: signed(next.normed))
    normed.scale = "normed"
    var bars = ExplainTable(
      title: "Next token after “\(last)”: top \(next.top.count) of \(next.vocabularySize)",
      matrix: probabilities, columnTitle: "Probability")
    bars.barsContext = Array(tokens.suffix(6))
    return step(
      .nextToken, title: "The next token: final \(name), LM head, softmax",
      caption: Captions.nextToken(
        norm: name, layer: layerIndex, layers: layers,
        blockSteps: numbering.number(.projections)...numbering.number(.blockOutput),
        lastToken: last, vocabulary: next.vocabularySize, tied: next.headIsTied,
        top: next.top.map { ($0.label, $0.probability) }),
      tables: [stream, normed, bars],
      // The two T × C panels side by side, the answer on a figure of its own.
      parts: [[0, 1], [2]])
  }
}

/// The mean over rows of each row's root mean square: how long a token's vector is, per
/// coordinate.
func meanRowRMS(_ m: Matrix) -> Double {
  guard m.rows > 0, m.columns > 0 else { return 0 }
  var total = 0.0
  for r in 0..<m.rows {
    let row = m.row(r)
    total += (row.reduce(0) { $0 + $1 * $1 } / Double(m.columns)).squareRoot()
  }
  return total / Double(m.rows)
}

/// The smallest and largest row mean and row root mean square of a matrix.
struct RowStatistics: Equatable {
  var mean: ClosedRange<Double>
  var rms: ClosedRange<Double>
}

func rowStatistics(_ m: Matrix) -> RowStatistics {
  guard m.rows > 0, m.columns > 0 else { return RowStatistics(mean: 0...0, rms: 0...0) }
  let c = Double(m.columns)
  let means = (0..<m.rows).map { m.row($0).reduce(0, +) / c }
  let rms = (0..<m.rows).map { (m.row($0).reduce(0) { $0 + $1 * $1 } / c).squareRoot() }
  return RowStatistics(
    mean: (means.min() ?? 0)...(means.max() ?? 0), rms: (rms.min() ?? 0)...(rms.max() ?? 0))
}
