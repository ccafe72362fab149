extension HFTokenizer.BPE {
  /// The merges a vocabulary implies when a file lists none (SentencePiece vocabularies in GGUF
  /// files give tokens and scores only): every way to cut a token into two listed tokens,
  /// best-scored token first, as transformers' `generate_merges` recovers them. Ties keep the
  /// vocabulary's order, then shorter left and right halves first.
  ///
  /// `scores` nil: the ids rank the merges (lower first), as for a vocabulary without scores.
  public static func mergesFromScores(tokens: [String], scores: [Float]?)
    -> [(String, String)]
  {
    var ids: [ByteKey: Int] = [:]
    ids.reserveCapacity(tokens.count)
    for (id, token) in tokens.enumerated() { ids[ByteKey(token)] = id }
    // (token, score) in first-seen order with the last score, as a Python dict built by zip.
    var order: [[UInt8]] = []
    var rank: [[UInt8]: Double] = [:]
    for (index, token) in tokens.enumerated() {
      let key = Array(token.utf8)
      if rank[key] == nil { order.append(key) }
      if let scores {
        rank[key] = index < scores.count ? Double(scores[index]) : 0
      } else {
        rank[key] = Double(ids[ByteKey(key)] ?? 0)
      }
    }
    struct Candidate {
      var left: [UInt8]
      var right: [UInt8]
      var score: Double
      var leftLength: Int
      var rightLength: Int
    }
    var candidates: [Candidate] = []
    for token in order {
      let scalars = Array(String(decoding: token, as: UTF8.self).unicodeScalars)
      guard scalars.count > 1, let score = rank[token] else { continue }
      var local: [(Candidate, Int, Int)] = []
      for cut in 1..<scalars.count {
        let left = Array(String(String.UnicodeScalarView(scalars[..<cut])).utf8)
        let right = Array(String(String.UnicodeScalarView(scalars[cut...])).utf8)
        guard let leftID = ids[ByteKey(left)], let rightID = ids[ByteKey(right)] else { continue }
        local.append(
          (
            Candidate(
              left: left, right: right, score: score, leftLength: cut,
              rightLength: scalars.count - cut), leftID, rightID
          ))
      }
      candidates += stableSorted(local) { ($0.1, $0.2) < ($1.1, $1.2) }.map(\.0)
    }
    let descending = scores != nil
    let sorted = stableSorted(candidates) { a, b in
      let keyA = (a.score, a.leftLength, a.rightLength)
      let keyB = (b.score, b.leftLength, b.rightLength)
      return descending ? keyA > keyB : keyA < keyB
    }
    return sorted.map {
      (String(decoding: $0.left, as: UTF8.self), String(decoding: $0.right, as: UTF8.self))
    }
  }
}

/// A stable sort (Swift's `sorted` is not documented as stable).
func stableSorted<Element>(_ items: [Element], by less: (Element, Element) -> Bool) -> [Element] {
  items.enumerated().sorted { a, b in
    if less(a.element, b.element) { return true }
    if less(b.element, a.element) { return false }
    return a.offset < b.offset
  }.map(\.element)
}
