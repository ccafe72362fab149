import AttnvizRender
import Foundation
import Testing

@testable import AttnvizKit

/// Deck caption placeholders: what is read, what is refused, and the numbers filled from a run of
/// the built-in layer checked against its own attention matrix.
@Suite struct CaptionPlaceholderTests {
  @Test func placeholdersAreReadWithRowKeyAndPanel() throws {
    let pieces = try captionPieces("a {it->animal} b {it→top2.weight#2} {{x}} {layer}")
    #expect(
      pieces == [
        .literal("a "),
        .placeholder(
          .init(row: "it", value: .weight(key: "animal"), panel: 1, written: "{it->animal}")),
        .literal(" b "),
        .placeholder(
          .init(
            row: "it", value: .top(rank: 2, weight: true), panel: 2,
            written: "{it→top2.weight#2}")),
        .literal(" {x} "),
        .placeholder(.init(row: nil, value: .layer, panel: 1, written: "{layer}")),
      ])
    #expect(try captionHasPlaceholders("plain (head 2)") == false)
  }

  @Test(arguments: [
    ("{it}", "is not a placeholder"),
    ("{it->animal", "never closed"),
    ("a } b", "lone"),
    ("{->top}", "needs a row token"),
    ("{it->animal.weight}", ".weight follows top"),
    ("{it->top#0}", "panel number"),
  ])
  func malformedPlaceholdersAreUsageErrors(caption: String, message: String) {
    do {
      _ = try captionPieces(caption)
      Issue.record("\(caption) was accepted")
    } catch let error as AttnvizError {
      #expect(error.exitCode == 2)
      #expect(error.description.contains(message), "\(error.description)")
    } catch {
      Issue.record("\(error)")
    }
  }

  @Test func filledNumbersAreTheMatrixOfTheRun() throws {
    let text = "the cat sat on the mat"
    let run = CaptionRun(text: .arguments([text]), model: .defaultBuiltin, layer: nil, head: 2)
    let trace = try readAndTrace(
      .arguments([text]), with: .defaultBuiltin, in: RunContext(), progress: SilentProgress())
    let row = Array(trace.layers[0].weights[1].row(2))  // "sat"
    let strongest = row.indices.max { row[$0] < row[$1] || (row[$0] == row[$1] && $0 > $1) } ?? 0
    let filled = try filledCaption(
      "{sat->mat} {sat->top} {sat->top.weight} {head} {layer}", runs: [run], in: RunContext())
    #expect(
      filled
        == "\(formatFixed(row[5], decimals: 2)) \(trace.tokens[strongest].text) "
        + "\(formatFixed(row[strongest], decimals: 2)) 2 1")
    #expect(throws: AttnvizError.self) {
      try filledCaption("{dog->top}", runs: [run], in: RunContext())
    }
    #expect(throws: AttnvizError.self) {
      try filledCaption("{sat->top#2}", runs: [run], in: RunContext())
    }
  }
}

/// The deck index's Markdown shows captions as written: no `\(` in the raw file, still no markup.
@Suite struct DeckIndexMarkdownTests {
  @Test func captionsKeepTheirParenthesesAndStayText() {
    #expect(markdownEscaped("the head (layer 4) gives {x}!") == "the head (layer 4) gives {x}!")
    #expect(markdownEscaped("Q·Kᵀ / √d_k <b>") == "Q·Kᵀ / √d\\_k \\<b\\>")
    #expect(markdownEscaped("# not a heading") == "\\# not a heading")
    #expect(markdownEscaped("1. not a list") == "1\\. not a list")
    #expect(markdownEscaped("[link](x)") == "\\[link\\](x)")
  }
}
