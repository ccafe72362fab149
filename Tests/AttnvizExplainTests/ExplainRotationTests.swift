import AttnvizMath
import AttnvizModel
import AttnvizRender
import AttnvizViews
import Foundation
import Testing

@testable import AttnvizExplain
@testable import AttnvizKit

/// The tiny Llama of scripts/reference/make_engine_fixtures.py (4 heads sharing 2 key/value
/// heads, head size 8, θ 10000 with llama3 rescaling), in the package's test fixtures.
func tinyLlama(head: Int = 0, layer: Int = 0, text: String = "The cat sat on the mat.") throws
  -> ExplainWalkthrough
{
  let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("AttnvizModelTests/Fixtures/engine/llama")
  let model = try TransformerModel(folder: folder.path)
  return try ExplainWalkthrough(
    trace: model.trace(text, stepsLayer: layer), head: head, layer: layer)
}

@Suite struct ExplainRotationTests {
  /// Every kind of model numbers its steps 1…N without a gap (a bidirectional layer went
  /// 5 → 7 when the mask's number was kept free).
  @Test func numberingHasNoGapsForAnyKindOfModel() {
    let bidirectional = StepNumbering(rotary: false)
    let causal = StepNumbering(rotary: false, causal: true)
    let rotary = StepNumbering(rotary: true, causal: true)
    let weightsFile = StepNumbering(rotary: false, causal: false, block: false)
    #expect(bidirectional.kinds.count == 11 && !bidirectional.kinds.contains(.rotation))
    #expect(!bidirectional.kinds.contains(.causalMask))
    #expect(bidirectional.number(.scores) == 5 && bidirectional.number(.weights) == 6)
    #expect(bidirectional.number(.output) == 7 && bidirectional.number(.blockOutput) == 11)
    #expect(causal.number(.causalMask) == 6 && causal.last == 12)
    #expect(rotary.number(.rotation) == 5 && rotary.number(.scores) == 6)
    #expect(rotary.number(.causalMask) == 7 && rotary.number(.weights) == 8)
    #expect(rotary.number(.output) == 9 && rotary.number(.feedForward) == 12)
    #expect(rotary.kind(14) == nil && rotary.last == 13)
    #expect(weightsFile.last == 7 && weightsFile.kind(8) == nil)
    #expect(StepNumbering.largest == 14)
    // A translator: its encoder layer 1–11 as a bidirectional layer, then one decoder step.
    let translator = StepNumbering(
      model: ModelInfo(name: "t", family: .marian, layers: 6, heads: 8, dModel: 256, causal: false))
    #expect(translator.translator && translator.predicts && translator.last == 14)
    #expect(translator.number(.blockOutput) == 11 && translator.number(.decoderStep) == 12)
    #expect(translator.number(.crossAttention) == 13 && translator.number(.nextToken) == 14)
    #expect(translator.range.contains("12 a decoder step, 13 cross-attention, 14 the next token"))
    #expect(!bidirectional.kinds.contains(.crossAttention) && !rotary.kinds.contains(.decoderStep))
    for numbering in [bidirectional, causal, rotary, weightsFile, translator] {
      #expect(numbering.kinds.map(numbering.number) == Array(1...numbering.last))
    }
  }

  @Test func aRotaryModelHasThirteenStepsWithTheRotationFifth() throws {
    let walk = try tinyLlama()
    #expect(walk.list.map(\.number) == Array(1...13))
    #expect(
      walk.list.map(\.fileStem) == [
        "step-01-tokens", "step-02-embeddings", "step-03-positional-encoding", "step-04-qkv",
        "step-05-rotation", "step-06-scores", "step-07-causal-mask", "step-08-weights",
        "step-09-output", "step-10-residual", "step-11-norm", "step-12-feed-forward",
        "step-13-block-output",
      ])
    #expect(try walk.step(5).kind == .rotation)
    #expect(try walk.step(8).kind == .weights)
    let position = try walk.step(3)
    #expect(position.title == "Position: nothing added to X (rotary, step 5)")
    #expect(position.caption.joined(separator: " ").contains("Position enters in step 5"))
    #expect(!position.caption.joined().contains("reorder"))
  }

  @Test func otherModelsHaveNoRotationStep() throws {
    for walk in [try builtin(), try builtin(causal: true), try threeTokens()] {
      #expect(!walk.list.contains { $0.kind == .rotation })
      #expect(!StepNumbering(model: walk.trace.model).rotary)
    }
  }

  /// Step 4 shows Q and K from before the rotation, so its title Q = X·Wq is what the numbers
  /// are (to Float32 rounding: the engine multiplies in Float32).
  @Test func projectionsAreXTimesWBeforeRotation() throws {
    let walk = try tinyLlama(head: 2)
    let qkv = try walk.step(4)
    let columns = walk.steps.q.columns
    let head = 16..<24
    let expected = (walk.steps.input * walk.steps.wq).columns(head)
    let shown = qkv.tables[0].matrix.matrix
    let worst = zip(expected.values, shown.values).map { abs($0 - $1) }.max() ?? 0
    #expect(columns == 32 && worst < 1e-4, "largest difference \(worst)")
    // X here is the first norm's output, which Wq multiplies: the title says so.
    #expect(qkv.tables[0].title == "Q = RMSNorm(X)·Wq, head 3 (d16–d23)")
    #expect(shown != walk.steps.q.columns(head))
    let caption = qkv.caption.joined(separator: " ")
    #expect(caption.contains("Wq 32 × 32, Wk and Wv 32 × 16"))
    #expect(caption.contains("key/value head 2 of 2, shared by heads 3–4"))
  }

  @Test func rotationStepHoldsTheRunsMatrices() throws {
    let walk = try tinyLlama(head: 1)
    let step = try walk.step(5)
    let rotation = try #require(walk.steps.rotation)
    let t = walk.trace.tokens.count
    #expect(
      step.tables.map(\.title) == [
        "Q before rotation, head 2, pairs side by side", "Q after rotation, head 2",
        "K before rotation, head 2, pairs side by side", "K after rotation, head 2",
        "Angle m·θᵢ (radians) of pairs 0, 1, 2, 3", "Q·Kᵀ before rotation",
        "Q·Kᵀ after rotation: the raw scores", "q(.)·k(<|begin_of_text|>) at distance m − n",
      ])
    // Pairs side by side: head 2 is d8–d15, pair i is d(8+i) with d(12+i).
    let qBefore = step.tables[0].matrix
    #expect(
      qBefore.columnLabels == ["d8", "d12", "d9", "d13", "d10", "d14", "d11", "d15"])
    #expect(qBefore.matrix[3, 1] == rotation.q[3, 12])
    #expect(step.tables[1].matrix.matrix[3, 1] == walk.steps.q[3, 12])
    #expect(step.tables[3].matrix.matrix[5, 2] == walk.steps.k[5, 9])
    // Angles: position m times the recorded frequency of the pair.
    let angles = step.tables[4].matrix.matrix
    #expect(angles.rows == t && angles[4, 0] == 4 * rotation.frequencies[0])
    #expect(rotation.frequencies[0] == 1)
    // The scores after rotation are the step's raw scores; on the diagonal the rotation
    // changes nothing (q_m and k_m turn by the same angle).
    let before = step.tables[5].matrix.matrix
    let after = step.tables[6].matrix.matrix
    #expect(after == walk.steps.rawScores[1])
    for m in 0..<t {
      #expect(abs(before[m, m] - after[m, m]) < 1e-4 * max(1, abs(after[m, m])), "position \(m)")
    }
    #expect(zip(before.values, after.values).contains { abs($0 - $1) > 0.01 })
    // The distance series: the unrotated score at distance 0, the raw score at T − 1.
    let series = step.tables[7]
    #expect(series.chart != nil && series.matrix.matrix.columns == t)
    let first = series.matrix.matrix[0, 0]
    let last = series.matrix.matrix[0, t - 1]
    #expect(abs(first - before[t - 1, 0]) < 1e-9 * max(1, abs(first)))
    #expect(abs(last - after[t - 1, 0]) < 1e-4 * max(1, abs(last)), "\(last) vs \(after[t - 1, 0])")
    #expect(step.parts == [[4, 7], [0, 1], [2, 3], [5, 6]])
  }

  @Test func rotationCaptionQuotesThisInput() throws {
    let caption = try tinyLlama().step(5).caption
    // Three lines on RoPE, one on the distance chart, with its own numbers.
    #expect(caption.count == 4)
    #expect(caption[3].hasPrefix("Chart: this head's real q(.)·k(<|begin_of_text|>)"))
    #expect(caption[3].contains("pe --rope (q = k) falls with distance"))
    let text = caption.joined(separator: " ")
    #expect(text.contains("4 pairs, head size 8"))
    #expect(text.contains("θᵢ = 10000^(−2i/8), rescaled (llama3, factor 8)"))
    #expect(text.contains("over these 13 positions (0–12) pair 0 turns up to 12.00 rad"))
    #expect(text.contains("pair 3 less than 0.01 rad"))
    for line in caption { #expect(line.count <= 140, "\(line)") }
    let one = Captions.rotation(
      positions: 1, headSize: 64, theta: "100000", scaling: nil, fastest: 0, slowest: (31, 0))
    #expect(
      one[1] == "θᵢ = 100000^(−2i/64): the one token stands at position 0, where nothing turns.")
  }

  @Test func laterLayersRotateToo() throws {
    let walk = try tinyLlama(layer: 1)
    #expect(try walk.step(5).kind == .rotation)
    #expect(walk.steps.rotation != nil)
  }

  @Test func stepThirteenIsRefusedOnlyWhereItDoesNotExist() throws {
    #expect(try tinyLlama().step(9).kind == .output)
    #expect(try tinyLlama().step(13).kind == .blockOutput)
    #expect(try builtin(causal: true).step(9).kind == .residual)
    #expect(throws: AttnvizError.self) { try builtin(causal: true).step(13) }
    #expect(throws: AttnvizError.self) { try threeTokens().step(8) }
  }

  /// Eight panels are four slide-sized figures: the angles with the distance chart, Q, K, and
  /// the scores, each pair before and after on one colour scale.
  @Test func figureSplitsThePanelsIntoSlideSizedParts() throws {
    let walk = try tinyLlama()
    let step = try walk.step(5)
    let scenes = explainFigures(
      step, subtitle: "tiny", style: FigureStyle(), measurer: FixedMeasurer())
    #expect(scenes.count == 4)
    func titles(_ scene: Scene) -> [String] {
      scene.items.compactMap { item -> String? in
        if case .text(let text) = item, text.role == "title" { return text.string }
        return nil
      }
    }
    #expect(
      titles(scenes[0]).first
        == "Step 5 (1 of 4) · Rotary position (RoPE): Q and K turned by position")
    #expect(titles(scenes[0]).contains("q(.)·k(<|begin_of_text|>) at distance m − n"))
    #expect(titles(scenes[1]).contains("Q before rotation, head 1, pairs side by side"))
    #expect(titles(scenes[1]).contains("Q after rotation, head 1"))
    let series = scenes[0].items.filter {
      if case .line(let line) = $0 { return line.role == "series" }
      return false
    }
    #expect(series.count == walk.trace.tokens.count - 1)
    // The chart's y axis starts at 0 (its lowest tick), so a 2% change is not a cliff.
    let ticks = scenes[0].items.compactMap { item -> Double? in
      if case .text(let text) = item, text.role == "tick-label" {
        return Double(text.string.replacingOccurrences(of: "−", with: "-"))
      }
      return nil
    }
    let chartValues = (0..<step.tables[7].matrix.matrix.columns).map {
      step.tables[7].matrix.matrix[0, $0]
    }
    if chartValues.allSatisfy({ $0 > 0 }) { #expect(ticks.contains(0)) }
    for scene in scenes {
      #expect(slideFits(scene, style: FigureStyle()), "\(scene.width)×\(scene.height)")
    }
  }
}
