import AttnvizMath
import AttnvizModel
import AttnvizTokens
import Testing

@testable import AttnvizExplain

/// The captions read the model's typed description (`ModelInfo`), decided at load, not its
/// architecture's name: issue 20 found SmolLM2, Qwen, RoBERTa and DistilBERT captioned as
/// "words and punctuation marks are tokens", and the rotary bias check fixed to qwen2.
@Suite struct ModelDescriptionTests {
  /// A one-layer trace of `tokens` from the built-in layer, described as `family`.
  func trace(_ tokens: [Token], family: ModelFamily, tokenizer: TokenizerKind) throws
    -> AttentionTrace
  {
    var trace = try EmbeddedModel().trace("The cat sat")
    trace.tokens = tokens
    trace.model.family = family
    trace.model.tokenizer = tokenizer
    return trace
  }

  /// " animal" → "·animal": pieces touching in the source, the first with a space marker.
  static let pieces = [
    Token("The", id: 1, sourceRange: 0..<3), Token("·anim", id: 2, sourceRange: 3..<8),
    Token("al", id: 3, sourceRange: 8..<10),
  ]

  @Test(arguments: [
    (ModelFamily.transformer(.llama), "Byte-level BPE; · marks a piece that starts with a space"),
    (.transformer(.qwen2), "Byte-level BPE; · marks"),
    (.transformer(.roberta), "Byte-level BPE; · marks"),
  ])
  func byteLevelModelsGetTheByteLevelCaption(family: ModelFamily, start: String) throws {
    let caption = tokenizerCaption(
      try trace(Self.pieces, family: family, tokenizer: .byteLevelBPE))
    #expect(caption.hasPrefix(start))
    #expect(caption.contains("“animal” became ·anim al"))
    #expect(!caption.contains("Words and punctuation"))
  }

  @Test func sentencePieceModelsSayItsMarker() throws {
    let caption = tokenizerCaption(
      try trace(Self.pieces, family: .transformer(.mistral), tokenizer: .sentencePiece))
    #expect(caption.hasPrefix("SentencePiece BPE; · marks a piece that starts with a space"))
  }

  @Test func distilBERTGetsTheWordPieceCaption() throws {
    let tokens = [
      Token("[CLS]", id: 101, isSpecial: true), Token("un", id: 4, sourceRange: 0..<2),
      Token("##aff", id: 5, sourceRange: 2..<5), Token("##able", id: 6, sourceRange: 5..<9),
      Token("[SEP]", id: 102, isSpecial: true),
    ]
    let caption = tokenizerCaption(
      try trace(tokens, family: .transformer(.distilbert), tokenizer: .wordPiece))
    #expect(caption.hasPrefix("WordPiece: "))
    #expect(caption.contains("“unaffable” became un ##aff ##able"))
    #expect(caption.hasSuffix(". [CLS] and [SEP] are added."))
  }

  @Test func wordPieceWithoutSpecialTokensDoesNotClaimThem() throws {
    let tokens = [
      Token("un", id: 4, sourceRange: 0..<2), Token("##able", id: 6, sourceRange: 2..<6),
    ]
    let caption = tokenizerCaption(
      try trace(tokens, family: .transformer(.bert), tokenizer: .wordPiece))
    #expect(!caption.contains("[CLS]"))
    #expect(caption.hasSuffix("un ##able."))
  }

  /// Rotary models record Q after the rotation, so the bias comes from the description: a
  /// Llama with `attention_bias` has one, a Qwen2 without q/k/v biases has none.
  @Test(arguments: [(ModelFamily.transformer(.llama), true), (.transformer(.qwen2), false)])
  func rotaryBiasesComeFromTheDescription(family: ModelFamily, biases: Bool) throws {
    var trace = try EmbeddedModel().trace("The cat sat")
    trace.model.family = family
    trace.model.positions = .rotary
    trace.model.projectionBiases = biases
    let steps = try #require(trace.layers[0].steps)
    #expect(ModelDescription(trace: trace, steps: steps).hasBias == biases)
  }
}
