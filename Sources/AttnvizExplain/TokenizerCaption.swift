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

/// Words of the text (runs of tokens with no space between them in the source) that became
/// several pieces holding letters: WordPiece's `##` continuations, BERT's split at an
/// apostrophe, GPT-2's byte-level pieces. Punctuation after a word ("mat.") does not count.
func splitWords(_ tokens: [Token]) -> [(word: String, pieces: [String])] {
  var groups: [[Token]] = []
  for token in tokens where !token.isSpecial {
    let touches =
      groups.last?.last?.sourceRange?.upperBound == token.sourceRange?.lowerBound
      && token.sourceRange != nil && !token.text.hasPrefix("·")
    if touches, !groups.isEmpty {
      groups[groups.count - 1].append(token)
    } else {
      groups.append([token])
    }
  }
  func wordy(_ token: Token) -> Bool { token.text.contains(where: { $0.isLetter || $0.isNumber }) }
  // "tiredly." is the word "tiredly" followed by a mark: the mark is not part of the word.
  let trimmed = groups.map { group -> [Token] in
    let end = (group.lastIndex(where: wordy) ?? -1) + 1
    let start = group.firstIndex(where: wordy) ?? end
    return Array(group[start..<end])
  }
  return trimmed.filter { group in
    group.filter { $0.text.contains(where: \.isLetter) }.count > 1
  }.map { group in
    let word = group.map { $0.text.hasPrefix("##") ? String($0.text.dropFirst(2)) : $0.text }
      .joined()
    return (String(word.drop(while: { $0 == "·" })), group.map(\.text))
  }
}
