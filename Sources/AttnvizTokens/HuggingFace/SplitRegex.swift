/// The regular expressions of `tokenizer.json` (`Split` pre-tokenizers, `Replace` normalizers),
/// matched by a small backtracking engine over Unicode scalars with Oniguruma's meanings, as the
/// `tokenizers` library uses Oniguruma:
///
/// - `\s` is White_Space (tab to carriage return, U+0085, the Z categories), `\d` is Nd, `\w` is
///   letters, marks, numbers and connector punctuation; `\p{L}`, `\p{N}`, `\p{Lu}`, … are
///   general categories (and `\P{…}` their complements);
/// - groups `(…)`, `(?:…)`, `(?i:…)` (case-insensitive by simple case mapping), lookahead
///   `(?=…)` and `(?!…)`; quantifiers `?`, `*`, `+`, `{m}`, `{m,}`, `{m,n}`, each greedy or
///   lazy (`??`);
/// - the anchors `\A` (the start of the text) and `\z` (its end), which transformers 5 writes
///   for SentencePiece models: `Replace(Regex("\A +| +\z"), "")`, `Replace(Regex("\A▁"), "▁▁")`;
/// - alternatives are tried in order and the first that lets the whole pattern match wins, as in
///   every backtracking engine (so `\s+(?!\S)|\s+` leaves a run's last space to the next word).
///
/// Patterns outside that (the line anchors `^` and `$`, `\Z`, lookbehind, backreferences,
/// possessive quantifiers) are refused when the file is read. The known patterns (GPT-2's, Llama 3's, Qwen2's) run in
/// linear time; a hostile pattern is stopped by a step budget instead of hanging.
///
///     (?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}|…   (Llama 3)
public struct SplitRegex: Sendable, Equatable {
  public let pattern: String
  let root: RegexNode

  public struct PatternError: Error, Equatable {
    public var reason: String
  }

  public init(_ pattern: String) throws(PatternError) {
    self.pattern = pattern
    var parser = RegexParser(scalars: Array(pattern.unicodeScalars))
    root = try parser.parseAll()
  }

  init(pattern: String, root: RegexNode) {
    self.pattern = pattern
    self.root = root
  }

  /// A pattern that matches `literal` exactly (Split and Replace with a `String` pattern).
  public init(literal: String) {
    pattern = literal
    root = .sequence(literal.unicodeScalars.map { .set(ScalarSet(literal: $0)) })
  }

  /// Matching stops after this many steps per scalar of a text: the known patterns take a few
  /// dozen, and a pattern that backtracks exponentially is reported instead of hanging.
  static let stepBudget = 1_000

  public struct BudgetExceeded: Error, Equatable {}

  /// The non-overlapping matches in `scalars`, left to right, as Oniguruma's search finds them.
  /// An empty match is reported and the search goes on one scalar further.
  public func matches(in scalars: [Unicode.Scalar]) throws(BudgetExceeded) -> [Range<Int>] {
    let matcher = RegexMatcher(text: scalars, budget: Self.stepBudget * (scalars.count + 16))
    var found: [Range<Int>] = []
    var start = 0
    while start <= scalars.count {
      var matchedAt: (Int, Int)?
      for candidate in start...scalars.count {
        if let end = try matcher.match(root, at: candidate) {
          matchedAt = (candidate, end)
          break
        }
      }
      guard let (from, to) = matchedAt else { break }
      found.append(from..<to)
      start = to > from ? to : to + 1
    }
    return found
  }
}

indirect enum RegexNode: Sendable, Equatable {
  case set(ScalarSet)
  case sequence([RegexNode])
  case alternation([RegexNode])
  case repetition(RegexNode, min: Int, max: Int?, greedy: Bool)
  case lookahead(RegexNode, negative: Bool)
  /// A zero-width position: `\A` the start of the text, `\z` its end (Oniguruma's meanings:
  /// the whole text a normaliser or pre-tokenizer is given, never a line).
  case anchor(Anchor)

  enum Anchor: Sendable, Equatable {
    case textStart
    case textEnd
  }
}

/// The scalars one position of a pattern accepts.
struct ScalarSet: Sendable, Equatable {
  enum Item: Sendable, Equatable {
    case range(UInt32, UInt32)
    case whitespace(negated: Bool)
    case digit(negated: Bool)
    case word(negated: Bool)
    case rustWord(negated: Bool)
    case categories([Unicode.GeneralCategory], negated: Bool)
    case anyButNewline
  }

  var items: [Item]
  var negated = false
  var caseInsensitive = false

  init(items: [Item], negated: Bool = false, caseInsensitive: Bool = false) {
    self.items = items
    self.negated = negated
    self.caseInsensitive = caseInsensitive
  }

  init(literal: Unicode.Scalar, caseInsensitive: Bool = false) {
    self.init(items: [.range(literal.value, literal.value)], caseInsensitive: caseInsensitive)
  }

  func contains(_ s: Unicode.Scalar) -> Bool {
    var hit = itemsContain(s)
    if !hit, caseInsensitive {
      hit = caseVariants(of: s).contains { itemsContain($0) }
    }
    return hit != negated
  }

  private func itemsContain(_ s: Unicode.Scalar) -> Bool {
    items.contains { item in
      switch item {
      case .range(let low, let high): low <= s.value && s.value <= high
      case .whitespace(let negated): isRegexWhitespace(s) != negated
      case .digit(let negated): (s.properties.generalCategory == .decimalNumber) != negated
      case .word(let negated): isOnigurumaWord(s) != negated
      case .rustWord(let negated): isRustWord(s) != negated
      case .categories(let list, let negated):
        list.contains(s.properties.generalCategory) != negated
      case .anyButNewline: s != "\n"
      }
    }
  }
}

/// `\s`: the White_Space property, which is Oniguruma's and Rust's `\s` as well.
func isRegexWhitespace(_ s: Unicode.Scalar) -> Bool { s.properties.isWhitespace }

/// Oniguruma's `\w` (the library's `Split` patterns): Alphabetic, marks, decimal digits and
/// connector punctuation. So `Ⅻ` and `Ⓐ` are word characters and `²`, `①` are not.
func isOnigurumaWord(_ s: Unicode.Scalar) -> Bool {
  if s.properties.isAlphabetic { return true }
  switch s.properties.generalCategory {
  case .nonspacingMark, .spacingMark, .enclosingMark, .decimalNumber, .connectorPunctuation:
    return true
  default: return false
  }
}

/// The Rust `regex` crate's `\w` (the `Whitespace` pre-tokenizer, `single_word`): Oniguruma's
/// and the joiners U+200C, U+200D (UTS #18).
func isRustWord(_ s: Unicode.Scalar) -> Bool {
  isOnigurumaWord(s) || s.value == 0x200C || s.value == 0x200D
}

/// The single scalars a scalar's simple case mappings give (`S` → `s`, `ſ` → `S` → `s`).
func caseVariants(of s: Unicode.Scalar) -> [Unicode.Scalar] {
  var out: [Unicode.Scalar] = []
  func add(_ text: String) {
    let scalars = Array(text.unicodeScalars)
    if scalars.count == 1, scalars[0] != s, !out.contains(scalars[0]) { out.append(scalars[0]) }
  }
  let p = s.properties
  add(p.lowercaseMapping)
  add(p.uppercaseMapping)
  add(p.titlecaseMapping)
  for variant in out {
    add(variant.properties.lowercaseMapping)
    add(variant.properties.uppercaseMapping)
  }
  return out
}

/// Matching by recursive backtracking with continuations: `k` is the rest of the pattern. A
/// class, so that the step budget is one counter however deep the recursion goes.
final class RegexMatcher {
  typealias Failure = SplitRegex.BudgetExceeded
  typealias Continuation = (Int) throws(Failure) -> Bool

  let text: [Unicode.Scalar]
  var budget: Int
  /// How deep the continuations are nested. A repeated group nests once per repetition, so a
  /// hostile pattern like `(?:ab)+` on a long text would overflow the stack: it is stopped
  /// here, well before (the known patterns repeat only single characters and stay shallow).
  var depth = 0
  static let maximumDepth = 600

  init(text: [Unicode.Scalar], budget: Int) {
    self.text = text
    self.budget = budget
  }

  /// The end of the match of `node` starting at `position`, or nil.
  func match(_ node: RegexNode, at position: Int) throws(Failure) -> Int? {
    var end: Int?
    _ = try run(node, position) { e in
      end = e
      return true
    }
    return end
  }

  func spend() throws(Failure) {
    budget -= 1
    if budget < 0 { throw Failure() }
  }

  func run(_ node: RegexNode, _ i: Int, _ k: Continuation) throws(Failure) -> Bool {
    try spend()
    depth += 1
    defer { depth -= 1 }
    guard depth <= Self.maximumDepth else { throw Failure() }
    switch node {
    case .set(let set):
      guard i < text.count, set.contains(text[i]) else { return false }
      return try k(i + 1)
    case .sequence(let nodes):
      return try runSequence(nodes[...], i, k)
    case .alternation(let options):
      for option in options where try run(option, i, k) { return true }
      return false
    case .repetition(let inner, let min, let max, let greedy):
      if case .set(let set) = inner {
        return try repeatSet(set, i, min: min, max: max, greedy: greedy, k)
      }
      return try repeatNode(inner, i, count: 0, min: min, max: max, greedy: greedy, k)
    case .lookahead(let inner, let negative):
      let found = try run(inner, i) { _ in true }
      return found != negative ? try k(i) : false
    case .anchor(.textStart):
      return i == 0 ? try k(i) : false
    case .anchor(.textEnd):
      return i == text.count ? try k(i) : false
    }
  }

  func runSequence(_ nodes: ArraySlice<RegexNode>, _ i: Int, _ k: Continuation) throws(Failure)
    -> Bool
  {
    guard let first = nodes.first else { return try k(i) }
    let rest = nodes.dropFirst()
    return try run(first, i) { (j) throws(Failure) -> Bool in try self.runSequence(rest, j, k) }
  }

  /// A repeated single-scalar set: count the run once, then try its lengths in order.
  func repeatSet(
    _ set: ScalarSet, _ i: Int, min: Int, max: Int?, greedy: Bool, _ k: Continuation
  ) throws(Failure) -> Bool {
    var run = 0
    let limit = max ?? Int.max
    while run < limit, i + run < text.count, set.contains(text[i + run]) {
      run += 1
      try spend()
    }
    guard run >= min else { return false }
    if greedy {
      for length in stride(from: run, through: min, by: -1) where try k(i + length) {
        return true
      }
    } else {
      for length in min...run where try k(i + length) { return true }
    }
    return false
  }

  func repeatNode(
    _ node: RegexNode, _ i: Int, count: Int, min: Int, max: Int?, greedy: Bool,
    _ k: Continuation
  ) throws(Failure) -> Bool {
    let canStop = count >= min
    let canGo = max.map { count < $0 } ?? true
    if !greedy, canStop, try k(i) { return true }
    if canGo {
      let more = try run(node, i) { (j) throws(Failure) -> Bool in
        // An iteration that matched nothing would loop for ever.
        guard j > i else { return false }
        return try self.repeatNode(
          node, j, count: count + 1, min: min, max: max, greedy: greedy, k)
      }
      if more { return true }
    }
    if greedy, canStop { return try k(i) }
    return false
  }
}

extension SplitRegex {
  /// For fuzzing: the bytes up to the first newline are a pattern, the rest a text (both as
  /// lossy UTF-8); returns how many matches were found, 0 when the pattern is refused or runs
  /// out of budget. Never traps.
  public static func fuzz(_ bytes: [UInt8]) -> Int {
    let newline = bytes.firstIndex(of: 0x0A) ?? bytes.endIndex
    let pattern = String(decoding: bytes[..<newline], as: UTF8.self)
    let text = String(decoding: bytes[min(newline + 1, bytes.endIndex)...], as: UTF8.self)
    guard let regex = try? SplitRegex(pattern) else { return 0 }
    return (try? regex.matches(in: Array(text.unicodeScalars)))?.count ?? 0
  }
}
