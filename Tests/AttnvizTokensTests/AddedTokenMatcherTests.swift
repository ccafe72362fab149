import Testing

@testable import AttnvizTokens

/// The added-token matcher (issue #27: 3,000 long added tokens against a 12,000-letter text ran
/// past 60 s): the same matches as matching each token at each position, leftmost then
/// longest, in time linear in the text.
@Suite struct AddedTokenMatcherTests {
  func sourced(_ text: String) -> [SourcedScalar] {
    var offset = 0
    return text.unicodeScalars.map { scalar in
      defer { offset += 1 }
      return SourcedScalar(scalar: scalar, source: offset..<(offset + 1))
    }
  }

  /// The definition: at each position, the longest token (the later of equal ones), else on.
  func naiveSplit(_ tokens: [HFTokenizer.AddedToken], _ text: [Unicode.Scalar]) -> [(Int, Int)] {
    var matches: [(Int, Int)] = []
    var i = 0
    while i < text.count {
      var best: (length: Int, id: Int)?
      for token in tokens {
        let scalars = Array(token.content.unicodeScalars)
        guard i + scalars.count <= text.count, Array(text[i..<(i + scalars.count)]) == scalars
        else { continue }
        if scalars.count >= (best?.length ?? 0) { best = (scalars.count, token.id) }
      }
      if let best {
        matches.append((i, best.id))
        i += best.length
      } else {
        i += 1
      }
    }
    return matches
  }

  func split(_ tokens: [HFTokenizer.AddedToken], _ text: String) -> [(Int, Int)] {
    AddedTokenMatcher(tokens).split(sourced(text)).compactMap { segment in
      segment.added.map { (segment.text[0].source.lowerBound, $0.id) }
    }
  }

  /// Random tokens over a three-letter alphabet (many overlaps, prefixes and suffixes of one
  /// another, repeats) against random texts: the automaton finds what the definition finds.
  @Test func sameMatchesAsTheDefinition() {
    var generator = SeededRandom(seed: 27)
    let letters = Array("abc")
    for _ in 0..<300 {
      let count = Int(generator.next() % 6) + 1
      let tokens = (0..<count).map { id in
        let length = Int(generator.next() % 4) + 1
        let text = String((0..<length).map { _ in letters[Int(generator.next() % 3)] })
        return HFTokenizer.AddedToken(content: text, id: id)
      }
      let length = Int(generator.next() % 30)
      let text = String((0..<length).map { _ in letters[Int(generator.next() % 3)] })
      let expected = naiveSplit(tokens, Array(text.unicodeScalars))
      let found = split(tokens, text)
      #expect(found.map(\.0) == expected.map(\.0), "\(tokens.map(\.content)) in \(text)")
      #expect(found.map(\.1) == expected.map(\.1), "\(tokens.map(\.content)) in \(text)")
    }
  }

  /// The attack, scaled down (3,000 tokens of 2,000 letters are over the size limit): tokens of
  /// 1,000 letters sharing their first 999, against a text that repeats that prefix. Matching
  /// each token at each position took tokens × letters × 1,000 steps; the automaton takes at
  /// most two steps a letter, so doubling the text doubles the work, and it finds the one token
  /// the text holds.
  @Test func longSharedPrefixesAreLinear() {
    let prefix = "<" + String(repeating: "x", count: 999)
    let tokens = (0..<100).map { HFTokenizer.AddedToken(content: prefix + "\($0)>", id: $0) }
    let automaton = ReversedTokenAutomaton(tokens.map { Array($0.content.unicodeScalars) })
    var work: [Int] = []
    for repeats in [6, 12] {
      let text = Array(
        (String(repeating: prefix, count: repeats) + prefix + "17>").unicodeScalars)
      let (longest, steps) = automaton.longestTokens(startingIn: text)
      #expect(steps <= 2 * text.count, "\(steps) steps for \(text.count) letters")
      #expect(longest[repeats * prefix.unicodeScalars.count] == .init(token: 17, length: 1003))
      #expect(longest.filter { $0.token >= 0 }.count == 1)
      work.append(steps)
    }
    #expect(work[1] <= 2 * work[0] + 10)
  }

  /// A file whose added tokens hold more than the limit together is refused, naming it.
  @Test func theTokensTogetherAreBounded() {
    let long = String(repeating: "y", count: 1 << 18)
    let tokens = (0..<5).map { HFTokenizer.AddedToken(content: long + "\($0)", id: $0) }
    let refusal = AddedTokenMatcher.checkSize(of: tokens)
    #expect(refusal?.contains("more than the limit of 1048576") == true, "\(refusal ?? "")")
    #expect(AddedTokenMatcher.checkSize(of: Array(tokens.prefix(3))) == nil)
  }
}

/// A small seeded generator for the random cases.
struct SeededRandom: RandomNumberGenerator {
  var state: UInt64
  init(seed: UInt64) { state = seed }
  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
}

/// Merges ranked from the scores of a vocabulary of long tokens of every length (issue #27: `▁`
/// repeated 2 … 400 times, a 317 KB GGUF, took 26 s when every merge was derived at load; now
/// nothing is derived, and a pair costs at most one lookup of the longest token's bytes).
@Suite struct LongTokenMergesTests {
  /// `▁` repeated 1 … n times, plus `a▁…` tokens that have no halves.
  func vocabulary(_ n: Int) -> [String] {
    (1...n).map { String(repeating: "\u{2581}", count: $0) }
      + (1...n).map { "a" + String(repeating: "\u{2581}", count: $0) + "b" }
  }

  /// Every cut at a scalar boundary whose halves are tokens, by hashing.
  func naive(_ tokens: [String]) -> Set<[Int]> {
    var ids: [String: Int] = [:]
    for (id, token) in tokens.enumerated() { ids[token] = id }
    var found = Set<[Int]>()
    for token in tokens {
      let scalars = Array(token.unicodeScalars)
      for cut in scalars.indices.dropFirst() {
        let left = String(String.UnicodeScalarView(scalars[..<cut]))
        let right = String(String.UnicodeScalarView(scalars[cut...]))
        if let l = ids[left], let r = ids[right], let m = ids[token] { found.insert([l, r, m]) }
      }
    }
    return found
  }

  @Test func sameMergesAsHashingEveryCut() {
    let tokens = vocabulary(60)
    let ranking = SentencePieceMerges(tokens: tokens, order: .position)
    let merges = ranking.all()
    #expect(Set(merges.map { [$0.left, $0.right, $0.merged] }) == naive(tokens))
    #expect(merges.count == naive(tokens).count && merges.count > 1000)
  }

  /// A `llama` GGUF vocabulary without merges: a few letters, then `count` tokens of `length`
  /// letters sharing a prefix, each of the given type (3 control, 1 normal).
  func longTokenFile(count: Int, length: Int, type: Int) -> HFTokenizer.GGUFMetadata {
    let prefix = String(repeating: "x", count: length - 6)
    let tokens =
      ["<unk>", "<s>", "</s>", "x", "y"] + (0..<count).map { prefix + "y\($0 + 10_000)" }
    return HFTokenizer.GGUFMetadata(
      model: "llama", tokens: tokens,
      tokenTypes: [2, 3, 3, 1, 1] + Array(repeating: type, count: count),
      scores: tokens.indices.map { -Float($0) }, bosID: 1, eosID: 2, unknownID: 0)
  }

  /// Issue #27: a GGUF of 3,000 control tokens of 2,000 letters derived its merges (minutes in
  /// a debug build) before its added tokens were counted. The added tokens' limit is checked
  /// first; long normal tokens cost nothing at load, as no merge is derived.
  @Test func longTokensAreBoundedOrCostNothing() throws {
    #expect {
      _ = try HFTokenizer(
        gguf: longTokenFile(count: 3000, length: 2000, type: 3), source: "m.gguf")
    } throws: { error in
      "\(error)".contains("more than the limit of 1048576")
        && "\(error)".contains("tokenizer.ggml.token_type")
    }
    // The same long tokens as normal tokens (6 MB of them) load, and text merges among them.
    let normal = try HFTokenizer(
      gguf: longTokenFile(count: 3000, length: 2000, type: 1), source: "m.gguf")
    #expect(try normal.ids("xy") == [1, 3, 4])
    // Under the limit, control tokens match whole.
    let tokenizer = try HFTokenizer(
      gguf: longTokenFile(count: 20, length: 200, type: 3), source: "m.gguf")
    let token = String(repeating: "x", count: 194) + "y10003"
    let ids = try tokenizer.ids("x" + token)
    #expect(ids.first == 1 && ids.last == 8 && ids.count > 2, "\(ids)")
  }

  /// 399 spaces after the ▁ prefix merge into the one token of 400 `▁`: every join of two
  /// runs is a token, so the word ends as one symbol.
  @Test func longRunsMergeWhole() throws {
    let tokens = ["<unk>", "<s>", "</s>"] + vocabulary(400)
    let metadata = HFTokenizer.GGUFMetadata(
      model: "llama", tokens: tokens, tokenTypes: [2, 3, 3] + Array(repeating: 1, count: 800),
      scores: tokens.indices.map { -Float($0) }, bosID: 1, eosID: 2, unknownID: 0)
    let tokenizer = try HFTokenizer(gguf: metadata, source: "m.gguf")
    #expect(try tokenizer.ids(String(repeating: " ", count: 399)) == [1, 402])
  }
}

extension SentencePieceMerges {
  /// The ranking of `tokens` (ids in order) as a BPE vocabulary builds it.
  init(tokens: [String], order: Order) {
    var table = ByteTable(capacity: tokens.count)
    for (id, token) in tokens.enumerated() { table.insert(token, value: id) }
    self.init(vocabulary: table, largestID: tokens.count - 1, order: order)
  }

  /// Every merge of every pair of ids, best first: the list transformers derives. Only ids
  /// spelled as some token's start can be a left half, as some token's end a right half (the
  /// others cannot join into a token), which keeps the debug build's test short.
  func all() -> [(left: Int, right: Int, merged: Int)] {
    let bytes: [[UInt8]?] = entries.map {
      $0 < 0 ? nil : Array(vocabulary.storage[vocabulary.range(Int($0))])
    }
    var starts = Set<[UInt8]>()
    var ends = Set<[UInt8]>()
    for case let token? in bytes where !token.isEmpty {
      for n in 1...token.count {
        starts.insert(Array(token.prefix(n)))
        ends.insert(Array(token.suffix(n)))
      }
    }
    let lefts = entries.indices.filter { bytes[$0].map(starts.contains) ?? false }
    let rights = entries.indices.filter { bytes[$0].map(ends.contains) ?? false }
    var found: [(rank: MergeRank, left: Int, right: Int, merged: Int)] = []
    for left in lefts {
      for right in rights {
        if let merge = merge(left, right) {
          found.append((merge.rank, left, right, Int(merge.merged)))
        }
      }
    }
    return found.sorted { $0.rank < $1.rank }.map { ($0.left, $0.right, $0.merged) }
  }
}
