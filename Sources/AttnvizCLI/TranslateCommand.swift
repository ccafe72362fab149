import ArgumentParser
import AttnvizKit
import AttnvizTerminal

/// `attnviz translate`: the Transformer's own task, with a real translator's cross-attention.
struct TranslateCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "translate",
    abstract:
      "Translate a sentence with an encoder–decoder and draw its cross-attention and alignment.",
    discussion: """
      Runs a Marian translator (the Firefox Translations models `make model` installs: \
      firefox-en-pt, English→Portuguese, the default, and firefox-pt-en) greedily to </s>, \
      prints the translation and, for each generated token, the source token it read most, \
      and writes: cross-attention-layerN.png (generated × source tokens, the heads' average), \
      cross-attention-heads-layerN.png (each head), alignment-layerN.png (the source above, \
      the translation below, lines weighted by cross-attention), the encoder's self-attention \
      as `show` draws it (encoder-*.png) and attention.json (encoder_self_attention and \
      cross_attention per layer and head, the generated tokens).
      """)

  @OptionGroup var input: TextInputGroup

  @Option(
    help: ArgumentHelp(
      "The translator: firefox-en-pt (default), firefox-pt-en, a folder with a Marian model*.bin and its .spm vocabulary, or a Hugging Face marian, bart or t5 folder.",
      valueName: "name|path"))
  var model: String = TranslateOptions.defaultModel

  @Option(help: "Decoder layer whose cross-attention is drawn, 1-based (default: the last).")
  var layer: Int?

  @Option(help: "Encoder layer whose self-attention is drawn, 1-based (default: the last).")
  var encoderLayer: Int?

  @Flag(
    help:
      "Words instead of subword pieces in the figures: to a word = sum over its pieces, from a word = mean (attention.json keeps the pieces)."
  )
  var mergeSubwords = false

  @Flag(
    help: "Cut a sentence over the translator's limit (256 source tokens) instead of refusing it.")
  var truncate = false

  @Option(
    help: ArgumentHelp(
      "Figures to draw, comma-separated: cross (the heads' average), heads, alignment, encoder (default: all).",
      valueName: "list"))
  var figures: [CommaSeparated<TranslationFigure>] = []

  @OptionGroup(title: "Figures") var figure: FigureOptionGroup

  @OptionGroup(title: "Output") var output: FileOptionGroup<TranslateFiles>

  @Flag(help: "Print nothing but errors.")
  var quiet = false

  func validate() throws {
    try countsFromOne("--layer", layer)
    try countsFromOne("--encoder-layer", encoderLayer)
    let unsupported = output.formats.filter {
      ![.png, .svg, .json, .html].contains($0)
    }
    if let first = unsupported.first {
      throw ValidationError(
        "translate writes png, svg, json and html; --format \(first) is not one of them")
    }
  }

  func run(in context: RunContext) throws {
    var options = TranslateOptions(text: try input.source())
    options.context = context
    options.model = model
    options.outputFolder = output.folder
    options.formats = output.formats
    options.layer = layer
    options.encoderLayer = encoderLayer
    options.mergeSubwords = mergeSubwords
    options.truncate = truncate
    options.quiet = quiet
    let chosen = CommaSeparated.values(figures)
    if !chosen.isEmpty { options.figures = chosen }
    figure.apply(to: &options.figure, in: context)
    let report = try translateJob(
      options, progress: ProgressReporter.standardError(quiet: quiet))
    emit(report, quiet: quiet)
  }
}

/// translate's files: the cross-attention figures, their data and the page.
enum TranslateFiles: OutputFiles {
  static let formatHelp =
    "Files to write, comma-separated: png, svg, json, html (translation.html: hover a generated token to see the source tokens it read; default: png,json)."
  static let defaultFormats: [OutputFormat] = [.png, .json]
}
