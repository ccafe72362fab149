import AttnvizAnalysis
import AttnvizMath
import AttnvizModel
import AttnvizRender
import AttnvizTokens
import Foundation
import Testing

@testable import AttnvizKit

/// A two-layer trace of constructed heads: layer 1 a previous-token head and an all-on-token-0
/// head, layer 2 two identity heads.
private func constructedTrace(causal: Bool = true) -> AttentionTrace {
  let n = 4
  func oneHot(_ target: (Int) -> Int) -> Matrix {
    var m = Matrix(rows: n, columns: n)
    for i in 0..<n { m[i, target(i)] = 1 }
    return m
  }
  let tokens = ["a", "b", ",", "d"].map { Token($0) }
  return AttentionTrace(
    text: "a b , d", tokens: tokens,
    model: ModelInfo(
      name: "constructed", family: .weightsFile, layers: 2, heads: 2, dModel: 4,
      causal: causal),
    layers: [
      LayerTrace(weights: [oneHot { max($0 - 1, 0) }, oneHot { _ in 0 }]),
      LayerTrace(weights: [Matrix.identity(n), Matrix.identity(n)]),
    ])
}

@Suite struct AnalysisDocumentsTests {
  @Test func patternsOfConstructedHeads() throws {
    let patterns = headPatterns(constructedTrace())
    #expect(
      patterns.map { $0.map(\.pattern) } == [
        [.previousToken, .firstToken], [.selfToken, .selfToken],
      ])
    let json = patternsJSON(patterns, rule: HeadPatternRule(), precision: 3)
    let document = try #require(
      try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
    let rows = try #require(document["patterns"] as? [[[String: Any]]])
    #expect(rows[0][0]["pattern"] as? String == "previous token")
    #expect(rows[0][0]["score"] as? Double == 1)
    let text = patternsText(patterns, title: "P", rule: HeadPatternRule())
    #expect(text.hasPrefix("P\n        H1    H2\nLayer 1 prev  first\nLayer 2 self  self\n"))
  }

  @Test func punctuationTokensAreRecognisedWithTheirMarkers() {
    let roles = tokenRoles(
      [Token(","), Token("Ġ."), Token("##!"), Token("don"), Token("[SEP]", isSpecial: true)])
    #expect(roles == [.punctuation, .punctuation, .punctuation, .ordinary, .special])
  }

  @Test func statsJSONHasDistanceEntropyAndSinkShare() throws {
    let json = statsJSON(constructedTrace(), precision: nil)
    let document = try #require(
      try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
    #expect(document["mean_distance"] as? [[Double]] == [[0.75, 1.5], [0, 0]])
    #expect(document["mean_entropy_bits"] as? [[Double]] == [[0, 0], [0, 0]])
    // Causal model: the sink is token 0; the all-on-token-0 head has share 1.
    #expect(document["sink_keys"] as? [Int] == [0])
    #expect(document["sink_share"] as? [[Double]] == [[1.0 / 3, 1], [0, 0]])
  }

  @Test func rolloutOfIdentityLayersFromLayerTwoIsTheIdentity() throws {
    let trace = constructedTrace()
    let layers = trace.layers.map(\.weights)
    #expect(attentionRollout(layers, from: try rolloutStart(2, layers: 2)) == Matrix.identity(4))
    #expect(throws: AttnvizError.self) { try rolloutStart(3, layers: 2) }
  }

  @Test func jsonHoldsOnlyTheSelectedHeadAtTheChosenPrecision() throws {
    let json = attentionJSON(
      constructedTrace(), options: AttentionJSONOptions(precision: 2, layers: [0], heads: [1]))
    let document = try #require(
      try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
    #expect(document["layers_included"] as? [Int] == [1])
    #expect(document["heads_included"] as? [Int] == [2])
    let attention = try #require(document["attention"] as? [[[[Double]]]])
    #expect(attention.count == 1 && attention[0].count == 1)
    #expect(attention[0][0].allSatisfy { $0 == [1, 0, 0, 0] })
    #expect(jsonNumber(0.125, precision: 2) == "0.12")
    #expect(jsonNumber(1.0 / 3, precision: 3) == "0.333")
    #expect(jsonNumber(-0.0001, precision: 2) == "0")
  }

  @Test func streamedJSONIsTheSameBytesAsTheString() throws {
    let trace = constructedTrace()
    let file = OutputFile(name: "a.json") { try writeAttentionJSON(trace, into: &$0) }
    #expect(file.contents == Array(attentionJSON(trace).utf8))
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("analysis-\(UUID())")
    defer { try? FileManager.default.removeItem(at: folder) }
    try OutputFolder(path: folder.path).write([file])
    let written = try Data(contentsOf: folder.appendingPathComponent("a.json"))
    #expect(Array(written) == Array(attentionJSON(trace).utf8))
  }
}

@Suite struct GroupedQueryFiguresTests {
  @Test func headsAndModelViewsBracketSharedKeyValueHeadsAndSaySo() throws {
    let n = 3
    let heads = (0..<4).map { _ in Matrix.identity(n) }
    let trace = AttentionTrace(
      text: "a b c", tokens: ["a", "b", "c"].map { Token($0) },
      model: ModelInfo(
        name: "gqa", family: .transformer(.llama), layers: 2, heads: 4, dModel: 8, causal: true,
        keyValueHeads: 2),
      layers: [LayerTrace(weights: heads), LayerTrace(weights: heads)])
    let selection = try AttentionSelection(trace: trace, layer: nil, head: nil, hideSpecial: false)
    let scenes = try figureScenes(
      selection, titles: Titles(trace: trace, selection: selection), views: [.heads, .model],
      focus: nil, style: try figureStyle(FigureOptions()), measurer: try FontSet())
    for (name, scene) in scenes {
      let texts = scene.items.compactMap { item -> TextItem? in
        if case .text(let t) = item { t } else { nil }
      }
      let groups = texts.filter { $0.role == "kv-group" }.map(\.string)
      #expect(groups.count == 2, "\(name)")
      let caption = texts.filter { $0.role == "caption" }.map(\.string).joined()
      #expect(caption.hasPrefix("4 query heads, 2 key/value heads"), "\(name)")
    }
  }
}
