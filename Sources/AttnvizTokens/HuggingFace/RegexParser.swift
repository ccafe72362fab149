import AttnvizFiles

/// Reads the pattern syntax `SplitRegex` supports into `RegexNode`s; anything else is refused
/// with a reason that names the construct.
struct RegexParser {
  typealias Failure = SplitRegex.PatternError

  let scalars: [Unicode.Scalar]
  var position = 0
  var caseInsensitive = false

  init(scalars: [Unicode.Scalar]) {
    self.scalars = scalars
  }

  var peek: Unicode.Scalar? { position < scalars.count ? scalars[position] : nil }

  func fail(_ reason: String) -> Failure {
    Failure(reason: "\(reason) (at character \(position + 1))")
  }

  mutating func parseAll() throws(Failure) -> RegexNode {
    let node = try alternation(depth: 0)
    guard position == scalars.count else { throw fail("unbalanced ')'") }
    return node
  }

  mutating func alternation(depth: Int) throws(Failure) -> RegexNode {
    guard depth < 32 else { throw fail("groups nested more than 32 deep") }
    var options = [try sequence(depth: depth)]
    while peek == "|" {
      position += 1
      options.append(try sequence(depth: depth))
    }
    return options.count == 1 ? options[0] : .alternation(options)
  }

  mutating func sequence(depth: Int) throws(Failure) -> RegexNode {
    var nodes: [RegexNode] = []
    while let s = peek, s != "|", s != ")" {
      let atom = try self.atom(depth: depth)
      nodes.append(try quantified(atom))
    }
    return nodes.count == 1 ? nodes[0] : .sequence(nodes)
  }

  mutating func quantified(_ atom: RegexNode) throws(Failure) -> RegexNode {
    var node = atom
    while let s = peek {
      let bounds: (Int, Int?)
      switch s {
      case "?": bounds = (0, 1)
      case "*": bounds = (0, nil)
      case "+": bounds = (1, nil)
      case "{":
        guard let counted = try braces() else { return node }
        bounds = counted
      default: return node
      }
      position += 1
      var greedy = true
      if peek == "?" {
        greedy = false
        position += 1
      } else if peek == "+" {
        throw fail("possessive quantifiers are not supported")
      }
      if case .lookahead = node { throw fail("a lookahead cannot be repeated") }
      // Oniguruma: "target of repeat operator is invalid".
      if case .anchor = node { throw fail("an anchor (\\A, \\z) cannot be repeated") }
      node = .repetition(node, min: bounds.0, max: bounds.1, greedy: greedy)
    }
    return node
  }

  /// `{m}`, `{m,}`, `{m,n}`; leaves the position on the closing brace. nil when the brace is
  /// not a quantifier (then it is a literal, as in Oniguruma).
  mutating func braces() throws(Failure) -> (Int, Int?)? {
    let start = position
    position += 1
    func number() -> Int? {
      var value: Int?
      while let s = peek, ("0"..."9").contains(s) {
        value = (value ?? 0) * 10 + Int(s.value - 0x30)
        guard value ?? 0 <= 10_000 else { return nil }
        position += 1
      }
      return value
    }
    guard let low = number() else {
      position = start
      return nil
    }
    var high: Int? = low
    if peek == "," {
      position += 1
      high = number()
    }
    guard peek == "}" else {
      position = start
      return nil
    }
    if let high, high < low { throw fail("a repetition {\(low),\(high)} with max < min") }
    return (low, high)
  }

  mutating func atom(depth: Int) throws(Failure) -> RegexNode {
    guard let s = peek else { throw fail("unexpected end") }
    position += 1
    switch s {
    case "(": return try group(depth: depth)
    case "[": return .set(try characterClass())
    case ".": return .set(ScalarSet(items: [.anyButNewline]))
    case "\\":
      // \A and \z: zero-width, the start and the end of the text.
      if peek == "A" || peek == "z" {
        position += 1
        return .anchor(scalars[position - 1] == "A" ? .textStart : .textEnd)
      }
      return .set(try escape(inClass: false))
    case "^", "$": throw fail("anchors (^, $) are not supported")
    case "*", "+", "?": throw fail("a quantifier with nothing to repeat")
    default: return .set(ScalarSet(literal: s, caseInsensitive: caseInsensitive))
    }
  }

  mutating func group(depth: Int) throws(Failure) -> RegexNode {
    var lookahead: Bool?
    let outerCase = caseInsensitive
    defer { caseInsensitive = outerCase }
    if peek == "?" {
      position += 1
      switch peek {
      case ":": position += 1
      case "=":
        lookahead = false
        position += 1
      case "!":
        lookahead = true
        position += 1
      case "i":
        position += 1
        guard peek == ":" else { throw fail("only the (?i:…) form of flags is supported") }
        position += 1
        caseInsensitive = true
      case "<": throw fail("lookbehind and named groups are not supported")
      default: throw fail("this (?…) group is not supported")
      }
    }
    let inner = try alternation(depth: depth + 1)
    guard peek == ")" else { throw fail("a group without its ')'") }
    position += 1
    if let negative = lookahead { return .lookahead(inner, negative: negative) }
    return inner
  }

  mutating func characterClass() throws(Failure) -> ScalarSet {
    var set = ScalarSet(items: [], caseInsensitive: caseInsensitive)
    if peek == "^" {
      set.negated = true
      position += 1
    }
    var first = true
    while true {
      guard let s = peek else { throw fail("a class without its ']'") }
      if s == "]", !first {
        position += 1
        return set
      }
      first = false
      position += 1
      var low: Unicode.Scalar
      switch s {
      case "[": throw fail("nested classes are not supported")
      case "\\":
        let escaped = try escape(inClass: true)
        guard escaped.items.count == 1, case .range(let a, let b) = escaped.items[0], a == b,
          let scalar = Unicode.Scalar(a)
        else {
          set.items += escaped.items
          continue
        }
        low = scalar
      default: low = s
      }
      if peek == "-", position + 1 < scalars.count, scalars[position + 1] != "]" {
        position += 1
        guard var high = peek else { throw fail("a class without its ']'") }
        position += 1
        if high == "\\" {
          let escaped = try escape(inClass: true)
          guard case .range(let a, _) = escaped.items.first, escaped.items.count == 1,
            let scalar = Unicode.Scalar(a)
          else { throw fail("a range must end at a single character") }
          high = scalar
        }
        guard low.value <= high.value else { throw fail("a range out of order") }
        set.items.append(.range(low.value, high.value))
      } else {
        set.items.append(.range(low.value, low.value))
      }
    }
  }

  /// After a backslash: a class escape or one escaped scalar.
  mutating func escape(inClass: Bool) throws(Failure) -> ScalarSet {
    guard let s = peek else { throw fail("a pattern ending in '\\'") }
    position += 1
    func single(_ scalar: Unicode.Scalar) -> ScalarSet {
      ScalarSet(literal: scalar, caseInsensitive: caseInsensitive)
    }
    switch s {
    case "s": return ScalarSet(items: [.whitespace(negated: false)])
    case "S": return ScalarSet(items: [.whitespace(negated: true)])
    case "d": return ScalarSet(items: [.digit(negated: false)])
    case "D": return ScalarSet(items: [.digit(negated: true)])
    case "w": return ScalarSet(items: [.word(negated: false)])
    case "W": return ScalarSet(items: [.word(negated: true)])
    case "p", "P": return ScalarSet(items: [try property(negated: s == "P")])
    case "n": return single("\n")
    case "r": return single("\r")
    case "t": return single("\t")
    case "f": return single("\u{0C}")
    case "v": return single("\u{0B}")
    case "e": return single("\u{1B}")
    case "a": return single("\u{07}")
    case "x": return single(try hexScalar())
    case "u": return single(try fixedHex(4))
    default:
      if s.properties.isAlphabetic || ("0"..."9").contains(s) {
        throw fail("the escape \\\(s) is not supported")
      }
      return single(s)
    }
  }

  /// `\p{L}`, `\p{N}`, `\p{Lu}`, `\p{^L}`, `\pL`: general categories.
  mutating func property(negated: Bool) throws(Failure) -> ScalarSet.Item {
    var name = ""
    var negated = negated
    if peek == "{" {
      position += 1
      if peek == "^" {
        negated.toggle()
        position += 1
      }
      while let s = peek, s != "}" {
        name.unicodeScalars.append(s)
        position += 1
      }
      guard peek == "}" else { throw fail("\\p{ without its '}'") }
      position += 1
    } else if let s = peek {
      name = String(s)
      position += 1
    }
    guard let categories = generalCategories[name] else {
      throw fail("the property \\p{\(name)} is not supported (general categories are)")
    }
    return .categories(categories, negated: negated)
  }

  mutating func hexScalar() throws(Failure) -> Unicode.Scalar {
    if peek == "{" {
      position += 1
      var value: UInt32 = 0
      var digits = 0
      while let s = peek, s.isASCII, let d = hexValue(UInt8(s.value)), digits < 8 {
        value = value << 4 | d
        digits += 1
        position += 1
      }
      guard digits > 0, peek == "}", let scalar = Unicode.Scalar(value) else {
        throw fail("\\x{…} must hold a scalar's hex digits")
      }
      position += 1
      return scalar
    }
    return try fixedHex(2)
  }

  mutating func fixedHex(_ count: Int) throws(Failure) -> Unicode.Scalar {
    var value: UInt32 = 0
    for _ in 0..<count {
      guard let s = peek, s.isASCII, let d = hexValue(UInt8(s.value)) else {
        throw fail("an escape needs \(count) hex digits")
      }
      value = value << 4 | d
      position += 1
    }
    guard let scalar = Unicode.Scalar(value) else { throw fail("a surrogate escape") }
    return scalar
  }
}

/// The general categories by their one- and two-letter names.
let generalCategories: [String: [Unicode.GeneralCategory]] = {
  let table: [(String, Unicode.GeneralCategory)] = [
    ("Lu", .uppercaseLetter), ("Ll", .lowercaseLetter), ("Lt", .titlecaseLetter),
    ("Lm", .modifierLetter), ("Lo", .otherLetter), ("Mn", .nonspacingMark),
    ("Mc", .spacingMark), ("Me", .enclosingMark), ("Nd", .decimalNumber),
    ("Nl", .letterNumber), ("No", .otherNumber), ("Pc", .connectorPunctuation),
    ("Pd", .dashPunctuation), ("Ps", .openPunctuation), ("Pe", .closePunctuation),
    ("Pi", .initialPunctuation), ("Pf", .finalPunctuation), ("Po", .otherPunctuation),
    ("Sm", .mathSymbol), ("Sc", .currencySymbol), ("Sk", .modifierSymbol),
    ("So", .otherSymbol), ("Zs", .spaceSeparator), ("Zl", .lineSeparator),
    ("Zp", .paragraphSeparator), ("Cc", .control), ("Cf", .format), ("Cs", .surrogate),
    ("Co", .privateUse), ("Cn", .unassigned),
  ]
  var map: [String: [Unicode.GeneralCategory]] = [:]
  for (name, category) in table {
    map[name] = [category]
    map[String(name.prefix(1)), default: []].append(category)
  }
  let long: [String: String] = [
    "Letter": "L", "Mark": "M", "Number": "N", "Punctuation": "P", "Symbol": "S",
    "Separator": "Z", "Other": "C", "Uppercase_Letter": "Lu", "Lowercase_Letter": "Ll",
    "Decimal_Number": "Nd",
  ]
  for (name, short) in long { map[name] = map[short] }
  map["L&"] = [.uppercaseLetter, .lowercaseLetter, .titlecaseLetter]
  return map
}()
