import AttnvizTokens
import Testing

@testable import AttnvizKit
@testable import AttnvizModel

@Suite struct GenerateUnitTests {
  @Test func streamedTextWaitsForWholeCharacters() {
    var stream = TextStream()
    let emoji = Array("🍣".utf8)  // 4 bytes
    #expect(stream.add(Array(emoji[0..<2])) == "")
    #expect(stream.add(Array(emoji[2...]) + Array(" é".utf8)) == "🍣 é")
    #expect(stream.add([0xC3]) == "")
    #expect(stream.flush() == "\u{FFFD}")
    #expect(stream.add(Array("a\u{1B}[31mb\nc".utf8)) == "a\u{FFFD}[31mb\nc")
  }

  @Test func samplingModes() {
    #expect(SamplingOptions().mode == .greedy)
    #expect(SamplingOptions(temperature: 0, topK: 5).mode == .greedy)
    #expect(
      SamplingOptions(topP: 0.9).mode == .sample(temperature: 1, topK: nil, topP: 0.9, seed: 0))
  }

  /// A generation whose page would pass the weight limit embeds only the drawn layer, and the
  /// page and stderr say so; under it every kept layer is embedded.
  @Test func largePagesKeepTheDrawnLayer() throws {
    let model = ModelInfo(
      name: "tiny", family: .builtin, layers: 3, heads: 2, dModel: 8, causal: true)
    let prompt = EncodedText(
      tokens: [Token("a", id: 0, sourceRange: 0..<1), Token("b", id: 1, sourceRange: 2..<3)],
      ids: [0, 1], truncatedFrom: nil)
    let steps = (1...3).map { s in
      GenerationStep(
        step: s, position: s, id: 2, token: Token("c", id: 2), bytes: Array("c".utf8),
        probability: 0.5, alternatives: [Candidate(id: 2, probability: 0.5, logit: 1)],
        attention: (0..<3).map { _ in
          (0..<2).map { _ in [Double](repeating: 1 / Double(s + 1), count: s + 1) }
        })
    }
    let generation = Generation(
      prompt: prompt, steps: steps, stop: .limit, layers: [0, 1, 2], heads: [0, 1])
    let document = GenerationDocument(
      generation: generation, model: model, prompt: "a b",
      options: GenerateOptions(text: .arguments(["a b"])), stopIDs: [])
    // (2 + 3 + 4) keys × 3 head choices = 27 weights a layer, 81 in all.
    let whole = generationPageFile(document, weightLimit: 81)
    #expect(whole.notes.isEmpty)
    #expect(String(decoding: whole.file.contents, as: UTF8.self).contains("\"layers\":[1,2,3]"))
    let reduced = generationPageFile(document, weightLimit: 80)
    #expect(
      reduced.notes == [
        "note: generation.html: only layer 3 is embedded: every layer would be 81 weights, more "
          + "than the page's 80 (--layer chooses another)."
      ])
    let text = try #require(String(decoding: reduced.file.contents, as: UTF8.self) as String?)
    #expect(text.contains("\"layers\":[3]") && text.contains("Only layer 3 is embedded"))
  }
}
