import Testing

@testable import AttnvizKit

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
}
