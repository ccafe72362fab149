import AttnvizAnalysis
import AttnvizModel
import AttnvizTokens

/// Each token's role for the head patterns and sinks: special ([CLS], [SEP], <|endoftext|>),
/// punctuation (nothing but punctuation once the tokenizer's markers are removed), or ordinary.
func tokenRoles(_ tokens: [Token]) -> [TokenRole] {
  tokens.map { token in
    if token.isSpecial { return .special }
    let core = token.text.unicodeScalars.filter { scalar in
      !scalar.properties.isWhitespace && !"#Ġ▁Ċ".unicodeScalars.contains(scalar)
    }
    let isPunctuation =
      !core.isEmpty
      && core.allSatisfy {
        switch $0.properties.generalCategory {
        case .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation,
          .initialPunctuation, .finalPunctuation, .otherPunctuation:
          true
        default: false
        }
      }
    return isPunctuation ? .punctuation : .ordinary
  }
}

/// Every layer's and head's pattern label, `[layer][head]`.
func headPatterns(_ trace: AttentionTrace, rule: HeadPatternRule = HeadPatternRule())
  -> [[HeadPatternResult]]
{
  let roles = tokenRoles(trace.tokens)
  return trace.layers.map { layer in layer.weights.map { rule.classify($0, roles: roles) } }
}

/// Which keys are the sinks of this trace, and how a caption names them.
func sinkTargets(_ trace: AttentionTrace) -> (keys: [Int], description: String) {
  let keys = sinkKeys(roles: tokenRoles(trace.tokens), causal: trace.model.causal)
  guard keys != [0] else {
    return (keys, "the first token (“\(shortened(trace.tokens.first?.text ?? "", to: 20))”)")
  }
  let names = Set(keys.map { trace.tokens[$0].text }).sorted().joined(separator: ", ")
  return (keys, "the special tokens (\(shortened(names, to: 40)))")
}
