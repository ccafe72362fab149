import AttnvizKit
import AttnvizMath

/// The steps of the self-attention walk-through, in the order the lecture tells them. The numbers
/// are fixed: step 6 (the causal mask) exists only for a causal layer, and without it the list
/// goes 5 → 7, so a file name such as `step-07-weights.png` always means the same step.
enum ExplainStepKind: Int, CaseIterable, Sendable {
  case tokens = 1
  case embeddings
  case positionalEncoding
  case projections
  case scores
  case causalMask
  case weights
  case output

  var number: Int { rawValue }

  /// Fixed part of the file names, never derived from the input.
  var slug: String {
    switch self {
    case .tokens: "tokens"
    case .embeddings: "embeddings"
    case .positionalEncoding: "positional-encoding"
    case .projections: "qkv"
    case .scores: "scores"
    case .causalMask: "causal-mask"
    case .weights: "weights"
    case .output: "output"
    }
  }

  /// `step-05-scores`: the stem of the step's figure files.
  var fileStem: String {
    let number = rawValue < 10 ? "0\(rawValue)" : "\(rawValue)"
    return "step-\(number)-\(slug)"
  }
}

/// One matrix of a step, with the title its table and figure panel carry.
struct ExplainTable: Equatable, Sendable {
  var title: String
  var matrix: LabeledMatrix
  /// True when columns are keys (tokens); false when they are dimensions (d0, d1, …).
  var columnsAreTokens = false
  /// What was left out ("first 16 of 384 columns"), for a figure panel's second line.
  var note: String? = nil
}

/// One step: what it is called, a caption of one to three short lines, and its matrices (none
/// for the tokens step, which shows `tokens`).
struct ExplainStep: Equatable, Sendable {
  var kind: ExplainStepKind
  var title: String
  var caption: [String]
  var tables: [ExplainTable]
  var tokens: [String] = []

  var number: Int { kind.number }
  var heading: String { "Step \(kind.number) · \(title)" }
}

/// Terminal, Markdown and HTML tables show at most this many dimension columns: 384 columns of
/// MiniLM would be a wall of numbers. Token columns are never cut; figures always show all.
let explainTableColumnLimit = 16

extension ExplainTable {
  /// The table as printed: dimension columns cut to `limit`, the title saying so.
  func shown(limit: Int = explainTableColumnLimit) -> ExplainTable {
    var table = firstColumns(limit)
    if let note = table.note {
      table.title += " · " + note
      table.note = nil
    }
    return table
  }

  /// Only the first `limit` dimension columns, the title kept and `note` saying what was cut.
  func firstColumns(_ limit: Int) -> ExplainTable {
    let columns = matrix.matrix.columns
    guard !columnsAreTokens, columns > limit else { return self }
    var cut = matrix
    cut.matrix = matrix.matrix.columns(0..<limit)
    cut.columnLabels = matrix.columnLabels.map { Array($0.prefix(limit)) }
    return ExplainTable(
      title: title, matrix: cut, note: "first \(limit) of \(columns) columns")
  }
}
