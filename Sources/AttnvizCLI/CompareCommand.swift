import ArgumentParser
import AttnvizKit
import AttnvizTerminal
import Foundation

/// `attnviz compare`: two or more runs side by side on one colour scale.
struct CompareCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "compare",
    abstract:
      "Put runs side by side on one colour scale: texts, models, layers, heads, causal or not.",
    discussion: """
      Every combination of the texts, --model, --layer and --head given is one panel (2-8);
      --ablate runs each on a decoder twice, without and with those heads switched off:
      each text argument is a whole text (quote it). Panels whose tokens differ name their
      tokenizer. The figure is compare.png in --out.
      Examples:
        attnviz compare "The animal didn't cross the street because it was too tired." \\
          "The animal didn't cross the street because it was too wide." --model all-MiniLM-L6-v2 --layer 4 --head 2
        attnviz compare --versus-causal "The cat sat on the mat."
        attnviz compare --model builtin --model all-MiniLM-L6-v2 "The cat sat on the mat."
        attnviz compare --model SmolLM2-135M-Instruct --ablate 14.9 --layer 20 \\
          "The animal didn't cross the street because it was too tired."
      """)

  @Argument(help: ArgumentHelp("Texts, one per argument (quote each).", valueName: "text"))
  var texts: [String] = []

  @Option(
    name: .customLong("model"),
    help: ArgumentHelp(
      "A model per panel (repeatable): a --model name or folder, or builtin for the built-in layer.",
      valueName: "name"))
  var models: [String] = []

  @Option(
    name: .customLong("layer"), help: "A layer per panel (repeatable, 1-based; default: the last).")
  var layers: [Int] = []

  @Option(
    name: .customLong("head"),
    help: "A head per panel (repeatable, 1-based; default: the average of the heads).")
  var heads: [Int] = []

  @Flag(help: "Each model without and with the causal mask (built-in layer and weights files).")
  var versusCausal = false

  @Flag(help: "Drop [CLS]/[SEP] and similar special tokens.")
  var hideSpecial = false

  @Flag(
    help:
      "With --hide-special: divide each shown row by its sum over the shown tokens, so rows sum to 1 again (each panel's subtitle says so)."
  )
  var renormalize = false

  @OptionGroup(title: "Ablation (decoders): each panel without and with the heads off")
  var attribution: AttributionOptionGroup

  @OptionGroup(title: "Chat (decoders)") var chat: ChatOptionGroup

  @OptionGroup(title: "Figures") var figure: FigureOptionGroup

  @OptionGroup(title: "Output") var output: OutputOptionGroup<CompareFiles>

  func validate() throws {
    try countsFromOne("--layer", layers.first(where: { $0 < 1 }))
    try countsFromOne("--head", heads.first(where: { $0 < 1 }))
    if renormalize && !hideSpecial {
      throw ValidationError(
        "--renormalize rescales the rows over the tokens --hide-special leaves; add --hide-special")
    }
    for format in output.formats where ![.png, .svg].contains(format) {
      throw ValidationError("compare writes png and svg, not \(format.rawValue)")
    }
  }

  /// The job's options from the command line.
  func options(in context: RunContext) -> CompareOptions {
    var options = CompareOptions(texts: texts)
    options.context = context
    options.models =
      models.isEmpty
      ? [.defaultBuiltin]
      : models.map {
        $0 == "builtin" ? .defaultBuiltin : .pretrained(nameOrPath: $0, truncate: false)
      }
    options.layers = layers
    options.heads = heads
    options.versusCausal = versusCausal
    options.hideSpecialTokens = hideSpecial
    options.renormalizeShown = renormalize
    attribution.apply(to: &options.attribution)
    options.chat = chat.options
    options.outputFolder = output.folder
    options.formats = output.formats
    figure.apply(to: &options.figure, in: context)
    options.display = output.display
    return options
  }

  func run(in context: RunContext) throws {
    let report = try compare(
      options(in: context), progress: ProgressReporter.standardError(quiet: output.quiet))
    emit(report, quiet: output.quiet)
  }
}

/// compare's files: the side-by-side figure.
enum CompareFiles: OutputFiles {
  static let formatHelp = "Files to write, comma-separated: png, svg (default: png)."
  static let defaultFormats: [OutputFormat] = [.png]
}
