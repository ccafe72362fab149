import AttnvizMath
import AttnvizModel
import AttnvizRender
import AttnvizViews
import Foundation
import Testing

@testable import AttnvizExplain
@testable import AttnvizKit

/// The fixtures of the model tests, from this file's folder.
private func modelFixture(_ path: String) -> URL {
  URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("AttnvizModelTests/Fixtures/" + path)
}

/// A decoder's walk, as `attnviz explain` builds it: the trace and the next-token step from
/// one pass.
private func decoderWalk(_ model: TransformerModel, text: String, layer: Int = 0) throws -> (
  ExplainWalkthrough, NextTokenReading
) {
  let (trace, next) = try traceWithNextToken(model, try model.tokenize(text), stepsLayer: layer)
  let reading = try #require(next)
  return (try ExplainWalkthrough(trace: trace, head: 0, layer: layer, next: reading), reading)
}

/// explain on a decoder ends with the next token: the stream leaving the last block, the final
/// norm, the LM head on the last row, and the top tokens with transformers' probabilities.
@Suite struct ExplainNextTokenTests {
  /// transformers' next-token probabilities (scripts/reference/make_prediction_references.py)
  /// for the tiny Llama and GPT-2: explain's last step gives the same top tokens within 1e-5.
  @Test(arguments: [("llama", "engine/llama"), ("tiny-gpt2", "tiny-gpt2")])
  func theLastStepMatchesTransformers(reference name: String, folder: String) throws {
    let model = try TransformerModel(folder: modelFixture(folder).path)
    let data = try Data(contentsOf: modelFixture("predictions/\(name).json"))
    let json = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    let cases = try #require(json["cases"] as? [[String: Any]])
    #expect(!cases.isEmpty)
    for item in cases {
      let text = try #require(item["text"] as? String)
      let top = try #require(item["top"] as? [[Double]])
      let (walk, reading) = try decoderWalk(model, text: text)
      #expect(reading.top.count == explainNextTokenCount)
      for (candidate, expected) in zip(reading.top, top) {
        #expect(candidate.id == Int(expected[0]), "\(name) \(text.debugDescription)")
        #expect(abs(candidate.probability - expected[1]) < 1e-5)
      }
      let step = try #require(walk.list.last)
      #expect(step.kind == .nextToken)
      #expect(step.number == walk.list.count)
      // The bars are the candidates, most probable first, and the caption quotes the first.
      let bars = try #require(step.tables.last)
      #expect(bars.matrix.rowLabels == reading.top.map(\.label))
      #expect(bars.matrix.matrix.values == reading.top.map(\.probability))
      let caption = step.caption.joined(separator: " ")
      #expect(
        caption.contains(
          "“\(reading.top[0].label)” at \(formatFixed(reading.top[0].probability, decimals: 3))"))
      #expect(caption.contains("V = \(model.config.vocabularySize) tokens"))
      #expect(caption.contains(model.headIsTied ? "(tied)" : "a matrix of its own"))
      // The stream and its norm: every row, the last what the head reads.
      let t = walk.trace.tokens.count
      #expect(step.tables[0].matrix.matrix.rows == t)
      #expect(step.tables[1].matrix.matrix.columns == model.config.hidden)
    }
  }

  /// GPT-2 (position added, causal) ends at 13, a rotary decoder at 14; the built-in layer and
  /// `--causal` have no head and stop at the block's output.
  @Test func numbersEndWithTheNextTokenOnlyWhereAModelPredicts() throws {
    let gpt2 = try decoderWalk(
      try TransformerModel(folder: modelFixture("tiny-gpt2").path), text: "The cat sat."
    ).0
    #expect(gpt2.list.map(\.number) == Array(1...13))
    #expect(gpt2.list.last?.fileStem == "step-13-next-token")
    let llama = try decoderWalk(
      try TransformerModel(folder: modelFixture("engine/llama").path), text: "The cat sat.",
      layer: 1
    ).0
    #expect(llama.list.map(\.number) == Array(1...14))
    #expect(llama.list.last?.fileStem == "step-14-next-token")
    // The last layer walked: the stream leaving it is what the head reads; the first: the
    // caption says which block comes between.
    #expect(llama.list.last?.caption[0].hasPrefix("The stream leaving block 2 goes") == true)
    let first = try decoderWalk(
      try TransformerModel(folder: modelFixture("engine/llama").path), text: "The cat sat."
    ).0
    #expect(first.list.last?.caption[0].hasPrefix("Block 2 repeats steps 4–13 with") == true)
    #expect(try llama.step(14).kind == .nextToken)
    for walk in [try builtin(), try builtin(causal: true)] {
      #expect(!walk.list.contains { $0.kind == .nextToken })
      #expect(!StepNumbering(model: walk.trace.model).predicts)
    }
    let rotary = StepNumbering(rotary: true, causal: true, predicts: true)
    #expect(rotary.last == 14 && rotary.number(.nextToken) == 14)
    #expect(rotary.range.hasSuffix("14 the next token)"))
    #expect(StepNumbering(rotary: false, causal: true, block: false, predicts: true).last == 8)
    #expect(StepNumbering.largest == 14)
  }

  /// The step's figures fit a 1920×1080 slide with readable text: the two T × C panels, then
  /// the bars with every candidate and its probability as the caption prints it.
  @Test func theFiguresFitASlideAndPrintTheProbabilities() throws {
    let model = try TransformerModel(folder: modelFixture("engine/llama").path)
    let (walk, reading) = try decoderWalk(model, text: "The cat sat on the mat.")
    let step = try #require(walk.list.last)
    let fonts = try loadFonts(FigureOptions())
    let style = FigureStyle()
    let scenes = explainFigures(step, subtitle: "s", style: style, measurer: fonts)
    #expect(scenes.count == 2)
    for scene in scenes { #expect(slideFits(scene, style: style)) }
    let texts = scenes[1].items.compactMap { item -> String? in
      if case .text(let text) = item { return text.string }
      return nil
    }
    for candidate in reading.top {
      #expect(texts.contains(formatFixed(candidate.probability, decimals: 3)))
    }
    #expect(texts.contains { $0.hasPrefix("Step \(step.number) (2 of 2) · Next token after") })
    // The deck's figures (explain.html) hold the same bars.
    #expect(deckFigures(step, style: style, measurer: fonts).count == 2)
  }
}
