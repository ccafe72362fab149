/// Finds added tokens in text as the `tokenizers` library does (`AddedVocabulary`, an
/// Aho–Corasick automaton in leftmost-longest mode): the leftmost match, the longest there; a
/// `singleWord` token touching a word character is skipped and the search goes on after it;
/// `lstrip`/`rstrip` take the neighbouring whitespace into the token.
///
/// The time is linear in the text plus the tokens, whatever they hold: the tokens are reversed
/// into one Aho–Corasick automaton, which runs once over the reversed text and gives, for every
/// position, the longest token starting there. (Matching each token at each position, as before,
/// took minutes for 3,000 tokens of 2,000 letters sharing a prefix against a text repeating it;
/// the library's forward automaton looks ahead up to a token's length after each short match,
/// so it too is quadratic at worst.) The tokens together are bounded (`maximumScalars`).
struct AddedTokenMatcher: Sendable {
  /// The most scalars all the tokens of one matcher may hold together: the automaton keeps
  /// about 40 bytes a scalar and takes a hash insertion for each. Real vocabularies hold under
  /// 100,000 (Gemma 3's 6,414 added tokens: 75,784).
  static let maximumScalars = 1 << 20

  let tokens: [HFTokenizer.AddedToken]
  private let automaton: ReversedTokenAutomaton

  /// A phrase refusing tokens that hold more than `maximumScalars` scalars together, naming the
  /// limit (`hold 6000000 characters together, more than the limit of …`); nil when they fit.
  /// The readers of tokenizer.json and GGUF files call it before they build a tokenizer.
  static func checkSize(of tokens: [HFTokenizer.AddedToken]) -> String? {
    let total = tokens.reduce(0) { $0 + $1.content.unicodeScalars.count }
    guard total > maximumScalars else { return nil }
    return "hold \(total) characters together, more than the limit of "
      + "\(maximumScalars) (real vocabularies hold under 100,000)"
  }

  init(_ tokens: [HFTokenizer.AddedToken]) {
    self.tokens = tokens
    automaton = ReversedTokenAutomaton(tokens.map { Array($0.content.unicodeScalars) })
  }

  struct Segment {
    var text: [SourcedScalar]
    var added: HFTokenizer.AddedToken?
  }

  /// The text cut into added tokens and the parts between them (never empty parts).
  func split(_ text: [SourcedScalar]) -> [Segment] {
    guard !tokens.isEmpty else { return text.isEmpty ? [] : [Segment(text: text)] }
    let longest = automaton.longestTokens(startingIn: text.map(\.scalar)).longest
    var segments: [Segment] = []
    var consumed = 0
    var i = 0
    while i < text.count {
      let match = longest[i]
      guard match.token >= 0 else {
        i += 1
        continue
      }
      let token = tokens[Int(match.token)]
      let length = Int(match.length)
      var start = i
      var stop = i + length
      if token.singleWord,
        (start > 0 && isWordScalar(text[start - 1].scalar))
          || (stop < text.count && isWordScalar(text[stop].scalar))
      {
        i += length
        continue
      }
      if token.lstrip {
        while start > consumed, text[start - 1].scalar.properties.isWhitespace { start -= 1 }
      }
      if token.rstrip {
        while stop < text.count, text[stop].scalar.properties.isWhitespace { stop += 1 }
      }
      if start > consumed { segments.append(Segment(text: Array(text[consumed..<start]))) }
      segments.append(Segment(text: Array(text[start..<stop]), added: token))
      consumed = stop
      i = stop
    }
    if consumed < text.count { segments.append(Segment(text: Array(text[consumed...]))) }
    return segments
  }
}

/// An Aho–Corasick automaton over the reversed tokens. Run over the reversed text, its state at
/// each position is the longest reversed token prefix that ends there, and the longest token
/// among that state's suffixes is the longest token that starts at that position of the text.
/// Building and running are linear (failure links, amortised).
struct ReversedTokenAutomaton: Sendable {
  /// The longest token starting at a position: its index and length, or index -1.
  struct Longest: Equatable {
    var token: Int32
    var length: Int32
  }

  /// Children by (state, scalar); state 0 is the root.
  private var children: [UInt64: Int32] = [:]
  private var failure: [Int32] = [0]
  /// Per state, the longest token among the state's suffixes (the state itself first).
  private var output: [Longest] = [Longest(token: -1, length: 0)]

  private static func key(_ state: Int32, _ scalar: Unicode.Scalar) -> UInt64 {
    UInt64(UInt32(bitPattern: state)) << 21 | UInt64(scalar.value)
  }

  /// `patterns[i]` is token i; of equal patterns the later one wins (a later id, as in the
  /// library).
  init(_ patterns: [[Unicode.Scalar]]) {
    var depth: [Int32] = [0]
    var byParent: [[(Unicode.Scalar, Int32)]] = [[]]
    for (index, pattern) in patterns.enumerated() where !pattern.isEmpty {
      var state: Int32 = 0
      for scalar in pattern.reversed() {
        let key = Self.key(state, scalar)
        if let next = children[key] {
          state = next
        } else {
          let next = Int32(failure.count)
          children[key] = next
          failure.append(0)
          output.append(Longest(token: -1, length: 0))
          depth.append(depth[Int(state)] + 1)
          byParent.append([])
          byParent[Int(state)].append((scalar, next))
          state = next
        }
      }
      output[Int(state)] = Longest(token: Int32(index), length: depth[Int(state)])
    }
    // Breadth first: a state's failure link is its longest proper suffix in the trie, found from
    // its parent's; its output is its own token or else its failure state's output.
    var queue: [Int32] = [0]
    var head = 0
    while head < queue.count {
      let state = queue[head]
      head += 1
      for (scalar, child) in byParent[Int(state)] {
        if state != 0 {
          var link = failure[Int(state)]
          while true {
            if let next = children[Self.key(link, scalar)] {
              failure[Int(child)] = next
              break
            }
            if link == 0 { break }
            link = failure[Int(link)]
          }
        }
        if output[Int(child)].token < 0 { output[Int(child)] = output[Int(failure[Int(child)])] }
        queue.append(child)
      }
    }
  }

  /// For each position of `text`, the longest token that starts there; `work` counts the
  /// automaton's steps (transitions and failure links), at most twice the text's length.
  func longestTokens(startingIn text: [Unicode.Scalar]) -> (longest: [Longest], work: Int) {
    var result = [Longest](repeating: Longest(token: -1, length: 0), count: text.count)
    var work = 0
    var state: Int32 = 0
    for position in text.indices.reversed() {
      let scalar = text[position]
      work += 1
      while true {
        if let next = children[Self.key(state, scalar)] {
          state = next
          break
        }
        if state == 0 { break }
        state = failure[Int(state)]
        work += 1
      }
      result[position] = output[Int(state)]
    }
    return (result, work)
  }
}

/// `\w` of the Rust `regex` crate, which decides `single_word`.
func isWordScalar(_ s: Unicode.Scalar) -> Bool { isRustWord(s) }
