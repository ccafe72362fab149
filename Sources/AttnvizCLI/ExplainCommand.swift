import ArgumentParser
import AttnvizExplain
import AttnvizKit
import AttnvizTerminal

/// `attnviz explain`: the self-attention computation step by step, the way the lecture tells it.
struct ExplainCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "explain",
    abstract: "Walk through self-attention step by step on your text: captions, tables, figures.",
    discussion: """
      Steps, numbered 1...N without gaps: tokens, embeddings X, positional encoding,
      Q K V, (rotation, rotary models only), scores Q.K^T / sqrt(d_k), (causal mask, causal
      layers only), softmax weights, attention output, then the rest of the block:
      residual X + attention, norm (LayerNorm or RMSNorm), feed-forward network, block
      output; a decoder ends with the next token (final norm, LM head, the most probable
      next tokens, from the same pass). Bidirectional: 1-11 (7 the attention output);
      causal (--causal): 1-12, 6 the mask; GPT-2: 1-13, 13 the next token; rotary decoders
      (Llama family, e.g. SmolLM2): 1-14, 5 the rotation, 7 the mask, 14 the next token.
      A --weights file is one attention layer and stops at the attention output.
      A translator (--model firefox-en-pt, an encoder-decoder) translates once and walks
      encoder layer --layer as 1-11, then one decoder step: 12 the recurrent unit (SSRU)
      where the 2017 paper has masked self-attention (or that self-attention, MarianMT and
      BART), 13 cross-attention (the step's query against the encoder's keys), 14 the next
      token; --decoder-step and --decoder-layer choose the step.
      Figures are step-01-tokens.png ... in --out; a step whose panels do not fit one
      16:9 slide is split into parts (step-05-rotation-1.png, -2, ...).
      Examples:
        attnviz explain "The cat sat on the mat."
        attnviz explain --causal --step 6 "The cat sat on the mat."
        attnviz explain --step 10 "The cat sat on the mat."
        attnviz explain --model SmolLM2-135M-Instruct --step 5 "The cat sat."
        attnviz explain --weights docs/examples/three-tokens.json --format md,html "the cat sat"
        attnviz explain --model firefox-en-pt --step 13 "The black cat sat on the old mat."
      """)

  @OptionGroup var input: TextInputGroup

  @OptionGroup(title: "Model") var model: ModelOptions

  @Option(
    help:
      "Show only this step (1-11; 1-12 causal, 6 the mask; 1-14 rotary decoders, 5 the rotation, 14 the next token; 1-14 translators, 12 a decoder step, 13 cross-attention)."
  )
  var step: Int?

  @Option(help: "Head to follow through the steps, 1-based.")
  var head: Int = 1

  @Option(
    help:
      "Layer to walk through, 1-based (default: the first; on a translator, its encoder layer), e.g. the layer of a head worth explaining."
  )
  var layer: Int?

  @Option(
    help:
      "Translators: the generated token whose decoder step is walked through, 1-based (default: 2, the first whose decoder state holds an earlier token)."
  )
  var decoderStep: Int?

  @Option(
    help:
      "Translators: the decoder layer of that step, 1-based (default: the last, whose cross-attention attnviz translate draws)."
  )
  var decoderLayer: Int?

  @OptionGroup(title: "Chat (decoders)") var chat: ChatOptionGroup

  @OptionGroup(title: "Figures") var figure: FigureOptionGroup

  @OptionGroup(title: "Output") var output: OutputOptionGroup<ExplainFiles>

  func validate() throws {
    if let step, !(1...explainLargestStep).contains(step) {
      throw ValidationError("--step \(step) does not exist; the steps are \(explainStepSummary)")
    }
    try countsFromOne("--head", head)
    try countsFromOne("--layer", layer)
    try countsFromOne("--decoder-step", decoderStep)
    try countsFromOne("--decoder-layer", decoderLayer)
  }

  func run(in context: RunContext) throws {
    var options = ExplainOptions(text: try input.source())
    options.context = context
    options.model = model.choice
    options.step = step
    options.head = head
    options.layer = layer
    options.decoderStep = decoderStep
    options.decoderLayer = decoderLayer
    options.chat = chat.options
    options.outputFolder = output.folder
    options.formats = output.formats
    figure.apply(to: &options.figure, in: context)
    options.display = output.display
    emit(
      try explain(options, progress: ProgressReporter.standardError(quiet: output.quiet)),
      quiet: output.quiet)
  }
}

/// explain's files: figures and the step-by-step documents.
enum ExplainFiles: OutputFiles {
  static let formatHelp =
    "Files to write, comma-separated (default: png; md alone also writes png figures)."
  static let defaultFormats = ExplainFormat.defaults
}
