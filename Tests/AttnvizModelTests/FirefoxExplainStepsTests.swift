import AttnvizMath
import Foundation
import Testing

@testable import AttnvizModel

/// The intermediates `attnviz explain` shows of a translator, kept by the one translation
/// (`translate(_:recording:)`), against the numpy Marian reference with its intermediates
/// (scripts/reference/make_translator_explain_reference.py, float64): encoder layer 1's queries,
/// scaled scores and block output; the SSRU's gate and cell, the cross-attention's query, scores
/// and weights, the output layer's input and its five most probable tokens at two decoder steps.
@Suite(
  "Firefox translator: explain's recorded steps",
  .enabled(if: Firefox.present, "models/firefox-en-pt is absent; run `make model`"))
struct FirefoxExplainStepsTests {
  struct Encoder: Decodable {
    var layer: Int
    var q: [Double]
    var scaledScores: [Double]
    var blockOutput: [Double]
  }

  struct Point: Decodable {
    var layer: Int
    var step: Int
    var gate: [Double]
    var cell: [Double]
    var previousCell: [Double]
    var query: [Double]
    var scaledScores: [Double]
    var weights: [Double]
    var final: [Double]
    var topIds: [Int]
    var topProbabilities: [Double]
  }

  struct Reference: Decodable {
    var text: String
    var sourceIds: [Int]
    var outputIds: [Int]
    var encoder: Encoder
    var decoder: [Point]
  }

  static let reference = Result {
    let decoder = JSONDecoder()
    decoder.keyDecodingStrategy = .convertFromSnakeCase
    return try decoder.decode(
      Reference.self, from: Data(contentsOf: try fixtureURL("firefox-explain-reference.json")))
  }

  /// The largest |a − e| / max(1, |e|) and its index, for values of different magnitudes
  /// (scores reach ±40, a gate is below 1).
  static func worst(_ actual: [Double], _ expected: [Double]) -> (Double, Int) {
    guard actual.count == expected.count else { return (.infinity, -1) }
    var worst = (0.0, -1)
    for (i, (a, e)) in zip(actual, expected).enumerated() {
      let d = abs(a - e) / max(1, abs(e))
      if d > worst.0 { worst = (d, i) }
    }
    return worst
  }

  func translation(_ point: Point) throws -> (Reference, TranslationSteps) {
    let reference = try Self.reference.get()
    let translator = try #require(try Firefox.translators["enpt"]?.get())
    let result = try translator.translate(
      reference.text,
      recording: TranslationRecording(
        encoderLayer: reference.encoder.layer, decoderLayer: point.layer, target: point.step))
    #expect(result.source.map { $0.id ?? -1 } == reference.sourceIds)
    #expect(result.generatedIDs == reference.outputIds)
    return (reference, try #require(result.steps))
  }

  @Test func encoderLayerMatchesTheReference() throws {
    let reference = try Self.reference.get()
    let (_, steps) = try translation(reference.decoder[0])
    let e = reference.encoder
    let q = Self.worst(steps.encoder.q.values, e.q)
    #expect(q.0 < 1e-5, "Q: \(q.0) at \(q.1)")
    let scaled = Self.worst(steps.encoder.scaledScores.flatMap(\.values), e.scaledScores)
    #expect(scaled.0 < 1e-5, "scaled scores: \(scaled.0) at \(scaled.1)")
    let block = try #require(steps.encoder.block)
    let output = Self.worst(block.output.values, e.blockOutput)
    #expect(output.0 < 1e-5, "block output: \(output.0) at \(output.1)")
    // The steps explain prints are the pass's: the block output is layer 2's input.
    #expect(steps.encoderLayer == 0)
  }

  @Test(arguments: [0, 1]) func decoderStepMatchesTheReference(index: Int) throws {
    let point = try Self.reference.get().decoder[index]
    let (_, steps) = try translation(point)
    let d = steps.decoder
    #expect(d.layer == point.layer && d.position == point.step)
    guard case .recurrent(let gate, _, let previousCell, let cell, _) = d.mixer else {
      Issue.record("the Firefox decoder's first sub-block is an SSRU")
      return
    }
    for (name, actual, expected) in [
      ("gate", gate.values, point.gate), ("cell", cell.values, point.cell),
      ("previous cell", previousCell.values, point.previousCell),
      ("query", d.query.values, point.query),
      ("scaled scores", d.scaledScores.flatMap(\.values), point.scaledScores),
      ("weights", d.weights.flatMap(\.values), point.weights),
      ("output layer's input", d.final.values, point.final),
    ] {
      let (difference, at) = Self.worst(actual, expected)
      #expect(difference < 1e-5, "\(name): \(difference) at \(at)")
    }
    #expect(steps.top.map(\.id) == point.topIds)
    let p = Self.worst(steps.top.map(\.probability), point.topProbabilities)
    #expect(p.0 < 1e-5, "top-5 probabilities: \(p.0) at \(p.1)")
    #expect(steps.recurrentDecoder && steps.startsFromZeroVector && steps.outputIsTied)
    #expect(steps.vocabularySize == 32000 && steps.embeddingScale == 16)
  }

  /// Recording changes nothing: the same ids and maps as a translation that keeps nothing.
  @Test func recordingLeavesTheTranslationAlone() throws {
    let reference = try Self.reference.get()
    let translator = try #require(try Firefox.translators["enpt"]?.get())
    let plain = try translator.translate(reference.text)
    let recorded = try translator.translate(
      reference.text, recording: TranslationRecording(encoderLayer: 3, decoderLayer: 0, target: 4))
    #expect(plain.steps == nil && recorded.steps != nil)
    #expect(plain.generatedIDs == recorded.generatedIDs)
    #expect(plain.crossAttention == recorded.crossAttention)
    #expect(plain.encoderSelfAttention == recorded.encoderSelfAttention)
    // A step past the translation's end is not recorded.
    let past = try translator.translate(
      reference.text,
      recording: TranslationRecording(encoderLayer: 0, decoderLayer: 0, target: 99))
    #expect(past.steps == nil)
  }
}
