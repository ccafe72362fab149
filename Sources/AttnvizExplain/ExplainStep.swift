import AttnvizKit
import AttnvizMath
import AttnvizModel

/// The steps of the self-attention walk-through, in the order the lecture tells them.
enum ExplainStepKind: CaseIterable, Sendable {
  case tokens
  case embeddings
  case positionalEncoding
  case projections
  /// Rotary models only: Q and K turned by their positions (RoPE).
  case rotation
  case scores
  case causalMask
  case weights
  case output

  /// Fixed part of the file names, never derived from the input.
  var slug: String {
    switch self {
    case .tokens: "tokens"
    case .embeddings: "embeddings"
    case .positionalEncoding: "positional-encoding"
    case .projections: "qkv"
    case .rotation: "rotation"
    case .scores: "scores"
    case .causalMask: "causal-mask"
    case .weights: "weights"
    case .output: "output"
    }
  }
}

/// The step numbers, fixed for each kind of model so that a number (`--step N`, a file such as
/// `step-07-weights.png`) always means the same step of that model:
///
/// - Layers that add position to X (the built-in layer, weights files, BERT, GPT-2): 1–8. Step 6
///   (the causal mask) exists only for a causal layer; without it the list goes 5 → 7.
/// - Rotary models (Llama family: SmolLM2, Mistral, Qwen): 1–9. Position enters after the
///   projections, so step 5 is the rotation and scores, mask, weights and output are 6–9.
struct StepNumbering: Equatable, Sendable {
  let rotary: Bool

  init(rotary: Bool) {
    self.rotary = rotary
  }

  init(model: ModelInfo) {
    rotary = model.hasRotaryPositions
  }

  /// The kinds in lecture order, each with its number.
  var kinds: [ExplainStepKind] {
    ExplainStepKind.allCases.filter { rotary || $0 != .rotation }
  }

  func number(_ kind: ExplainStepKind) -> Int {
    (kinds.firstIndex(of: kind) ?? 0) + 1
  }

  func kind(_ number: Int) -> ExplainStepKind? {
    kinds.indices.contains(number - 1) ? kinds[number - 1] : nil
  }

  var last: Int { kinds.count }

  /// "1–8 (6 only with --causal)" or "1–9 (5 is the rotation)", for messages.
  var range: String {
    rotary
      ? "1–\(last) (5 is the rotation of Q and K)"
      : "1–\(last) (\(number(.causalMask)) only with --causal)"
  }

  /// What every number means, for help and errors about a model not yet loaded.
  static let summary = explainStepSummary
  /// The largest step number of any model.
  static let largest = explainLargestStep
}

/// The steps of every kind of model, for the command line's check before a model is loaded.
public let explainStepSummary =
  "1–8 (6 only with --causal); 1–9 on a rotary model (Llama family), whose step 5 is the rotation"
/// The largest step number of any model (a rotary model's output step).
public let explainLargestStep = 9

/// One matrix of a step, with the title its table and figure panel carry.
struct ExplainTable: Equatable, Sendable {
  var title: String
  var matrix: LabeledMatrix
  /// True when columns are keys (tokens); false when they are dimensions (d0, d1, …).
  var columnsAreTokens = false
  /// What was left out ("first 16 of 384 columns"), for a figure panel's second line.
  var note: String? = nil
  /// Tables with the same key share one colour scale in the figure (before and after a step).
  var scale: String? = nil
  /// Drawn as a line over its columns (a one-row series) rather than as a heatmap.
  var chart: LineChartAxes? = nil
  /// The figure's column axis title when the columns are not plain dimensions.
  var columnTitle: String? = nil
}

/// The axis titles of a table drawn as a line chart; x is the column number.
struct LineChartAxes: Equatable, Sendable {
  var x: String
  var y: String
}

/// One step: what it is called, a caption of one to three short lines, and its matrices (none
/// for the tokens step, which shows `tokens`).
struct ExplainStep: Equatable, Sendable {
  var kind: ExplainStepKind
  /// The step's number in its model's `StepNumbering`.
  var number: Int
  var title: String
  var caption: [String]
  var tables: [ExplainTable]
  var tokens: [String] = []
  /// How many panels each row of the figure holds; empty: one row, or one column when a row
  /// would be too wide.
  var panelRows: [Int] = []
  /// The panels a slide of the deck shows, in one row, when all of them could not be read at
  /// the caption's size; empty: all. The figure files and the slide's tables keep every one.
  var slidePanels: [Int] = []

  var heading: String { "Step \(number) · \(title)" }

  /// `step-05-scores`: the stem of the step's figure files.
  var fileStem: String {
    "step-\(number < 10 ? "0" : "")\(number)-\(kind.slug)"
  }
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
    var cut = self
    cut.matrix.matrix = matrix.matrix.columns(0..<limit)
    cut.matrix.columnLabels = matrix.columnLabels.map { Array($0.prefix(limit)) }
    cut.note = "first \(limit) of \(columns) columns"
    return cut
  }
}
