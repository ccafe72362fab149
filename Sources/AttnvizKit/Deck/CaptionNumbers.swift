import AttnvizMath
import AttnvizModel
import AttnvizStyle

/// A deck caption's numbers come from the run itself, so a caption cannot claim a weight its
/// figure does not show. Placeholders (docs/lecture-kit.md):
///
///     {it->animal}        the weight the row of "it" gives the key "animal": "0.75"
///     {it->top}           the strongest key of the row of "it", as a word: "animal"
///     {it->top.weight}    its weight; top2, top3, … the next strongest (ties: earlier token)
///     {layer} {head}      the figure's layer and head (1-based); {model} its model's name
///     {…#2}               any of these from the second panel of a compare entry (default 1)
///
/// A row or key is a token as `--focus` takes it (a word, WORD@K, @N); `→` may stand for `->`;
/// `{{` and `}}` are literal braces. Weights are the tables' two decimals, from the matrix the
/// figure draws: the head given, or the average of the layer's heads when none is.
public struct CaptionRun: Equatable, Sendable {
  public var text: TextSource
  public var model: ModelChoice
  /// 1-based; nil: the last layer.
  public var layer: Int?
  /// 1-based; nil: the average of the layer's heads.
  public var head: Int?
  public var hideSpecial: Bool
  public var mergeSubwords: Bool
  public var renormalize: Bool

  public init(
    text: TextSource, model: ModelChoice, layer: Int?, head: Int?, hideSpecial: Bool = false,
    mergeSubwords: Bool = false, renormalize: Bool = false
  ) {
    self.renormalize = renormalize
    self.text = text
    self.model = model
    self.layer = layer
    self.head = head
    self.hideSpecial = hideSpecial
    self.mergeSubwords = mergeSubwords
  }
}

/// One `{…}` of a caption.
struct CaptionPlaceholder: Equatable {
  enum Value: Equatable {
    /// The weight the row gives this key (a token as `--focus` takes it).
    case weight(key: String)
    /// The `rank`-th strongest key (1 = strongest): its word, or its weight.
    case top(rank: Int, weight: Bool)
    case layer, head, model
  }
  var row: String?
  var value: Value
  /// 1-based panel of a compare entry.
  var panel: Int
  /// As written, braces included, for messages.
  var written: String
}

enum CaptionPiece: Equatable {
  case literal(String)
  case placeholder(CaptionPlaceholder)
}

/// The caption cut into text and placeholders; a malformed placeholder is a usage error that
/// quotes it and says what would be read.
func captionPieces(_ caption: String) throws -> [CaptionPiece] {
  var pieces: [CaptionPiece] = []
  var literal = ""
  var rest = Substring(caption)
  while let character = rest.first {
    if rest.hasPrefix("{{") || rest.hasPrefix("}}") {
      literal.append(character)
      rest = rest.dropFirst(2)
    } else if character == "{" {
      guard let close = rest.firstIndex(of: "}") else {
        throw captionError("“\(rest.prefix(30))” opens a placeholder that is never closed")
      }
      let written = String(rest[...close])
      if !literal.isEmpty { pieces.append(.literal(literal)) }
      literal = ""
      pieces.append(.placeholder(try placeholder(written)))
      rest = rest[rest.index(after: close)...]
    } else if character == "}" {
      throw captionError("a lone “}”; write }} for a brace")
    } else {
      literal.append(character)
      rest = rest.dropFirst()
    }
  }
  if !literal.isEmpty { pieces.append(.literal(literal)) }
  return pieces
}

/// True when the caption has at least one placeholder (and so needs its run's numbers).
public func captionHasPlaceholders(_ caption: String) throws -> Bool {
  try captionPieces(caption).contains {
    if case .placeholder = $0 { return true }
    return false
  }
}

private func placeholder(_ written: String) throws -> CaptionPlaceholder {
  var inside = written.dropFirst().dropLast().trimmingCharacters(in: .whitespaces)
  var panel = 1
  if let hash = inside.lastIndex(of: "#") {
    guard let number = Int(inside[inside.index(after: hash)...]), number >= 1 else {
      throw captionError("\(written): after # comes the panel number (1, 2, …)")
    }
    panel = number
    inside = String(inside[..<hash]).trimmingCharacters(in: .whitespaces)
  }
  switch inside {
  case "layer": return CaptionPlaceholder(row: nil, value: .layer, panel: panel, written: written)
  case "head": return CaptionPlaceholder(row: nil, value: .head, panel: panel, written: written)
  case "model": return CaptionPlaceholder(row: nil, value: .model, panel: panel, written: written)
  default: break
  }
  let arrow = inside.range(of: "->") ?? inside.range(of: "→")
  guard let arrow else {
    throw captionError(
      "\(written) is not a placeholder; write {ROW->KEY}, {ROW->top}, {ROW->top.weight}, "
        + "{layer}, {head} or {model} (docs/lecture-kit.md), or {{ for a brace")
  }
  let row = inside[..<arrow.lowerBound].trimmingCharacters(in: .whitespaces)
  let key = inside[arrow.upperBound...].trimmingCharacters(in: .whitespaces)
  guard !row.isEmpty, !key.isEmpty else {
    throw captionError("\(written) needs a row token before the arrow and a key after it")
  }
  return CaptionPlaceholder(row: row, value: try keyValue(key), panel: panel, written: written)
}

/// `top`, `top2.weight`, or a key token.
private func keyValue(_ key: String) throws -> CaptionPlaceholder.Value {
  var name = Substring(key)
  let weight = name.hasSuffix(".weight")
  if weight { name = name.dropLast(".weight".count) }
  guard name.hasPrefix("top") else {
    if weight {
      throw captionError(
        "{…->\(key)}: .weight follows top, top2, …; {ROW->KEY} is already a weight")
    }
    return .weight(key: key)
  }
  let digits = name.dropFirst(3)
  if digits.isEmpty { return .top(rank: 1, weight: weight) }
  guard let rank = Int(digits), rank >= 1 else { return .weight(key: key) }
  return .top(rank: rank, weight: weight)
}

private func captionError(_ message: String) -> AttnvizError {
  .usage("caption: \(message)")
}

/// The caption with every placeholder replaced by its run's number or word. `runs` are the
/// entry's panels in order (one for a single figure). Each run is traced once; loaded models
/// are reused (`context`'s `models`, kept by the deck).
public func filledCaption(_ caption: String, runs: [CaptionRun], in context: RunContext) throws
  -> String
{
  let pieces = try captionPieces(caption)
  var selections: [Int: AttentionSelection] = [:]
  var out = ""
  for piece in pieces {
    switch piece {
    case .literal(let text):
      out += text
    case .placeholder(let placeholder):
      guard placeholder.panel <= runs.count else {
        let have = runs.isEmpty ? "draws no attention" : "has \(runs.count) panel(s)"
        throw captionError("\(placeholder.written): this figure \(have)")
      }
      let selection: AttentionSelection
      if let known = selections[placeholder.panel] {
        selection = known
      } else {
        selection = try captionSelection(runs[placeholder.panel - 1], in: context)
        selections[placeholder.panel] = selection
      }
      out += try value(of: placeholder, in: selection)
    }
  }
  return out
}

private func captionSelection(_ run: CaptionRun, in context: RunContext) throws
  -> AttentionSelection
{
  let pieces = try readAndTrace(
    run.text, with: run.model, in: context, progress: SilentProgress())
  let trace = run.mergeSubwords ? mergingSubwords(pieces) : pieces
  return try AttentionSelection(
    trace: trace, layer: run.layer, head: run.head, hideSpecial: run.hideSpecial,
    renormalize: run.renormalize)
}

private func value(of placeholder: CaptionPlaceholder, in selection: AttentionSelection) throws
  -> String
{
  switch placeholder.value {
  case .layer:
    return String(selection.layer + 1)
  case .head:
    guard selection.heads.count == 1 else {
      throw captionError(
        "\(placeholder.written): the figure averages \(selection.heads.count) heads; give head = N"
      )
    }
    return String(selection.heads[0] + 1)
  case .model:
    return displayName(of: selection.trace.model)
  case .weight(let key):
    let row = try resolved(placeholder.row ?? "", placeholder, selection)
    let column = try resolved(key, placeholder, selection)
    let matrix = captionMatrix(selection)
    return formatFixed(matrix[row, column], decimals: 2)
  case .top(let rank, let weight):
    let row = try resolved(placeholder.row ?? "", placeholder, selection)
    guard rank <= selection.positions.count else {
      throw captionError(
        "\(placeholder.written): only \(selection.positions.count) tokens are shown")
    }
    let heads = selection.heads
    let line = callout(
      selection, focus: ResolvedFocus(shownIndex: row), count: rank, heads: heads)
    let key = line.keys[rank - 1]
    return weight ? formatFixed(key.weight, decimals: 2) : key.label
  }
}

/// The matrix the figure draws: its one head, or the average of the layer's heads.
private func captionMatrix(_ selection: AttentionSelection) -> Matrix {
  selection.heads.count == 1
    ? selection.matrix(head: selection.heads[0]).matrix : selection.averageMatrix().matrix
}

private func resolved(
  _ token: String, _ placeholder: CaptionPlaceholder, _ selection: AttentionSelection
) throws -> Int {
  do {
    return try resolveFocus(token, selection: selection).shownIndex
  } catch let error as AttnvizError {
    let reason = error.description.replacingOccurrences(of: "--focus ", with: "")
    throw captionError("\(placeholder.written): \(reason)")
  }
}

extension VisualizeOptions {
  /// The run a caption of this job's figures reads its numbers from.
  public var captionRuns: [CaptionRun] {
    [
      CaptionRun(
        text: text, model: model, layer: layer, head: head, hideSpecial: hideSpecialTokens,
        mergeSubwords: mergeSubwords, renormalize: renormalizeShown)
    ]
  }
}

extension CompareOptions {
  /// One run per panel, in the figure's order (`{…#2}` is the second panel).
  public func captionRuns() throws -> [CaptionRun] {
    try comparePanels(self).map {
      CaptionRun(
        text: .arguments([$0.text]), model: $0.model, layer: $0.layer, head: $0.head,
        hideSpecial: hideSpecialTokens)
    }
  }
}
