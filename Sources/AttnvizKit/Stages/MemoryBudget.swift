import AttnvizFiles
import AttnvizModel
import Foundation

/// The one policy for memory and output size (docs/robustness.md, "Memory and output size"):
///
/// - Before a model runs, the peak memory of the whole run is estimated from the token count,
///   layers, heads, d_model, the views and the formats. Over the budget (2 GiB by default,
///   `ATTNVIZ_MEMORY_BUDGET` to change it: `4G`, `512M`, a byte count) the run is refused with
///   one line giving the estimate and the options that make it smaller.
/// - Files are written whatever their size (large JSON and SVG as a stream); each file over
///   `largeOutputBytes`, and the other files when together over it, get a one-line note on
///   standard error with the size and how to limit it.
///
/// The estimate is deliberately on the high side: its terms are the sizes of the matrices and
/// figure elements the run holds at once, with per-element costs measured on this code (see
/// Tests/AttnvizKitTests/MemoryBudgetTests.swift for the measured cases).
public struct MemoryBudget: Equatable, Sendable {
  public static let defaultBytes = 2 << 30
  public static let environmentVariable = "ATTNVIZ_MEMORY_BUDGET"
  /// Files larger than this (or a set of files larger together) get a note saying so: past
  /// it a figure is slow to open and project, and a folder slow to mail.
  public static let largeOutputBytes = 16 << 20

  public var bytes: Int

  public init(bytes: Int = defaultBytes) {
    self.bytes = bytes
  }

  /// The budget from `ATTNVIZ_MEMORY_BUDGET`, or the default.
  public static func fromEnvironment(_ environment: [String: String]) throws -> MemoryBudget {
    guard let text = environment[environmentVariable], !text.isEmpty else { return MemoryBudget() }
    guard let bytes = parseByteCount(text), bytes > 0 else {
      throw AttnvizError.usage(
        "\(environmentVariable)=\(text) is not a size; write e.g. 4G, 512M or 1073741824")
    }
    return MemoryBudget(bytes: bytes)
  }

  /// "4G", "1.5g", "512M", "64k", "1073741824" (G, M, K are powers of 1024).
  static func parseByteCount(_ text: String) -> Int? {
    let trimmed = text.trimmingCharacters(in: .whitespaces).uppercased()
      .replacingOccurrences(of: "IB", with: "").replacingOccurrences(of: "B", with: "")
    let units: [Character: Double] = ["K": 1024, "M": 1024 * 1024, "G": 1024 * 1024 * 1024]
    var number = trimmed
    var factor = 1.0
    if let last = trimmed.last, let unit = units[last] {
      factor = unit
      number = String(trimmed.dropLast())
    }
    guard let value = Double(number), value.isFinite, value >= 0 else { return nil }
    let bytes = value * factor
    return bytes < 9e18 ? Int(bytes) : nil
  }

  /// Refuses a run whose estimate is over the budget.
  func check(_ estimate: MemoryEstimate) throws {
    guard estimate.bytes > bytes else { return }
    throw AttnvizError.failure(
      "this run would need about \(approximate(estimate.bytes)) of memory (\(estimate.cause)), "
        + "over the \(approximate(bytes)) budget; \(estimate.advice), or raise "
        + "\(Self.environmentVariable) (e.g. \(Self.environmentVariable)=8G)")
  }
}

/// A run's estimated peak memory, what drives it and how to make it smaller.
package struct MemoryEstimate: Equatable {
  var bytes: Int
  /// "64 heads × 600² token pairs".
  var cause: String
  /// "give --head N or fewer --heads, or a shorter text".
  var advice: String
}

/// The quantities an estimate is made of.
package struct RunShape {
  var tokens: Int
  var model: ModelInfo

  var pairs: Double { Double(tokens) * Double(tokens) }
  var cause: String {
    let layers = model.layers == 1 ? "" : "\(model.layers) layers × "
    return "\(layers)\(model.heads) heads × \(tokens)² token pairs"
  }

  /// The model's trace: every layer's weights and the first layer's scores twice more (raw and
  /// scaled), plus the model's own parameters. The built-in layer keeps no scores past
  /// `EmbeddedModel.maximumTokensWithSteps`; it computes one head's scores at a time.
  var traceBytes: Double {
    let h = Double(model.heads)
    let c = Double(model.dModel)
    let keepsScores =
      model.family != .builtin || tokens <= EmbeddedModel.maximumTokensWithSteps
    let weights =
      keepsScores
      ? 8 * pairs * h * Double(model.layers + 2) : 8 * pairs * (h * Double(model.layers) + 1)
    let vectors = 8 * Double(tokens) * c * 16
    // The engine converts one layer's parameters at a time.
    return weights + vectors + 8 * 12 * c * c + Double(model.checkpointBytes)
  }
}

/// Bytes per element the figures and files hold, measured (max RSS, /usr/bin/time): a heatmap
/// cell is a scene item of ~100 bytes; a JSON number ~24 bytes of text.
enum ElementCost {
  static let sceneItem = 110.0
  static let jsonNumber = 24.0
  static let tableCell = 40.0
  /// The fixed part: the binary, the fonts, the tokenizer (44 MB measured for a JSON-only run).
  static let base = 64.0 * 1024 * 1024
  /// PNG canvases being drawn and encoded at once, one per core.
  static let canvases = 128.0 * 1024 * 1024
  /// The most cells a heatmap draws: past `FigureStyle.maxGridSize` (1000) cells a side, long
  /// texts are pooled into blocks of tokens (a 4,096-token heatmap has about 670,000 cells).
  static let heatmapCells = 1_000_000.0
  /// Panels of several matrices (the heads view, rollout beside the raw average) share a
  /// 1200 × 800 slide with cells of at least 2 px: at most 240,000 cells in all.
  static let panelCells = 240_000.0
  /// The lines view draws weights of 0.01 and more: at most 100 per query.
  static let linesPerQuery = 100.0
}

/// The main job's estimate.
func visualizeEstimate(_ shape: RunShape, options: VisualizeOptions) -> MemoryEstimate {
  let heads = Double(options.head == nil ? shape.model.heads : 1)
  let pairs = shape.pairs
  var bytes = ElementCost.base + shape.traceBytes
  let figures = options.formats.contains(.png) || options.formats.contains(.svg)
  if options.formats.contains(.png) { bytes += ElementCost.canvases }
  if figures {
    let views = options.views ?? [.heatmap, .heads, .lines, .model]
    // Every view bounds what it draws: heatmaps pool long texts into blocks, the lines view
    // draws only weights of 0.01 and more.
    let cells = min(pairs, ElementCost.heatmapCells)
    if views.contains(.heatmap) { bytes += ElementCost.sceneItem * cells * heads }
    if views.contains(.lines) {
      let lines = min(pairs, ElementCost.linesPerQuery * Double(shape.tokens))
      bytes += ElementCost.sceneItem * lines * heads
    }
    // Rollout holds two T×T Float32 buffers (R and the layer it multiplies), then R as a
    // Double beside the Float32 one, then R and the raw last-layer average as Doubles: at most
    // 16 bytes a token pair at once; and the two panels.
    if views.contains(.rollout) {
      bytes += 16 * pairs + ElementCost.sceneItem * min(2 * pairs, ElementCost.panelCells)
    }
    // Contribution: the averaged weights, the summed contributions and their shares (and a
    // head's matrix at a time for contribution.json) as Doubles, and two panels.
    if views.contains(.contribution) {
      bytes += 32 * pairs + ElementCost.sceneItem * min(2 * pairs, ElementCost.panelCells)
    }
    // The ablation sweep keeps every layer's weights as Float32 (≈ 12·C² per layer).
    if views.contains(.ablation) {
      let c = Double(shape.model.dModel)
      bytes += 4 * 12 * c * c * Double(shape.model.layers)
    }
    if views.contains(.heads) {
      let all = pairs * Double(shape.model.heads)
      bytes += ElementCost.sceneItem * min(all, ElementCost.panelCells)
    }
    if views.contains(.model) {
      bytes +=
        ElementCost.sceneItem * min(pairs, 64 * 64)
        * Double(shape.model.heads * shape.model.layers)
    }
  }
  if options.display.jsonToStandardOutput {
    bytes += 2 * ElementCost.jsonNumber * pairs * Double(shape.model.heads * shape.model.layers)
  }
  if options.formats.contains(.html) {
    // attention.html keeps at most PageBudget.numberLimit weights, as text and as the page.
    let numbers = min(pairs * Double(shape.model.heads * shape.model.layers), 8_000_000)
    bytes += 3 * ElementCost.jsonNumber * numbers
  }
  let tableFormats = [OutputFormat.txt, .md, .csv].filter(options.formats.contains).count
  bytes += ElementCost.tableCell * pairs * heads * Double(tableFormats)
  let fewer = "fewer formats or views (--format json, --view heads), or a shorter text"
  let advice =
    shape.model.heads > 1 && options.head == nil
    ? "choose one head (--head N), \(fewer)" : "choose \(fewer)"
  return MemoryEstimate(bytes: clamp(bytes), cause: shape.cause, advice: advice)
}

/// `explain`'s estimate: one head of the first layer, every step's tables and figures.
/// `formats` are `ExplainFormat` raw values ("png", "svg", "md", "html", "txt").
package func explainEstimate(_ shape: RunShape, formats: [String]) -> MemoryEstimate {
  let pairs = shape.pairs
  var bytes = ElementCost.base + shape.traceBytes
  // The T×T tables (raw and scaled scores, mask, weights; a rotary model's rotation step has
  // Q·Kᵀ before and after too), each held as numbers and as text.
  let squares = shape.model.hasRotaryPositions ? 6.0 : 4.0
  bytes += squares * pairs * (8 + ElementCost.tableCell)
  let figures = !Set(formats).isDisjoint(with: ["png", "svg", "html", "md"])
  if figures { bytes += squares * pairs * ElementCost.sceneItem + ElementCost.canvases }
  // The page holds each step's SVG text, about 100 bytes a cell.
  if formats.contains("html") { bytes += squares * pairs * 100 }
  if formats.contains("md") { bytes += squares * pairs * ElementCost.tableCell }
  return MemoryEstimate(
    bytes: clamp(bytes), cause: shape.cause,
    advice: "give a shorter text, or fewer formats (--format png)")
}

/// `compare`'s estimate, checked for each panel as if every panel were this one: its trace and
/// one heatmap a panel.
func compareEstimate(_ shape: RunShape, panels: Int) -> MemoryEstimate {
  let perPanel = shape.traceBytes + ElementCost.sceneItem * shape.pairs
  return MemoryEstimate(
    bytes: clamp(ElementCost.base + ElementCost.canvases + Double(panels) * perPanel),
    cause: "\(panels) panels of \(shape.cause)",
    advice: "compare fewer or shorter texts")
}

private func clamp(_ bytes: Double) -> Int {
  bytes < 9e18 ? Int(bytes) : Int.max
}

/// "3.4 GiB", "512 MiB".
func approximate(_ bytes: Int) -> String {
  let value = Double(bytes)
  if value >= 1_073_741_824 { return String(format: "%.1f GiB", value / 1_073_741_824) }
  if value >= 1_048_576 { return String(format: "%.0f MiB", value / 1_048_576) }
  return byteCount(bytes)
}

/// One note per written file over `MemoryBudget.largeOutputBytes`, and one for the rest of the
/// set when, though each file is smaller, together they are over it (a dozen 30 MB SVGs). The
/// format's own remedy comes first: fewer digits for JSON, PNG for SVG.
package func largeOutputNotes(_ written: [(path: String, size: Int)], advice: String) -> [String] {
  let limit = MemoryBudget.largeOutputBytes
  func remedy(_ paths: [String]) -> String {
    var first: [String] = []
    if paths.contains(where: { $0.hasSuffix(".json") }) { first.append("--json-precision 3") }
    if paths.contains(where: { $0.hasSuffix(".svg") }) { first.append("--format png") }
    return first.isEmpty ? advice : first.joined(separator: ", ") + ", " + advice
  }
  let large = written.filter { $0.size > limit }
  var notes = large.map { "note: \($0.path) is \(approximate($0.size)); \(remedy([$0.path]))" }
  let rest = written.filter { $0.size <= limit }
  let restTotal = rest.reduce(0) { $0 + $1.size }
  if restTotal > limit, let largest = rest.max(by: { $0.size < $1.size }) {
    let others = large.isEmpty ? "" : "other "
    notes.append(
      "note: the \(rest.count) \(others)files written total \(approximate(restTotal)) (the "
        + "largest \(largest.path), \(approximate(largest.size))); \(remedy(rest.map(\.path)))")
  }
  return notes
}
