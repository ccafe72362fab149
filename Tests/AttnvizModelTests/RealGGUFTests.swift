import AttnvizTokens
import Foundation
import Testing

@testable import AttnvizModel

extension RealGGUF {
  /// The models of make_real_gguf_reference.py.
  static let qwenAndGemma: [RealGGUF] = [.qwen2, .gemma3]
}

/// Qwen2.5 and Gemma 3 as `make model` installs them (RealGGUFFixture.swift), against
/// transformers loading the same file: token ids on hard texts, and attention on every layer and
/// head.
@Suite(
  "Qwen2.5 and Gemma 3 GGUF against transformers",
  .enabled(
    if: RealGGUF.qwenAndGemma.contains { $0.isPresent },
    "the Qwen2.5 and Gemma 3 GGUF files are absent; run `make model`"))
struct RealGGUFTests {
  @Test(arguments: RealGGUF.qwenAndGemma)
  func idsEqualTransformers(_ which: RealGGUF) throws {
    guard let model = try which.model() else { return }
    let reference = try which.reference()
    #expect(reference.tokenizerCases.count == 28)
    let tokenizer = try #require(model.tokenizer as? HFTokenizer)
    // attnviz refuses an empty text before tokenizing; transformers gives it BOS alone.
    for expected in reference.tokenizerCases where !expected.text.isEmpty {
      let ids = try tokenizer.ids(expected.text)
      #expect(ids == expected.ids, "\(expected.text.debugDescription): \(expected.tokens)")
    }
  }

  @Test(arguments: RealGGUF.qwenAndGemma)
  func attentionMatchesTransformersOnEveryLayerAndHead(_ which: RealGGUF) throws {
    guard let model = try which.model() else { return }
    let reference = try which.reference()
    for expected in reference.attentionCases {
      let trace = try model.trace(expected.text, stepsLayer: nil)
      #expect(trace.tokens.map(\.id) == expected.ids)
      #expect(expected.layers.count == model.config.layers)
      #expect(expected.layers.allSatisfy { $0.heads.count == model.config.heads })
      let worst = reference.worstDifference(trace, expected)
      #expect(
        worst.difference < 1e-4,
        "\(which): max |attnviz − transformers| = \(worst.difference) at \(worst.at)")
    }
  }

  /// A text longer than Gemma 3's window of 512: the last query of a local layer sees exactly
  /// its 512 latest keys (the rest 0), a global layer all of them, both as transformers has them.
  @Test func gemmaSlidingWindowOnALongText() throws {
    guard let model = try RealGGUF.gemma3.model() else { return }
    let long = try #require(try RealGGUF.gemma3.reference().longCase)
    // The reference keeps the first 600 tokens of the text: run the engine on those ids.
    let tokenizer = try #require(model.tokenizer as? HFTokenizer)
    #expect(try Array(tokenizer.ids(long.text).prefix(long.tokens)) == long.ids)
    let pass = ForwardPass(
      config: model.config, tensors: model.tensors, table: model.table, name: "gemma",
      stepsLayer: nil)
    let trace = try pass.run(ids: long.ids)
    let t = long.tokens
    for layer in [long.localLayer, long.globalLayer] {
      let rows = try #require(long.lastRows[String(layer)])
      for (h, row) in rows.enumerated() {
        let ours = trace[layer].weights[h]
        let worst = row.indices.map { abs(ours[t - 1, $0] - Double(row[$0]) / 1e6) }.max() ?? 1
        #expect(worst < 1e-4, "layer \(layer + 1) head \(h + 1): \(worst)")
      }
    }
    let local = trace[long.localLayer].weights[0]
    #expect((0..<(t - 512)).allSatisfy { local[t - 1, $0] == 0 })
    #expect(local[t - 1, t - 512] > 0)
    let global = trace[long.globalLayer].weights[0]
    #expect((0..<t).allSatisfy { global[t - 1, $0] > 0 })
  }

  @Test func gemmaConfigurationFromMetadata() throws {
    guard let model = try RealGGUF.gemma3.model() else { return }
    let config = model.config
    #expect(config.architecture == .gemma3)
    #expect(config.layers == 18 && config.heads == 4 && config.kvHeads == 1)
    #expect(config.hidden == 640 && config.headDim == 256 && config.intermediate == 2048)
    #expect(config.slidingWindow == 512 && config.globalLayerPeriod == 6)
    #expect(config.ropeTheta == 1_000_000 && config.localRopeTheta == 10_000)
    #expect(config.ropeTheta(layer: 0) == 10_000 && config.ropeTheta(layer: 5) == 1_000_000)
    #expect(config.attentionScale == Float(1) / 16)
    #expect(config.activation == .geluTanh && config.tiedEmbeddings && config.qkNorm)
    #expect((0..<18).filter { !config.isSlidingLayer($0) } == [5, 11, 17])
  }
}
