import AttnvizHTML
import AttnvizMath
import AttnvizModel
import AttnvizRender
import AttnvizTables
import AttnvizViews
import Foundation
import Testing

@testable import AttnvizExplain
@testable import AttnvizKit

/// Every character 0.6 em wide: figures laid out without loading fonts.
struct FixedMeasurer: TextMeasuring {
  func width(of string: String, size: Double, weight: FontWeight) -> Double {
    Double(string.count) * size * 0.6
  }
  func ascent(size: Double) -> Double { size * 0.93 }
  func descent(size: Double) -> Double { size * 0.24 }
}

func htmlPage(_ walk: ExplainWalkthrough) -> String {
  let names = ExplainNames(trace: walk.trace, head: walk.head)
  let figures = walk.list.map {
    deckFigures($0, style: FigureStyle(), measurer: FixedMeasurer()).map { renderSVG($0) }
  }
  return explainHTML(
    walk.list, title: names.title, subtitle: names.subtitle, figures: figures,
    figureFontSize: deckFigureFontSize)
}

func occurrences(of needle: String, in text: String) -> Int {
  text.components(separatedBy: needle).count - 1
}

@Suite struct ExplainMarkdownTests {
  @Test func everyStepHasHeadingCaptionTablesAndFigureLink() throws {
    let walk = try builtin(causal: true)
    let names = ExplainNames(trace: walk.trace, head: 0)
    let md = explainMarkdown(
      walk.list, title: names.title, subtitle: names.subtitle, figureExtension: "png")
    #expect(md.hasPrefix("# Self-attention, step by step\n"))
    for step in walk.list {
      #expect(md.contains("\n## Step \(step.number) · "), "\(step.heading)")
      #expect(md.contains("](\(step.fileStem).png)\n"), "\(step.heading)")
      for table in step.tables {
        #expect(md.contains(renderMarkdownTable(table.shown().matrix)), "\(table.title)")
      }
    }
    #expect(occurrences(of: "\n## ", in: md) == 12)
    #expect(md.contains("| 0 | The |\n| 1 | cat |"))
  }

  /// --chat: the tokens step's table gains a role column, and the terminal text a line of the
  /// turns' positions; without roles neither.
  @Test func chatRolesInTheTokensTableAndText() throws {
    let walk = try threeTokens()
    var steps = walk.list
    #expect(steps[0].kind == .tokens && steps[0].tokens.count == 3)
    let plainMD = explainMarkdown(steps, title: "T", subtitle: "S", figureExtension: nil)
    #expect(plainMD.contains("| position | token |\n| ---: | :--- |\n| 0 | the |\n"))
    #expect(roleLine([]) == nil)
    steps[0].segments = [
      ColumnSegment(kind: .user, columns: 0...0, isMarker: true),
      ColumnSegment(kind: .user, columns: 1...1, isMarker: false),
      ColumnSegment(kind: .assistant, columns: 2...2, isMarker: true),
    ]
    let md = explainMarkdown(steps, title: "T", subtitle: "S", figureExtension: nil)
    #expect(
      md.contains(
        "| position | token | role |\n| ---: | :--- | :--- |\n| 0 | the | user (template) |\n"
          + "| 1 | cat | user |\n| 2 | sat | assistant (template) |\n"))
    let text = explainText(
      Array(steps.prefix(1)), heading: "H", options: TableOptions(colorMode: .plain, width: 100),
      weightsMap: nil)
    #expect(
      text.contains(
        "  Chat roles: user 0–1, assistant 2 (each turn with its template markers).\n"))
  }

  @Test func handExampleNumbersAndSVGLinks() throws {
    let walk = try threeTokens()
    let md = explainMarkdown(walk.list, title: "T", subtitle: "S", figureExtension: "svg")
    #expect(md.contains("| the | **0.40** | 0.20 | **0.40** |"))
    #expect(md.contains("| sat | 0.25 | 0.25 | **0.50** |"))
    // A weights file is attention only: steps 1–7, weights the sixth, no gap for the mask.
    #expect(md.contains("](step-06-weights.svg)"))
    #expect(md.contains("](step-07-output.svg)"))
    #expect(!md.contains(".png"))
    #expect(!md.contains("step-08"))
  }
}

@Suite struct ExplainHTMLTests {
  @Test func oneSectionPerStepWithInlineSVGAndNoExternalReferences() throws {
    let walk = try builtin(causal: true)
    let html = htmlPage(walk)
    #expect(html.hasPrefix("<!DOCTYPE html>\n<html lang=\"en\">"))
    #expect(html.hasSuffix("</html>\n"))
    for tag in ["section", "svg", "table", "div", "p", "script", "style", "header"] {
      #expect(
        occurrences(of: "<\(tag)", in: html) == occurrences(of: "</\(tag)>", in: html), "\(tag)")
    }
    // A title slide, then one slide per figure: a step split into parts has a slide per part.
    let parts = walk.list.map {
      deckFigures($0, style: FigureStyle(), measurer: FixedMeasurer()).count
    }
    #expect(occurrences(of: "<section", in: html) == 1 + parts.reduce(0, +))
    #expect(occurrences(of: "<svg", in: html) == parts.reduce(0, +))
    // No heading twice: a step's heading is the slide's <h2>, never text in its figure.
    for (step, count) in zip(walk.list, parts) {
      let heading =
        count == 1 ? step.heading : "Step \(step.number) (1 of \(count)) · \(step.title)"
      #expect(occurrences(of: escapeHTML(heading), in: html) == 1, "\(heading)")
    }
    #expect(!html.contains("<?xml"))
    // No network: the only URL is the SVG namespace name, which is never fetched.
    let withoutNamespace = html.replacingOccurrences(
      of: "xmlns=\"http://www.w3.org/2000/svg\"", with: "")
    #expect(!withoutNamespace.lowercased().contains("http:"))
    #expect(!withoutNamespace.lowercased().contains("https:"))
    #expect(html.contains("content=\"default-src 'none';"))
    #expect(!html.contains(" src=") && !html.contains("href=") && !html.contains("@import"))
    for key in [
      "\"keydown\"", "\"ArrowRight\"", "\"ArrowLeft\"", "\"PageDown\"", "\"PageUp\"", "\"Home\"",
      "\"End\"", "\" \"", "\"Escape\"",
    ] {
      #expect(html.contains(key), "\(key)")
    }
  }

  @Test func everyTokenIsEscaped() throws {
    let text = "<script>alert(1)</script> & \"quoted\" 'single' <b>bold</b>"
    let walk = try ExplainWalkthrough(trace: EmbeddedModel().trace(text), head: 0)
    let html = htmlPage(walk)
    #expect(occurrences(of: "<script", in: html) == 1)
    #expect(!html.contains("<b>bold") && !html.contains("alert(1)</"))
    #expect(html.contains("&lt;"))
    // Every token appears escaped as a row header of the tables.
    for token in walk.trace.tokens.map(\.text) {
      #expect(html.contains("<tr><th>\(escapeHTML(token))</th>"), "\(token)")
    }
    #expect(
      escapeHTML("<a href=\"x\">'&'</a>") == "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;"
    )
    #expect(escapeHTML("a\u{202E}b\u{1B}c") == "a\u{FFFD}b\u{FFFD}c")
  }

  @Test func tablesShowTheTerminalNumbers() throws {
    let html = htmlPage(try threeTokens())
    #expect(html.contains("<tr><th>sat</th><td>0.25</td><td>0.25</td><td><b>0.50</b></td></tr>"))
    #expect(html.contains("<caption>Scaled scores Q·Kᵀ / √2</caption>"))
  }
}

@Suite struct ExplainFigureTests {
  @Test func multiMatrixStepsBecomePanelsUnderOneHeading() throws {
    let walk = try builtin()
    let qkv = try #require(walk.list.first { $0.kind == .projections })
    let scene = explainFigure(qkv, subtitle: "sub", style: FigureStyle(), measurer: FixedMeasurer())
    let texts = scene.items.compactMap { item -> TextItem? in
      if case .text(let t) = item { t } else { nil }
    }
    #expect(
      texts.filter { $0.role == "title" }.map(\.string) == [
        "Step 4 · Queries, keys, values", "Q = (X + PE)·Wq, head 1 (d0–d3)",
        "K = (X + PE)·Wk, head 1 (d0–d3)", "V = (X + PE)·Wv, head 1 (d0–d3)",
      ])
    // Side by side: each panel's title starts to the right of the previous one.
    let panelX = texts.filter { $0.role == "title" }.dropFirst().map(\.position.x)
    #expect(panelX == panelX.sorted() && Set(panelX).count == 3)
    for item in scene.items {
      if case .rect(let r) = item {
        #expect(
          r.x >= 0 && r.y >= 0 && r.x + r.width <= scene.width + 0.5
            && r.y + r.height <= scene.height + 0.5)
      }
    }
  }

  /// MiniLM's sizes (d_model 384, 12 heads): at 16 dimension columns three panels side by side
  /// are wider than a 1366×768 slide shows with 16 px text, so the deck cuts to fewer columns
  /// and says so under each panel's title, while the tables keep their 16.
  @Test func deckFiguresFitASlideWidthAndSayWhatTheyCut() throws {
    let walk = try builtin(dim: 384, heads: 12)
    for step in walk.list {
      for scene in deckFigures(step, style: FigureStyle(), measurer: FixedMeasurer()) {
        #expect(scene.width <= deckFigureWidth, "step \(step.number): \(scene.width)")
        #expect(scene.height <= deckFigureHeight, "step \(step.number): \(scene.height)")
      }
    }
    let output = try #require(walk.list.first { $0.kind == .output })
    let scene = deckFigure(output, style: FigureStyle(), measurer: FixedMeasurer())
    let texts = scene.items.compactMap { item -> TextItem? in
      if case .text(let t) = item { t } else { nil }
    }
    #expect(
      texts.filter { $0.role == "title" }.map(\.string) == [
        "weights·V, head 1 (7 × 32)", "Concatenation of 12 heads (7 × 384)",
        "Output = concat·Wo (7 × 384)",
      ])
    #expect(
      texts.filter { $0.role == "subtitle" }.map(\.string) == [
        "first 12 of 32 columns", "first 12 of 384 columns", "first 12 of 384 columns",
      ])
    #expect(output.tables.map { $0.shown().matrix.matrix.columns } == [16, 16, 16])
  }

  /// Every figure of every kind of model fits a 16:9 slide at 1920×1080 with its text at 16 px
  /// or more (the rotation step was 4552×2482 px, 9 px text; step 4 a 4.5:1 strip).
  @Test func everyStepFigureFitsASlideWithReadableText() throws {
    let walks = [
      try builtin(), try builtin(dim: 384, heads: 12),
      try builtin(dim: 384, heads: 6, causal: true),
      try tinyLlama(), try threeTokens(),
    ]
    for walk in walks {
      for step in walk.list {
        let scenes = explainFigures(
          step, subtitle: "a subtitle", style: FigureStyle(), measurer: FixedMeasurer())
        #expect(!scenes.isEmpty)
        for scene in scenes {
          let scale = min(1920 / scene.width, 1080 / scene.height)
          #expect(
            13 * scale >= 16,
            "\(walk.trace.model.name) step \(step.number): \(scene.width)×\(scene.height)")
        }
        // Every table is drawn in exactly one part.
        let drawn = scenes.flatMap { scene in
          scene.items.compactMap { item -> String? in
            if case .text(let text) = item, text.role == "title" { return text.string }
            return nil
          }
        }
        for table in step.tables where step.tables.count > 1 {
          #expect(
            drawn.contains { $0.hasSuffix(table.title) }, "step \(step.number): \(table.title)")
        }
      }
    }
  }

  /// Two wide, flat panels (3 tokens × 512 dimensions) stand one under another when that shows
  /// them larger on the slide than side by side.
  @Test func wideFlatPanelsStackWhenThatReadsLarger() throws {
    let model = try EmbeddedModel(dimension: 512, heads: 8)
    let walk = try ExplainWalkthrough(trace: model.trace("a cat sat"), head: 0)
    let norm = try #require(walk.list.first { $0.kind == .norm })
    var style = FigureStyle()
    FigurePreset.slide.apply(to: &style)
    let scene = explainFigure(norm, subtitle: "", style: style, measurer: FixedMeasurer())
    let panels = scene.items.compactMap { item -> TextItem? in
      if case .text(let text) = item, text.role == "title", !text.string.hasPrefix("Step") {
        return text
      }
      return nil
    }
    #expect(panels.count == 2)
    #expect(panels[1].position.y > panels[0].position.y + 100, "stacked")
    #expect(slideFits(scene, style: style))
  }

  /// Q, K and V side by side share one colour scale: their colour bars carry the same ticks.
  @Test func panelsSideBySideShareOneColourScale() throws {
    let walk = try builtin()
    for kind in [ExplainStepKind.projections, .scores, .residual] {
      let step = try #require(walk.list.first { $0.kind == kind })
      let scene = explainFigure(step, subtitle: "", style: FigureStyle(), measurer: FixedMeasurer())
      let ticks = scene.items.compactMap { item -> TextItem? in
        if case .text(let text) = item, text.role == "colorbar-tick" { return text }
        return nil
      }
      let byPanel = Dictionary(grouping: ticks, by: { ($0.position.x / 10).rounded() })
      let sets = Set(byPanel.values.map { $0.map(\.string).sorted() })
      #expect(byPanel.count == step.tables.count && sets.count == 1, "\(kind): \(sets)")
    }
  }

  @Test func tokenFigureShowsEveryTokenAndPosition() throws {
    let scene = tokenFigure(
      ["the", "cat", "<sat>"], title: FigureTitle("t"), style: FigureStyle(),
      measurer: FixedMeasurer())
    let texts = scene.items.compactMap { item -> TextItem? in
      if case .text(let t) = item { t } else { nil }
    }
    #expect(texts.filter { $0.role == "token-label" }.map(\.string) == ["the", "cat", "<sat>"])
    #expect(texts.filter { $0.role == "position" }.map(\.string) == ["0", "1", "2"])
    #expect(texts.allSatisfy { $0.role != "note" })
  }

  @Test func longTextsShowTheFirstTokensAndSayHowManyMore() throws {
    let tokens = (0..<1000).map { "w\($0)" }
    let scene = tokenFigure(
      tokens, title: FigureTitle("t"), style: FigureStyle(), measurer: FixedMeasurer())
    let texts = scene.items.compactMap { item -> TextItem? in
      if case .text(let t) = item { t } else { nil }
    }
    #expect(texts.filter { $0.role == "position" }.count == 120)
    #expect(
      texts.filter { $0.role == "note" }.map(\.string) == ["… and 880 more tokens (1000 in all)"])
    #expect(scene.height < 1000 && scene.width < 1400)
  }
}
