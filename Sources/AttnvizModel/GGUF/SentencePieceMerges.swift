/// BPE merges for a SentencePiece vocabulary that lists none (Llama 2, Mistral GGUF files), as
/// transformers derives them (`generate_merges` with scores): every way to cut a token into two
/// tokens of the vocabulary is a merge; merges are ordered by the token's score, highest first,
/// then by the longer left half, then the longer right half, ties kept in vocabulary order.
///
///     tokens ["▁", "t", "h", "▁t", "th", "▁th"] with scores rising → "▁t h" and "▁ th" for
///     "▁th" come first
enum SentencePieceMerges {
  static func derive(tokens: [String], scores: [Float]) -> [(String, String)] {
    // Python dicts: a repeated token keeps its first position and its last id and score.
    var ids: [String: Int] = [:]
    var score: [String: Float] = [:]
    var order: [String] = []
    for (id, token) in tokens.enumerated() {
      if ids[token] == nil { order.append(token) }
      ids[token] = id
      score[token] = scores[id]
    }
    struct Candidate {
      var left: String
      var right: String
      var score: Float
      var leftLength: Int
      var rightLength: Int
      var position: Int
    }
    var candidates: [Candidate] = []
    for token in order {
      let scalars = Array(token.unicodeScalars)
      guard scalars.count > 1 else { continue }
      var local: [Candidate] = []
      for cut in 1..<scalars.count {
        let left = string(scalars[..<cut])
        let right = string(scalars[cut...])
        guard ids[left] != nil, ids[right] != nil else { continue }
        local.append(
          Candidate(
            left: left, right: right, score: score[token] ?? 0, leftLength: cut,
            rightLength: scalars.count - cut, position: 0))
      }
      local.sort {
        (ids[$0.left] ?? 0, ids[$0.right] ?? 0) < (ids[$1.left] ?? 0, ids[$1.right] ?? 0)
      }
      for var candidate in local {
        candidate.position = candidates.count
        candidates.append(candidate)
      }
    }
    candidates.sort { a, b in
      if a.score != b.score { return a.score > b.score }
      if a.leftLength != b.leftLength { return a.leftLength > b.leftLength }
      if a.rightLength != b.rightLength { return a.rightLength > b.rightLength }
      return a.position < b.position
    }
    return candidates.map { ($0.left, $0.right) }
  }

  private static func string(_ scalars: ArraySlice<Unicode.Scalar>) -> String {
    var view = String.UnicodeScalarView()
    view.append(contentsOf: scalars)
    return String(view)
  }
}
