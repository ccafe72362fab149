import ArgumentParser
import AttnvizKit
import AttnvizStyle
import AttnvizTerminal
import Foundation

/// The main job: `attnviz "sentence"`.
struct Show: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "show",
    abstract: "Print attention tables and write figures and JSON (the default command).")

  @OptionGroup var input: TextInputGroup

  @OptionGroup(title: "Model") var model: ModelOptions

  @Option(
    help: ArgumentHelp(
      "Views to draw, comma-separated (default: heatmap, heads, lines; for multi-layer models heads, lines, model, and the heatmap of --head).",
      valueName: "list"))
  var view: [CommaSeparated<ViewKind>] = []

  @Option(help: "Layer to show, 1-based (default: the last).")
  var layer: Int?

  @Option(help: "Head to show, 1-based (default: every head).")
  var head: Int?

  @Flag(help: "Tables per head for multi-layer models (default there: the average of the heads).")
  var perHead = false

  @Flag(
    help: "Drop [CLS]/[SEP] and similar special tokens from tables and figures (JSON keeps them).")
  var hideSpecial = false

  @Flag(
    help:
      "With --hide-special: divide each shown row by its sum over the shown tokens, so rows sum to 1 again (the subtitle says so)."
  )
  var renormalize = false

  @Flag(
    help:
      "Word-level attention for subword models: to a word = sum over its pieces, from a word = mean (attention-words.json beside attention.json)."
  )
  var mergeSubwords = false

  @Option(
    help: ArgumentHelp(
      "Mark this query token's strongest key on the heatmap, heads and lines views, and draw only its lines (--view rnn needs it): a token as shown, WORD@K for its K-th occurrence, @N for the N-th token.",
      valueName: "token"))
  var focus: String?

  @Option(
    help: ArgumentHelp(
      "With --focus: a line under its figures and tables naming the focused token's K strongest keys (1-20).",
      valueName: "K"))
  var callout: Int?

  @Option(
    help: ArgumentHelp(
      "Rollout view: the first layer multiplied, 1-based (default: 1).", valueName: "layer"))
  var rolloutFrom: Int?

  @Option(
    help: ArgumentHelp(
      "Print each query's K strongest keys instead of the table (default for texts over 100 tokens: 3).",
      valueName: "K"))
  var top: Int?

  @Option(
    help: ArgumentHelp(
      "Decimals of the numbers in the JSON files, 1-17 (default: shortest exact form).",
      valueName: "N"))
  var jsonPrecision: Int?

  @OptionGroup(title: "Predictions (decoders)") var prediction: PredictionOptionGroup

  @OptionGroup(title: "Chat (decoders)") var chat: ChatOptionGroup

  @OptionGroup(title: "Credit and ablation (decoders)") var attribution: AttributionOptionGroup

  @OptionGroup(title: "Figures") var figure: FigureOptionGroup

  @OptionGroup(title: "Output") var output: OutputOptionGroup<ShowFiles>

  func validate() throws {
    try countsFromOne("--layer", layer)
    if renormalize && !hideSpecial {
      throw ValidationError(
        "--renormalize rescales the rows over the tokens --hide-special leaves; add --hide-special")
    }
    try countsFromOne("--head", head)
    if let callout {
      guard focus != nil else {
        throw ValidationError("--callout names the keys of the --focus token; add --focus WORD")
      }
      guard (1...20).contains(callout) else {
        throw ValidationError("--callout must be between 1 and 20, not \(callout)")
      }
    }
    try countsFromOne("--rollout-from", rolloutFrom)
    if let top, !(1...100).contains(top) {
      throw ValidationError("--top must be between 1 and 100, not \(top)")
    }
    if let jsonPrecision, !(1...17).contains(jsonPrecision) {
      throw ValidationError("--json-precision must be between 1 and 17, not \(jsonPrecision)")
    }
  }

  func run(in context: RunContext) throws {
    let report = try visualize(
      VisualizeOptions(from: self, in: context),
      progress: ProgressReporter.standardError(quiet: output.quiet))
    emit(report, quiet: output.quiet)
  }
}

extension VisualizeOptions {
  /// The main job's options from its command line: the one place `show`'s flags are read.
  init(from show: Show, in context: RunContext) throws {
    self.init(text: try show.input.source())
    self.context = context
    model = show.model.choice
    outputFolder = show.output.folder
    // With --json, standard output carries the data (`attnviz --json … | jq`): no files unless
    // --format or --out asks for them.
    formats =
      show.output.json && show.output.files.format.isEmpty && show.output.files.out == nil
      ? [] : show.output.formats(preset: show.figure.preset)
    let views = CommaSeparated.values(show.view)
    self.views = views.isEmpty ? nil : views
    layer = show.layer
    head = show.head
    hideSpecialTokens = show.hideSpecial
    renormalizeShown = show.renormalize
    mergeSubwords = show.mergeSubwords
    rolloutFrom = show.rolloutFrom
    top = show.top
    jsonPrecision = show.jsonPrecision
    candidates = show.prediction.candidates
    chat = show.chat.options
    show.figure.apply(to: &figure, in: context)
    show.attribution.apply(to: &attribution)
    figure.focus = show.focus
    figure.calloutCount = show.callout
    display = show.output.display
    display.jsonToStandardOutput = show.output.json
    display.perHead = show.perHead
  }
}

/// Writes a report: the tables or JSON to stdout, the written paths and notes to stderr.
func emit(_ report: RunReport, quiet: Bool) {
  FileHandle.standardOutput.write(Data(report.standardOutput.utf8))
  guard !quiet else { return }
  // Paths and notes can hold what the user typed (`--out $'\e]0;x\a'`): one line each, no
  // control characters.
  let lines = (report.notes + report.writtenFiles).map(oneLine)
  if !lines.isEmpty {
    FileHandle.standardError.write(Data((lines.joined(separator: "\n") + "\n").utf8))
  }
}
