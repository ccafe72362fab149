import AttnvizKit
import AttnvizModel
import AttnvizTokens

/// The tokens caption of `explain`, from this text's tokens: what the tokenizer did to it, with
/// a word of the text as the example, never a fixed example that may not be there.
func tokenizerCaption(_ trace: AttentionTrace) -> String {
  let tokens = trace.tokens
  let split = splitWords(tokens)
  switch trace.model.tokenizer {
  case .wordPiece:
    let wordPiece = split.first { $0.pieces.contains { $0.hasPrefix("##") } }
    let atMark = split.first { !$0.pieces.contains { $0.hasPrefix("##") } }
    var parts: [String] = []
    if let atMark {
      parts.append(
        "punctuation is split off: “\(atMark.word)” became \(atMark.pieces.joined(separator: " "))")
    }
    if let wordPiece {
      parts.append(
        "a word missing from the vocabulary becomes pieces, ## marking a continuation: "
          + "“\(wordPiece.word)” became \(wordPiece.pieces.joined(separator: " "))")
    } else {
      parts.append("every word here is in the vocabulary, so none is cut into ## pieces")
    }
    let specials = ["[CLS]", "[SEP]"].filter { mark in
      tokens.contains { $0.isSpecial && $0.text == mark }
    }
    let added =
      specials.isEmpty
      ? ""
      : " " + specials.joined(separator: " and ") + (specials.count > 1 ? " are" : " is")
        + " added."
    return "WordPiece: " + parts.joined(separator: "; ") + "." + added
  case .byteLevelBPE, .sentencePiece, .bpe, .unigram:
    let marker = tokens.first(where: { $0.text.hasPrefix("·") }).map { " (“\($0.text)”)" } ?? ""
    let what =
      switch trace.model.tokenizer {
      case .byteLevelBPE:
        "Byte-level BPE; · marks a piece that starts with a space\(marker), as GPT-2's Ġ does"
      case .sentencePiece:
        "SentencePiece BPE; · marks a piece that starts with a space\(marker), as its ▁ does"
      case .unigram:
        "SentencePiece unigram; · marks a piece that starts with a space\(marker), as its ▁ does"
      default: "BPE"
      }
    guard let (word, pieces) = split.first else { return what + "; no word here is split." }
    return what + "; “\(word)” became \(pieces.joined(separator: " "))."
  case .words:
    var parts = ["Words and punctuation marks are tokens"]
    if let kept = tokens.first(where: { token in
      token.text.count > 1 && token.text.contains(where: { $0 == "'" || $0 == "’" })
    }) {
      parts.append("“\(kept.text)” stays one token")
    }
    if let mark = tokens.first(where: { $0.text.allSatisfy { $0.isPunctuation || $0.isSymbol } }) {
      parts.append("“\(mark.text)” is one of its own")
    }
    return parts.count == 1
      ? parts[0] + "." : parts[0] + ": " + parts.dropFirst().joined(separator: ", ") + "."
  }
}
