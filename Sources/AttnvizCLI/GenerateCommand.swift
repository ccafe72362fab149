import ArgumentParser
import AttnvizKit
import AttnvizTerminal
import Foundation

/// `attnviz generate "prompt"`: a decoder writes an answer, and the figures show where each new
/// token looked.
struct GenerateCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "generate",
    abstract: "Let a decoder write after your text, keeping the attention behind every token.",
    discussion: """
      Greedy by default (the most probable token each step, as transformers'
      generate(do_sample=False)); --temperature, --top-k or --top-p sample instead,
      the same text for the same --seed. Stops at the model's end-of-turn token or
      after --tokens. On a terminal the answer is printed as it is written.
      Files: generation.json (prompt ids and tokens; per step the token, its
      probability, 10 alternatives and its attention rows), generation.png (rows:
      generated tokens, columns: every token read, prompt | answer) and
      step-01.png ... one lines figure per token (--no-steps leaves them out);
      with --format html, generation.html plays the answer token by token (the
      attention lines behind each token and its most probable alternatives).
      Examples:
        attnviz generate "The capital of France is"
        attnviz generate --chat "What is the capital of France?"
        attnviz generate --chat --system "Answer in French." --tokens 40 "Say hello."
        attnviz generate --temperature 0.8 --top-p 0.95 --seed 7 "Once upon a time"
      """)

  @OptionGroup var input: TextInputGroup

  @Option(
    help: ArgumentHelp(
      "The decoder: a GGUF file, a model folder or a name under $ATTNVIZ_MODELS or models/ (default: SmolLM2-135M-Instruct).",
      valueName: "dir|name"))
  var model: String = "SmolLM2-135M-Instruct"

  @OptionGroup(title: "Generation") var generation: GenerationOptionGroup

  @OptionGroup(title: "Chat") var chat: ChatOptionGroup

  @Option(
    help: "Layer whose attention is kept and drawn, 1-based (default: all kept, the last drawn).")
  var layer: Int?

  @Option(
    help:
      "Head whose attention is kept and drawn, 1-based (default: all kept, their average drawn).")
  var head: Int?

  @Flag(help: "No step-NN figure per token (generation.png and the JSON only).")
  var noSteps = false

  @Option(
    help: ArgumentHelp(
      "Decimals of the numbers in generation.json, 1-17 (default: shortest exact form).",
      valueName: "N"))
  var jsonPrecision: Int?

  @OptionGroup var ablation: AblationOptionGroup

  @OptionGroup(title: "Figures") var figure: FigureOptionGroup

  @OptionGroup(title: "Output") var output: FileOptionGroup<GenerateFiles>

  @Flag(help: "Print nothing but errors (the answer is still in generation.json).")
  var quiet = false

  func validate() throws {
    try countsFromOne("--layer", layer)
    try countsFromOne("--head", head)
    if let jsonPrecision, !(1...17).contains(jsonPrecision) {
      throw ValidationError("--json-precision must be between 1 and 17, not \(jsonPrecision)")
    }
    if let other = output.formats.first(where: { ![.png, .svg, .json, .html].contains($0) }) {
      throw ValidationError(
        "generate writes png, svg, json and html; --format \(other.rawValue) is for attnviz show")
    }
  }

  func run(in context: RunContext) throws {
    var options = GenerateOptions(text: try input.source())
    options.context = context
    options.model = .pretrained(nameOrPath: model, truncate: false)
    options.outputFolder = output.folder
    options.formats = output.formats
    options.tokens = generation.tokens
    options.sampling = generation.sampling
    options.chat = chat.options
    options.layer = layer
    options.head = head
    options.stepFigures = !noSteps
    options.jsonPrecision = jsonPrecision
    options.ablate = ablation.ablated
    figure.apply(to: &options.figure, in: context)
    options.display.quiet = quiet
    // On a terminal the answer appears as it is written, and the progress line stays away
    // from it; otherwise it is printed whole at the end.
    let streams = StandardOutput.isTerminal && !quiet
    let report = try generateText(
      options, progress: ProgressReporter.standardError(quiet: quiet || streams),
      onText: streams ? { StandardOutput.write($0) } : nil)
    emit(report, quiet: quiet)
  }
}

/// generate's files: the answer's data and figures.
enum GenerateFiles: OutputFiles {
  static let formatHelp =
    "Files to write, comma-separated: png, svg, json, html (default: png,json)."
  static let defaultFormats = OutputFormat.defaults
}

/// How many tokens and how they are chosen.
struct GenerationOptionGroup: ParsableArguments {
  @Option(help: ArgumentHelp("Tokens to write at most, 1-2048.", valueName: "N"))
  var tokens: Int = GenerateOptions.defaultTokens

  @Option(
    help: ArgumentHelp(
      "Sample with this temperature (> 0; 0 is greedy). Default: greedy.", valueName: "T"))
  var temperature: Double?

  @Option(help: ArgumentHelp("Sample from the K most probable tokens only.", valueName: "K"))
  var topK: Int?

  @Option(
    help: ArgumentHelp(
      "Sample from the most probable tokens whose probabilities add up to P, 0 < P <= 1.",
      valueName: "P"))
  var topP: Double?

  @Option(
    help: ArgumentHelp("Seed of the sampler, SplitMix64 (default: 0).", valueName: "N"))
  var seed: UInt64?

  func validate() throws {
    guard (1...GenerateOptions.maximumTokens).contains(tokens) else {
      throw ValidationError(
        "--tokens must be between 1 and \(GenerateOptions.maximumTokens), not \(tokens)")
    }
    if let temperature, !(temperature.isFinite && temperature >= 0) {
      throw ValidationError(
        "--temperature must be a number of 0 or more (0 is greedy), not \(plainNumber(temperature))"
      )
    }
    if let topK, topK < 1 { throw ValidationError("--top-k must be 1 or more, not \(topK)") }
    if let topP, !(topP > 0 && topP <= 1) {
      throw ValidationError("--top-p must be above 0 and at most 1, not \(plainNumber(topP))")
    }
    if seed != nil && temperature == nil && topK == nil && topP == nil {
      throw ValidationError(
        "--seed only matters when sampling; add --temperature T (or --top-k, --top-p)")
    }
  }

  var sampling: SamplingOptions {
    SamplingOptions(temperature: temperature, topK: topK, topP: topP, seed: seed)
  }
}

/// `--chat`, `--system`, `--chat-template`.
struct ChatOptionGroup: ParsableArguments {
  @Flag(
    help:
      "The text is a user's message: wrap it in the model's chat template and open the assistant's turn."
  )
  var chat = false

  @Option(help: ArgumentHelp("With --chat: a system message before the user's.", valueName: "text"))
  var system: String?

  @Option(
    help: ArgumentHelp(
      "With --chat: render this template family instead of the model's (chatml, llama3, mistral, gemma).",
      valueName: "family"))
  var chatTemplate: ChatFamily?

  func validate() throws {
    if !chat && (system != nil || chatTemplate != nil) {
      throw ValidationError(
        "\(system != nil ? "--system" : "--chat-template") shapes the --chat prompt; add --chat")
    }
  }

  var options: ChatOptions? {
    chat ? ChatOptions(system: system, family: chatTemplate) : nil
  }
}

extension ChatFamily: ExpressibleByArgument {}
