import AttnvizKit
import AttnvizMath
import AttnvizModel
import AttnvizViews

/// The steps of the walk-through through one Transformer block, in the order the lecture tells
/// them: the self-attention, then the rest of the block.
enum ExplainStepKind: CaseIterable, Sendable {
  case tokens
  case embeddings
  case positionalEncoding
  case projections
  /// Rotary models only: Q and K turned by their positions (RoPE).
  case rotation
  case scores
  /// Causal (decoder) layers only.
  case causalMask
  case weights
  case output
  /// The residual connection: X + attention output. Models with a feed-forward network only
  /// (not a weights file), as the three after it.
  case residual
  /// LayerNorm or RMSNorm, as the model uses.
  case norm
  case feedForward
  case blockOutput
  /// Translators only: one decoder step's first sub-block, the recurrent unit (SSRU) or masked
  /// self-attention over the translation so far.
  case decoderStep
  /// Translators only: that step's query against the encoder's keys.
  case crossAttention
  /// Decoders with their head only: the stream leaving the last block, the final norm, the LM
  /// head and the most probable next tokens.
  case nextToken

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
    case .residual: "residual"
    case .norm: "norm"
    case .feedForward: "feed-forward"
    case .blockOutput: "block-output"
    case .decoderStep: "decoder-step"
    case .crossAttention: "cross-attention"
    case .nextToken: "next-token"
    }
  }

  /// The steps after the attention, which a model without a feed-forward network lacks.
  var isBlock: Bool {
    [.residual, .norm, .feedForward, .blockOutput, .decoderStep, .crossAttention, .nextToken]
      .contains(self)
  }

  /// The steps of a translator's decoder, which only encoder–decoders have.
  var isDecoderStep: Bool { self == .decoderStep || self == .crossAttention }
}

/// The step numbers of a model, 1…N without gaps: the steps a model does not have (the
/// rotation on a model that adds position to X, the causal mask on a bidirectional layer, the
/// block after attention on a weights file) are left out of the count, not skipped.
///
/// - Bidirectional (the built-in layer, BERT): 1–11; the attention output is 7.
/// - Causal, position added to X (`--causal`): 1–12, 6 the mask; GPT-2, which predicts, goes on
///   to 13, the next token.
/// - Rotary decoders (Llama family: SmolLM2, Qwen, Gemma): 1–14, 5 the rotation, 7 the mask,
///   14 the next token.
/// - A weights file (attention only): 1–7, or 1–8 when causal.
/// - Translators (encoder–decoders): the encoder layer 1–11, then one decoder step: 12 its
///   recurrent unit or masked self-attention, 13 cross-attention, 14 the next token.
struct StepNumbering: Equatable, Sendable {
  let rotary: Bool
  let causal: Bool
  let block: Bool
  /// The model has a next-token head: the walk ends with the next token.
  let predicts: Bool
  /// An encoder–decoder: the encoder layer, then one decoder step.
  let translator: Bool

  init(
    rotary: Bool, causal: Bool = false, block: Bool = true, predicts: Bool = false,
    translator: Bool = false
  ) {
    self.rotary = rotary
    self.causal = causal
    self.block = block
    self.translator = translator && block
    self.predicts = (predicts || translator) && block
  }

  init(model: ModelInfo) {
    self.init(
      rotary: model.hasRotaryPositions, causal: model.causal, block: model.hasFeedForward,
      predicts: model.predictsNextToken, translator: model.family == .marian)
  }

  /// The kinds in lecture order, each with its number.
  var kinds: [ExplainStepKind] {
    ExplainStepKind.allCases.filter {
      (rotary || $0 != .rotation) && (causal || $0 != .causalMask) && (block || !$0.isBlock)
        && (predicts || $0 != .nextToken) && (translator || !$0.isDecoderStep)
    }
  }

  func number(_ kind: ExplainStepKind) -> Int {
    (kinds.firstIndex(of: kind) ?? 0) + 1
  }

  func kind(_ number: Int) -> ExplainStepKind? {
    kinds.indices.contains(number - 1) ? kinds[number - 1] : nil
  }

  var last: Int { kinds.count }

  /// "1–11 (7 the attention output)", for messages.
  var range: String {
    var marks: [String] = []
    if rotary { marks.append("\(number(.rotation)) the rotation of Q and K") }
    if causal { marks.append("\(number(.causalMask)) the causal mask") }
    marks.append("\(number(.output)) the attention output")
    if block { marks.append("\(number(.feedForward)) the feed-forward network") }
    if translator {
      marks.append("\(number(.decoderStep)) a decoder step")
      marks.append("\(number(.crossAttention)) cross-attention")
    }
    if predicts { marks.append("\(number(.nextToken)) the next token") }
    return "1–\(last) (" + marks.joined(separator: ", ") + ")"
  }

  /// What every number means, for help and errors about a model not yet loaded.
  static let summary = explainStepSummary
  /// The largest step number of any model.
  static let largest = explainLargestStep
}

/// The steps of every kind of model, for the command line's check before a model is loaded.
public let explainStepSummary =
  "1–11 on a bidirectional layer, 1–12 on a causal one (6 the mask), 1–13 on GPT-2 (13 the "
  + "next token), 1–14 on a rotary decoder (Llama family; 5 the rotation, 14 the next token) "
  + "and on a translator (the encoder 1–11, 12 a decoder step, 13 cross-attention, 14 the next "
  + "token); a weights file stops at the attention output (7, or 8 causal)"
/// The largest step number of any model (a rotary decoder's next token).
public let explainLargestStep = 14

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
  /// The row axis title when the rows are not tokens (a translator's decoder step).
  var rowTitle: String? = nil
  /// The colour bar's label of a 0…1 matrix that is not attention weights (a gate).
  var unitScaleLabel: String? = nil
  /// Drawn as horizontal probability bars (a one-column matrix of probabilities, one row per
  /// token), after this context line: the last tokens read.
  var barsContext: [String]? = nil
  /// `--chat`: the role bars over the token columns (`columnsAreTokens` only).
  var segments: [ColumnSegment] = []
  /// `--chat`: the role bars beside the rows of a token × dimension table.
  var rowSegments: [ColumnSegment] = []

  /// Whether the rows are the text's tokens (`labels`, as the steps label them) and the
  /// columns are not: embeddings, Q, K, V, the outputs, the block's matrices.
  func rowsAreTokens(_ labels: [String]) -> Bool {
    !columnsAreTokens && chart == nil && barsContext == nil && rowTitle == nil
      && matrix.rowLabels == labels
  }
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
  /// The step's panels grouped into figures, each group one figure (its part of the step);
  /// empty: all in one figure, split automatically only when they do not fit a slide.
  var parts: [[Int]] = []
  /// `--chat`: the role bars over the boxes of the tokens step.
  var segments: [ColumnSegment] = []

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
