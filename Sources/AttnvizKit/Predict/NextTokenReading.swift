import AttnvizMath
import AttnvizModel
import AttnvizTokens

/// A decoder's last step, as explain shows it: the residual stream leaving the last block, the
/// final norm of it, and the most probable next tokens after the last token, all from the one
/// pass that made the trace (`ForwardRequest(residuals: .last)`; the LM head is applied to
/// the last row only). Shapes: T tokens, C hidden, V vocabulary.
package struct NextTokenReading: Sendable, Equatable {
  /// The stream leaving the last block. (T, C)
  package var stream: Matrix
  /// The final norm of every row. (T, C)
  package var normed: Matrix
  /// The most probable next tokens after the last token, most probable first.
  package var top: [Candidate]
  package var vocabularySize: Int
  /// The head is the token embedding table (tied) rather than a matrix of its own.
  package var headIsTied: Bool
  package var norm: ModelInfo.Norm

  package struct Candidate: Sendable, Equatable {
    package var id: Int
    /// Through the one label rule (`·tired`).
    package var label: String
    package var probability: Double
    package var logit: Double
  }
}

/// How many next tokens explain's last step lists.
package let explainNextTokenCount = 5

/// explain's trace: the attention with layer `stepsLayer`'s intermediates and, for a decoder
/// with its next-token head, the last step's numbers read from the same pass (no second one).
/// Other models: the plain trace and nil.
package func traceWithNextToken(
  _ model: any AttentionModel, _ input: TokenizedText, stepsLayer: Int
) throws -> (trace: AttentionTrace, next: NextTokenReading?) {
  guard let decoder = model as? TransformerModel, decoder.predictsTokens else {
    return (try traceChecked(model, input, stepsLayer: stepsLayer), nil)
  }
  let t = input.tokens.count
  let c = decoder.config.hidden
  do {
    let result = try decoder.trace(
      input, stepsLayer: stepsLayer, request: ForwardRequest(residuals: .last))
    guard result.trace.layers.allSatisfy(isSound) else {
      throw AttnvizError.failure("the attention overflowed (scores too large for floating point)")
    }
    guard let stream = result.output.residuals?.last, stream.count == t * c else {
      throw AttnvizError.failure("the pass kept no residual stream")
    }
    let normed = try decoder.finalNorm(stream)
    let last = Array(normed[((t - 1) * c)..<(t * c)])
    let distribution = NextTokenDistribution(logits: try decoder.unembed(last, rows: 1))
    let top = distribution.top(explainNextTokenCount).map {
      NextTokenReading.Candidate(
        id: $0.id, label: tokenName($0.id, model: decoder), probability: $0.probability,
        logit: Double($0.logit))
    }
    let reading = NextTokenReading(
      stream: Matrix(rows: t, columns: c, values: stream.map(Double.init)),
      normed: Matrix(rows: t, columns: c, values: normed.map(Double.init)), top: top,
      vocabularySize: decoder.config.vocabularySize, headIsTied: decoder.headIsTied,
      norm: decoder.info.norm)
    guard reading.stream.isFinite, reading.normed.isFinite,
      top.allSatisfy({ $0.probability.isFinite && $0.logit.isFinite })
    else {
      throw AttnvizError.failure("the next-token step overflowed (values too large)")
    }
    return (result.trace, reading)
  } catch let error as AttnvizError {
    throw error
  } catch {
    throw AttnvizError.from(error)
  }
}
