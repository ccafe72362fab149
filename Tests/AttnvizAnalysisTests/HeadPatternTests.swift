import AttnvizMath
import Testing

@testable import AttnvizAnalysis

@Suite struct HeadPatternTests {
  let rule = HeadPatternRule()
  let plain = Array(repeating: TokenRole.ordinary, count: 6)

  @Test func purePreviousTokenHeadIsLabelledSo() {
    let result = rule.classify(Constructed.previous(6), roles: plain)
    #expect(result.pattern == .previousToken)
    #expect(result.score == 1)
  }

  @Test func nextSelfAndFirstTokenHeads() {
    #expect(rule.classify(Constructed.next(6), roles: plain).pattern == .nextToken)
    #expect(rule.classify(Constructed.selfHead(6), roles: plain).pattern == .selfToken)
    #expect(rule.classify(Constructed.first(6), roles: plain).pattern == .firstToken)
  }

  @Test func uniformHeadIsBroadInEncodersAndDecoders() {
    let encoder = rule.classify(Constructed.uniform(6), roles: plain)
    #expect(encoder.pattern == .broad)
    #expect(abs(encoder.entropy - 1) < 1e-12)
    #expect(rule.classify(Constructed.uniform(6, causal: true), roles: plain).pattern == .broad)
  }

  @Test func specialTokensWinOverTheFirstTokenInEncoders() {
    // [CLS] a b c . [SEP]: a head reading [SEP] from every query.
    let roles: [TokenRole] = [.special, .ordinary, .ordinary, .ordinary, .punctuation, .special]
    let sep = rule.classify(Constructed.column(6, 5), roles: roles)
    #expect(sep.pattern == .specialTokens)
    #expect(rule.classify(Constructed.column(6, 0), roles: roles).pattern == .specialTokens)
    #expect(rule.classify(Constructed.column(6, 4), roles: roles).pattern == .punctuation)
  }

  @Test func halfTheWeightIsTheThreshold() {
    // Row 0 on itself, the others 0.5 previous and 0.5 self: previous scores 0.5 (enough),
    // self (1 + 3 × 0.5) / 4 = 0.625, and the higher score wins.
    var m = Matrix(rows: 4, columns: 4)
    m[0, 0] = 1
    for i in 1..<4 {
      m[i, i - 1] = 0.5
      m[i, i] = 0.5
    }
    let roles = Array(repeating: TokenRole.ordinary, count: 4)
    #expect(rule.classify(m, roles: roles).pattern == .selfToken)
    #expect(patternScores(m, roles: roles).first { $0.pattern == .previousToken }?.score == 0.5)
    // Previous and first token both score 2/3 here; the fixed order breaks the tie.
    var prevFirst = Matrix(rows: 4, columns: 4)
    prevFirst[0, 0] = 1
    prevFirst[1, 0] = 1
    for i in 2..<4 {
      prevFirst[i, i - 1] = 0.5
      prevFirst[i, 0] = 0.5
    }
    #expect(rule.classify(prevFirst, roles: roles).pattern == .previousToken)
    // 0.4 previous, the rest spread: no dominant key and not broad enough → none.
    // Each row 0.4 on the previous key (row 0: itself), 0.2 on each other key.
    var weak = Matrix(rows: 4, columns: 4, repeating: 0.2)
    for i in 0..<4 { weak[i, max(i - 1, 0)] = 0.4 }
    let result = rule.classify(weak, roles: Array(repeating: .ordinary, count: 4))
    #expect(
      patternScores(weak, roles: Array(repeating: .ordinary, count: 4)).allSatisfy {
        $0.score < 0.5
      })
    #expect(result.entropy < 0.985 && result.entropy > 0.9)
    #expect(result.pattern == .broad)
    var strict = HeadPatternRule()
    strict.broadEntropy = 0.99
    #expect(strict.classify(weak, roles: Array(repeating: .ordinary, count: 4)).pattern == .none)
  }

  @Test func oneTokenHasNoPattern() {
    let result = rule.classify(Matrix([[1]]), roles: [.ordinary])
    #expect(result.pattern == .none)
  }
}
