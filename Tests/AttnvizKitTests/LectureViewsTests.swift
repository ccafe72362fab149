import AttnvizMath
import AttnvizModel
import AttnvizRender
import AttnvizTokens
import Testing

@testable import AttnvizKit

/// The RNN half of the lecture (`--view rnn`) and the tokens figure (`--view tokens`), drawn
/// from the run's own sentence, tokens and weights.
@Suite struct LectureViewsTests {
  let sentence = "The animal didn't cross the street because it was too tired."

  func scenes(
    _ model: any AttentionModel, views: [ViewKind], focus word: String?, head: Int? = nil
  ) throws -> (AttentionSelection, [(stem: String, scene: Scene)]) {
    let trace = try model.trace(sentence)
    let selection = try AttentionSelection(trace: trace, layer: nil, head: head, hideSpecial: false)
    let focus = try word.map { try resolveFocus($0, selection: selection) }
    let scenes = try figureScenes(
      selection, titles: Titles(trace: trace, selection: selection), views: views, focus: focus,
      style: try figureStyle(FigureOptions()), measurer: try FontSet())
    return (selection, scenes)
  }

  func texts(_ scene: Scene, _ role: String) -> [String] {
    scene.items.compactMap { if case .text(let t) = $0, t.role == role { t.string } else { nil } }
  }

  /// The chain from the key to "it" has one numbered arrow per step, k = the distance; the hop
  /// carries the head's real weight; the title says it is a diagram.
  @Test func rnnDiagramCountsTheStepsAndQuotesTheRealWeight() throws {
    let (selection, scenes) = try scenes(EmbeddedModel(), views: [.rnn], focus: "it", head: 2)
    let (stem, scene) = try #require(scenes.first)
    #expect(stem == "rnn-layer1-head2")
    let it = try #require(selection.labels.firstIndex(of: "it"))
    let row = Array(selection.matrix(head: 1).matrix.row(it))
    // The strongest ordinary key: not "it" itself.
    let key = try #require(row.indices.filter { $0 != it }.max { row[$0] < row[$1] })
    let k = abs(it - key)
    #expect(texts(scene, "rnn-step-number") == (1...k).map(String.init))
    #expect(texts(scene, "callout") == [formatFixed(row[key], decimals: 2)])
    #expect(texts(scene, "title").first?.contains("diagram (no RNN was run)") == true)
    #expect(texts(scene, "panel-title").first?.hasPrefix("RNN: \(k) sequential steps") == true)
    #expect(texts(scene, "panel-title").last?.hasPrefix("Self-attention: 1 step") == true)
    // One hidden state per shown token, one shared projection box.
    let cells = scene.items.filter {
      if case .rect(let r) = $0 { r.role == "rnn-cell" } else { false }
    }
    #expect(cells.count == texts(scene, "rnn-state").count && cells.count >= k + 1)
  }

  @Test func rnnNeedsAFocusToken() throws {
    #expect(throws: AttnvizError.self) {
      _ = try scenes(EmbeddedModel(), views: [.rnn], focus: nil)
    }
  }

  /// The built-in tokenizer has no vocabulary: the figure and the text say so and print no ids.
  @Test func tokensOfTheBuiltinLayerHaveNoIds() throws {
    let (_, scenes) = try scenes(EmbeddedModel(), views: [.tokens], focus: nil)
    let scene = try #require(scenes.first?.scene)
    #expect(texts(scene, "token-id").allSatisfy { $0 == "–" })
    #expect(texts(scene, "caption").joined().contains("no vocabulary and so no ids"))
    #expect(texts(scene, "token-label").contains("didn't"))
  }

  /// A WordPiece-like tokenizer with ids: the pieces, their text, their ids, and why a word
  /// became several tokens, read off the pieces.
  @Test func tokensExplainContinuationsAndSplitWords() throws {
    let tokens = [
      Token("[CLS]", id: 101, isSpecial: true), Token("un", id: 4895, sourceRange: 0..<2),
      Token("##aff", id: 10354, sourceRange: 2..<5), Token("##ably", id: 8231, sourceRange: 5..<9),
      Token("didn", id: 2134, sourceRange: 10..<14), Token("'", id: 1005, sourceRange: 14..<15),
      Token("t", id: 1056, sourceRange: 15..<16), Token("[SEP]", id: 102, isSpecial: true),
    ]
    let trace = AttentionTrace(
      text: "unaffably didn't", tokens: tokens,
      model: ModelInfo(
        name: "m", family: .transformer(.bert), layers: 1, heads: 1, dModel: 4, causal: false),
      layers: [])
    let pieces = tokenPieces(trace)
    #expect(pieces.map(\.source) == [nil, "un", "aff", "ably", "didn", "'", "t", nil])
    #expect(pieces.map(\.id) == [101, 4895, 10354, 8231, 2134, 1005, 1056, 102])
    let lines = tokenExplanations(trace)
    #expect(lines.contains { $0.hasPrefix("## marks a piece that continues") })
    #expect(lines.contains { $0.hasPrefix("[CLS] and the like are added") })
    #expect(
      lines.contains { $0.hasPrefix("Why is “didn't” 3 tokens? The tokenizer first splits") })
    #expect(
      lines.contains {
        $0.hasPrefix("Why is “unaffably” 3 tokens? The vocabulary")
          && $0.hasSuffix("un + ##aff + ##ably.")
      })
    let text = tokenPiecesText(trace)
    #expect(text.contains("\n1         “un”     un      4895\n"), "\(text)")
  }

  /// A character cut into UTF-8 bytes is a byte piece, and the explanation says so.
  @Test func bytePiecesAreExplained() throws {
    let text = "中"
    let tokens = [Token("ä¸", id: 1, sourceRange: 0..<2), Token("Ń", id: 2, sourceRange: 2..<3)]
    let trace = AttentionTrace(
      text: text, tokens: tokens,
      model: ModelInfo(
        name: "m", family: .transformer(.gpt2), layers: 1, heads: 1, dModel: 4, causal: true),
      layers: [])
    #expect(isBytePiece(tokens[0], in: text))
    #expect(tokenExplanations(trace).contains { $0.contains("part of a character's UTF-8 bytes") })
  }
}

/// `--preset slide --view heads`: when all heads on one slide would leave text under 18 px at
/// 1920×1080, the heads go to several slides, split between key/value groups, each named.
@Suite struct SlideHeadsTests {
  @Test func twelveHeadsGoToSeveralReadableSlides() throws {
    let sentence = "The animal didn't cross the street because it was too tired."
    let trace = try EmbeddedModel(dimension: 48, heads: 12).trace(sentence)
    let selection = try AttentionSelection(trace: trace, layer: nil, head: nil, hideSpecial: false)
    var options = FigureOptions()
    options.preset = .slide
    let style = try figureStyle(options)
    let scenes = try figureScenes(
      selection, titles: Titles(trace: trace, selection: selection), views: [.heads],
      focus: try resolveFocus("it", selection: selection), style: style,
      measurer: try FontSet())
    #expect(scenes.count > 1)
    #expect(scenes.first?.stem.hasPrefix("heads-layer1-head01-head") == true)
    #expect(scenes.last?.stem.hasSuffix("-head12") == true)
    var heads = 0
    for (stem, scene) in scenes {
      let size = style.fontSize * min(1920 / scene.width, 1080 / scene.height)
      #expect(size >= 18, "\(stem): \(size) px")
      heads +=
        scene.items.filter {
          if case .text(let t) = $0 { t.role == "panel-title" } else { false }
        }.count
    }
    #expect(heads == 12)
  }

  @Test func withoutASlideOneFigureHoldsEveryHead() throws {
    let trace = try EmbeddedModel(dimension: 48, heads: 12).trace("The cat sat on the mat.")
    let selection = try AttentionSelection(trace: trace, layer: nil, head: nil, hideSpecial: false)
    let scenes = try figureScenes(
      selection, titles: Titles(trace: trace, selection: selection), views: [.heads], focus: nil,
      style: try figureStyle(FigureOptions()), measurer: try FontSet())
    #expect(scenes.map(\.stem) == ["heads-layer1"])
  }
}
