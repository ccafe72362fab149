import AttnvizMath

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// What a head mostly does, after Clark et al. 2019 ("What does BERT look at?"): the named
/// patterns of `--view patterns`. Computed from one head's T×T weights (rows = queries).
public enum HeadPattern: String, CaseIterable, Sendable, Equatable {
  case previousToken = "previous token"
  case nextToken = "next token"
  case selfToken = "self"
  case firstToken = "first token (sink)"
  case specialTokens = "[CLS]/[SEP]"
  case punctuation
  case broad
  case none

  /// One letter for the narrowest thumbnails (30 layers × 9 heads).
  public var letter: String {
    switch self {
    case .previousToken: "P"
    case .nextToken: "N"
    case .selfToken: "S"
    case .firstToken: "F"
    case .specialTokens: "C"
    case .punctuation: "."
    case .broad: "B"
    case .none: "-"
    }
  }

  /// A short form for cells too narrow for the name.
  public var code: String {
    switch self {
    case .previousToken: "prev"
    case .nextToken: "next"
    case .selfToken: "self"
    case .firstToken: "first"
    case .specialTokens: "[SEP]"
    case .punctuation: "punct"
    case .broad: "broad"
    case .none: "-"
    }
  }
}

/// What each key token is, as far as the patterns care.
public enum TokenRole: Sendable, Equatable {
  case ordinary
  /// [CLS], [SEP], <|endoftext|> and the like.
  case special
  /// A token made only of punctuation characters ("," "." "Ġ," …).
  case punctuation
}

/// The rule, with its thresholds (documented in docs/usage.md, tested in HeadPatternTests):
///
/// - For each candidate the head's *score* is the weight it gives, averaged over queries:
///   previous = mean of w[i, i−1] (i ≥ 1), next = mean of w[i, i+1] (i < T−1), self = mean of
///   w[i, i], first token = mean of w[i, 0] (i ≥ 1; only when token 0 is not a special token,
///   otherwise [CLS]/[SEP] covers it), [CLS]/[SEP] = mean over queries of the weight on all
///   special tokens, punctuation = the same on punctuation tokens.
/// - The label is the candidate with the highest score if that score is at least
///   `dominance` (0.5: most of the weight, as in Clark et al.'s analysis).
/// - Otherwise the head is *broad* when its mean normalised row entropy (entropy of a row
///   divided by log of the number of keys it can see; rows seeing one key left out) is at least
///   `broadEntropy` (0.85), else *none*.
public struct HeadPatternRule: Sendable, Equatable {
  public var dominance = 0.5
  public var broadEntropy = 0.85

  public init() {}

  /// The rule in words, for the figure's legend and the table's footer.
  public var legend: [String] {
    let share = trimmedPercent(dominance)
    return [
      "Label: the key a head gives ≥ \(share) of its weight on average"
        + " (previous, next, self, first token,"
        + " [CLS]/[SEP], punctuation);",
      "otherwise broad when its mean normalised row entropy is ≥ \(trimmedDecimal(broadEntropy)),"
        + " else none. After Clark et al. 2019.",
    ]
  }

  /// The label of one head, with the scores behind it.
  public func classify(_ w: Matrix, roles: [TokenRole]) -> HeadPatternResult {
    let scores = patternScores(w, roles: roles)
    let entropy = normalizedEntropy(w)
    // Fixed order breaks ties, so the result is deterministic.
    let best = scores.max { $0.score < $1.score }
    if let best, best.score >= dominance {
      return HeadPatternResult(pattern: best.pattern, score: best.score, entropy: entropy)
    }
    if entropy >= broadEntropy {
      return HeadPatternResult(pattern: .broad, score: entropy, entropy: entropy)
    }
    return HeadPatternResult(pattern: .none, score: best?.score ?? 0, entropy: entropy)
  }
}

/// One head's label, the score that earned it (mean weight, or normalised entropy for broad)
/// and its mean normalised entropy.
public struct HeadPatternResult: Sendable, Equatable {
  public var pattern: HeadPattern
  public var score: Double
  public var entropy: Double
}

/// The candidates' scores in a fixed order (previous, next, self, first, special, punctuation);
/// candidates with nothing to measure (one token, no special tokens) are left out.
func patternScores(_ w: Matrix, roles: [TokenRole]) -> [(pattern: HeadPattern, score: Double)] {
  let n = w.rows
  guard n >= 2, w.columns == n, roles.count == n else { return [] }
  var out: [(HeadPattern, Double)] = []
  out.append((.previousToken, mean((1..<n).map { w[$0, $0 - 1] })))
  out.append((.nextToken, mean((0..<(n - 1)).map { w[$0, $0 + 1] })))
  out.append((.selfToken, mean((0..<n).map { w[$0, $0] })))
  if roles[0] != .special { out.append((.firstToken, mean((1..<n).map { w[$0, 0] }))) }
  for (pattern, role) in [
    (HeadPattern.specialTokens, TokenRole.special), (.punctuation, .punctuation),
  ] {
    let keys = roles.indices.filter { roles[$0] == role }
    guard !keys.isEmpty else { continue }
    out.append((pattern, mean((0..<n).map { i in keys.reduce(0) { $0 + w[i, $1] } })))
  }
  return out
}

/// Mean over rows of entropy / log(visible keys); a key is visible when its weight is > 0 or
/// it lies at or before the query (causal rows see i + 1 keys). Rows seeing one key are skipped.
public func normalizedEntropy(_ w: Matrix) -> Double {
  var values: [Double] = []
  for i in 0..<w.rows {
    let row = w.row(i)
    let visible = row.indices.filter { row[$0] > 0 || $0 - row.startIndex <= i }.count
    guard visible >= 2 else { continue }
    values.append(rowEntropy(row) / log(Double(visible)))
  }
  return mean(values)
}

/// −Σ p ln p over the positive entries of a row (nats).
func rowEntropy(_ row: ArraySlice<Double>) -> Double {
  row.reduce(0) { $1 > 0 ? $0 - $1 * log($1) : $0 }
}

func mean(_ values: [Double]) -> Double {
  values.isEmpty ? 0 : values.reduce(0, +) / Double(values.count)
}

func trimmedPercent(_ value: Double) -> String { "\(Int((value * 100).rounded()))%" }

func trimmedDecimal(_ value: Double) -> String {
  let hundredths = Int((value * 100).rounded())
  let text = "\(hundredths / 100).\(hundredths % 100 < 10 ? "0" : "")\(hundredths % 100)"
  return text.hasSuffix("0") ? String(text.dropLast()) : text
}
