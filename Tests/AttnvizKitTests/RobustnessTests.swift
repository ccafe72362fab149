import AttnvizMath
import AttnvizModel
import AttnvizRender
import AttnvizTables
import AttnvizViews
import Foundation
import Testing

@testable import AttnvizKit

#if canImport(FoundationXML)
  import FoundationXML
#endif

/// Hostile text through the whole in-memory pipeline: tokenizer → layer → tables → figures →
/// SVG and JSON. Nothing may crash, every output must stay well-formed, and no control character
/// from the input may reach a terminal table.
@Suite struct RobustnessTests {
  /// Scalars chosen to break things: controls, escapes, bidi overrides, combining marks without a
  /// base, zero-width joiners, emoji parts, CJK, RTL letters, surrogates' neighbours, noncharacters.
  static let nasty: [Unicode.Scalar] = [
    "\u{0}", "\u{1B}", "\u{7}", "\u{8}", "\r", "\n", "\t", "\u{7F}", "\u{85}", "\u{9B}",
    "\u{202E}", "\u{2066}", "\u{200B}", "\u{200D}", "\u{FEFF}", "\u{301}", "\u{20DD}", "\u{FE0F}",
    "\u{1F44D}", "\u{1F3FD}", "\u{1F468}", "\u{4E2D}", "\u{5D0}", "\u{627}", "\u{FFFD}",
    "\u{FFFF}", "\u{E000}", "\u{10FFFF}", "a", "Z", "'", "-", "\u{2019}", "\"", ",", "<", "&", " ",
  ]

  static func randomText(_ rng: inout SplitMix64, length: Int) -> String {
    var scalars = String.UnicodeScalarView()
    for _ in 0..<length {
      scalars.append(nasty[Int(rng.next() % UInt64(nasty.count))])
    }
    return String(scalars)
  }

  @Test func randomHostileTextNeverBreaksThePipeline() throws {
    var rng = SplitMix64(seed: 99)
    let fonts = try FontSet()
    let style = try figureStyle(FigureOptions())
    let model = try EmbeddedModel()
    var checked = 0
    for round in 0..<60 {
      let text = Self.randomText(&rng, length: 1 + Int(rng.next() % 40))
      // Blank text is a usage error.
      guard let trace = try? traceChecked(model, text) else { continue }
      checked += 1
      let selection = try AttentionSelection(
        trace: trace, layer: nil, head: nil, hideSpecial: false)
      let titles = Titles(trace: trace, selection: selection)
      for table in terminalTables(selection, titles: titles, perHead: false) {
        for mode in ColorMode.allCases {
          let printed = renderTable(
            table.matrix, title: table.title, options: TableOptions(colorMode: mode, width: 60))
          let forbidden = printed.unicodeScalars.filter {
            ($0.value < 0x20 && $0 != "\n" && !(mode != .plain && $0 == "\u{1B}"))
              || $0.value == 0x7F
              || (0x80...0x9F).contains($0.value) || $0 == "\u{202E}" || $0 == "\u{2066}"
          }
          #expect(forbidden.isEmpty, "round \(round), mode \(mode)")
        }
      }
      let scenes = try figureScenes(
        selection, titles: titles, views: nil, focus: nil, style: style, measurer: fonts)
      for (_, scene) in scenes {
        let svg = renderSVG(scene)
        #expect(try XMLDocument(xmlString: svg).rootElement()?.name == "svg", "round \(round)")
      }
      if round % 25 == 0 {
        _ = try renderPNG(scenes[0].1, scale: 1, fonts: fonts)
      }
      let json =
        try JSONSerialization.jsonObject(with: Data(attentionJSON(trace).utf8)) as? [String: Any]
      #expect((json?["tokens"] as? [String])?.count == trace.tokens.count)
    }
    #expect(checked > 40)
  }

  @Test func hugeWeightsOverflowIsAnErrorNotNaN() throws {
    let json = """
      {"d_model": 2, "heads": 1, "positional_encoding": "none", "embeddings": {"a": [1e300, 1e300]},
       "wq": [[1e300, 0], [0, 1e300]], "wk": [[1e300, 0], [0, 1e300]], "wv": [[1, 0], [0, 1]]}
      """
    let model = try WeightsFileModel(data: Data(json.utf8), name: "huge.json")
    #expect(throws: AttnvizError.self) { try traceChecked(model, "a a") }
  }

  @Test func oneTokenAndManyTokensBothDraw() throws {
    let fonts = try FontSet()
    let style = try figureStyle(FigureOptions())
    let model = try EmbeddedModel()
    for text in ["x", (1...400).map { "w\($0)" }.joined(separator: " ")] {
      let trace = try traceChecked(model, text)
      let selection = try AttentionSelection(
        trace: trace, layer: nil, head: nil, hideSpecial: false)
      let scenes = try figureScenes(
        selection, titles: Titles(trace: trace, selection: selection), views: nil, focus: nil,
        style: style, measurer: fonts)
      for (name, scene) in scenes {
        #expect(scene.width >= 100 && scene.width <= 4000, "\(name) width \(scene.width)")
        #expect(scene.height >= 100 && scene.height <= 4000, "\(name) height \(scene.height)")
      }
    }
  }
}
