import AttnvizHTML
import AttnvizMath
import AttnvizModel
import AttnvizStyle
import AttnvizTables
import AttnvizTokens
import Foundation

/// How `generate` chooses tokens: nil fields mean greedy decoding.
public struct SamplingOptions: Equatable, Sendable {
  /// > 0; nil: 1 when --top-k or --top-p asks for sampling.
  public var temperature: Double?
  public var topK: Int?
  public var topP: Double?
  public var seed: UInt64?

  public init(
    temperature: Double? = nil, topK: Int? = nil, topP: Double? = nil, seed: UInt64? = nil
  ) {
    self.temperature = temperature
    self.topK = topK
    self.topP = topP
    self.seed = seed
  }

  /// Sampling when a temperature above 0, a top-k or a top-p is given; greedy otherwise
  /// (temperature 0 is greedy, as in llama.cpp). The seed defaults to 0, so a run repeats.
  public var mode: TokenSampler.Mode {
    let t = temperature ?? 1
    guard t > 0, temperature != nil || topK != nil || topP != nil else { return .greedy }
    return .sample(temperature: t, topK: topK, topP: topP, seed: seed ?? 0)
  }
}

/// `attnviz generate`'s options.
public struct GenerateOptions: Equatable, Sendable {
  /// The run this job belongs to: its environment, its command words, its loaded models.
  public var context = RunContext()
  public var text: TextSource
  public var model: ModelChoice = .defaultBuiltin
  public var outputFolder = "attnviz-out"
  public var formats: [OutputFormat] = OutputFormat.defaults
  /// Tokens to write at most (`--tokens`).
  public var tokens = GenerateOptions.defaultTokens
  public var sampling = SamplingOptions()
  /// 1-based; nil: every layer in the JSON, the last in the figures.
  public var layer: Int?
  /// 1-based; nil: every head in the JSON, their average in the figures.
  public var head: Int?
  /// `--chat`, `--system`, `--chat-template`: the text is a user message in the model's template.
  public var chat: ChatOptions?
  /// `--no-steps`: no step-NN figure per token.
  public var stepFigures = true
  public var jsonPrecision: Int?
  /// `--ablate`: heads whose output is zeroed at every step.
  public var ablate: [HeadChoice] = []
  public var figure = FigureOptions()
  public var display = DisplayOptions()

  public static let defaultTokens = 24
  /// The most `--tokens` takes: every step keeps its attention rows, and the text must stay
  /// within the model's positions.
  public static let maximumTokens = 2048

  public init(text: TextSource) {
    self.text = text
  }
}

/// `attnviz generate "prompt"`: the model writes up to `--tokens` tokens after the prompt, one
/// position per step through the key/value cache, keeping each step's attention rows. `onText`
/// hears the answer as it grows (the shell prints it on an interactive terminal); the report's
/// standard output holds it whole otherwise.
public func generateText(
  _ options: GenerateOptions, progress: any RunProgress = SilentProgress(),
  onText: ((String) -> Void)? = nil
) throws -> RunReport {
  defer { progress.finish() }
  let loaded = try readAndLoad(
    options.text, with: options.model, in: options.context, progress: progress,
    checkChoices: { try checkLayerAndHead(layer: options.layer, head: options.head, model: $0) })
  let model = try generatingModel(loaded.model)
  let chat = try chatPromptPieces(loaded.text, model: model, chat: options.chat)
  let prompt = chat?.text ?? loaded.text
  let encoded: EncodedText
  do {
    encoded = try model.encode(prompt)
  } catch {
    throw AttnvizError.from(error)
  }
  let limit = model.positionLimit
  guard encoded.ids.count + options.tokens - 1 <= limit else {
    throw AttnvizError.usage(
      "the prompt's \(encoded.ids.count) tokens and --tokens \(options.tokens) need "
        + "\(encoded.ids.count + options.tokens - 1) positions; \(model.info.name) takes "
        + "\(limit) here; ask for fewer tokens or give a shorter prompt")
  }
  try options.context.memoryBudget().check(
    generateEstimate(prompt: encoded.ids.count, options: options, model: model.info))
  var request = GenerationRequest(
    maxTokens: options.tokens, sampler: TokenSampler(options.sampling.mode),
    layers: options.layer.map { [$0 - 1] }, heads: options.head.map { [$0 - 1] })
  request.alternatives = 10
  let stopIDs = Set(model.stopTokenIDs)
  request.stopIDs = stopIDs
  var ablation = AttributionOptions()
  ablation.ablate = options.ablate
  request.ablatedHeads = Set(try ablation.checked(against: model.info).map(\.index))
  progress.stage("generating")
  var stream = TextStream()
  let generation: Generation
  do {
    generation = try model.generate(prompt: encoded, request: request) { step in
      progress.stage("generating: token \(step.step) of at most \(options.tokens)")
      if let onText, !stopIDs.contains(step.id) { onText(stream.add(step.bytes)) }
    }
  } catch let error as AttnvizError {
    throw error
  } catch {
    throw AttnvizError.from(error)
  }
  let answer = answerText(generation, stopIDs: stopIDs)
  var report = RunReport()
  if let onText {
    onText(stream.flush() + "\n")
  } else if !options.display.quiet {
    report.standardOutput = safeStreamedText(answer) + "\n"
  }
  var job = GenerationDocument(
    generation: generation, model: model.info, prompt: prompt, options: options,
    stopIDs: stopIDs)
  job.sampling = options.sampling.mode
  job.decoder = model.tokenizer as? any TokenDecoding
  job.chat = chat
  var files: [OutputFile] = []
  if options.formats.contains(.json) {
    files.append(OutputFile(name: "generation.json", text: job.json()))
  }
  if options.formats.contains(.html), !generation.steps.isEmpty {
    let page = generationPageFile(job)
    files.append(page.file)
    report.notes += page.notes
  }
  files += try generationFigureFiles(job, options: options, progress: progress)
  report.notes += generationNotes(generation, options: options, stopIDs: stopIDs, model: model)
  progress.stage(files.count == 1 ? "writing 1 file" : "writing \(files.count) files")
  let written = try OutputFolder(path: options.outputFolder).writeWithSizes(files)
  report.writtenFiles = written.map(\.path)
  report.notes += largeOutputNotes(
    written, advice: "--layer, --head, --tokens or --no-steps make it smaller")
  return report
}

/// The loaded model, if it can write text: a decoder with a head. Encoders and the built-in
/// layer are refused with what to use instead.
func generatingModel(_ model: any AttentionModel) throws -> TransformerModel {
  guard let transformer = model as? TransformerModel, transformer.predictsTokens else {
    let what: String
    switch model.info.family {
    case .builtin: what = "the built-in layer is one random attention layer with no vocabulary"
    case .weightsFile:
      what = "\(model.info.name) is one hand-written attention layer with no vocabulary"
    case .transformer, .marian:
      what =
        "\(model.info.name) is an encoder (\(model.info.family.name)): encoders read a whole "
        + "text at once and have no next-token head, so they do not generate"
    }
    throw AttnvizError.usage(
      "attnviz generate needs a decoder; \(what). Decoders attnviz runs: "
        + "\(TransformerConfig.decoderList) (e.g. --model SmolLM2-135M-Instruct; "
        + "attnviz models lists what is installed)")
  }
  return transformer
}

/// The generated text without the end token, as UTF-8 (bytes that are not whole characters
/// become U+FFFD).
func answerText(_ generation: Generation, stopIDs: Set<Int>) -> String {
  let bytes = generation.steps.filter { !stopIDs.contains($0.id) }.flatMap(\.bytes)
  return String(decoding: bytes, as: UTF8.self)
}

func generationNotes(
  _ generation: Generation, options: GenerateOptions, stopIDs: Set<Int>, model: TransformerModel
) -> [String] {
  switch generation.stop {
  case .endToken(let id):
    let label = generation.steps.last.map { tokenLabel($0.token.text) } ?? "#\(id)"
    return [
      "note: stopped after \(generation.steps.count) token\(generation.steps.count == 1 ? "" : "s"): "
        + "the model ended its answer (\(label))"
    ]
  case .limit:
    return [
      "note: stopped at --tokens \(options.tokens); the answer may go on (--tokens N writes more)"
    ]
  }
}

/// Bytes of a token stream, handed on as text only when they make whole UTF-8 characters (a
/// token may hold half an emoji), each line made safe for a terminal (no escape sequences).
struct TextStream {
  private var pending: [UInt8] = []

  mutating func add(_ bytes: [UInt8]) -> String {
    pending += bytes
    let complete = completeUTF8Prefix(pending)
    let text = String(decoding: pending[..<complete], as: UTF8.self)
    pending.removeFirst(complete)
    return safeStreamedText(text)
  }

  mutating func flush() -> String {
    defer { pending = [] }
    return safeStreamedText(String(decoding: pending, as: UTF8.self))
  }
}

/// The length of the longest prefix of `bytes` that does not end inside a UTF-8 sequence.
func completeUTF8Prefix(_ bytes: [UInt8]) -> Int {
  var i = bytes.count
  // Look back at most 3 bytes for the lead byte of an unfinished sequence.
  var back = 0
  while i > 0, back < 4 {
    let byte = bytes[i - 1]
    if byte & 0xC0 == 0x80 {
      i -= 1
      back += 1
      continue
    }
    let length =
      byte & 0x80 == 0
      ? 1 : byte & 0xE0 == 0xC0 ? 2 : byte & 0xF0 == 0xE0 ? 3 : byte & 0xF8 == 0xF0 ? 4 : 1
    return back + 1 >= length ? bytes.count : i - 1
  }
  return bytes.count
}

/// The generate job's memory: the model (its checkpoint mapped, one layer's Float32 copies and
/// the token embeddings), every step's kept attention rows (Double, plus their JSON text), and
/// the figures (the whole-answer heatmap, one lines figure per step).
func generateEstimate(prompt: Int, options: GenerateOptions, model: ModelInfo) -> MemoryEstimate {
  let steps = Double(options.tokens)
  let keys = Double(prompt) + steps
  let layers = Double(options.layer == nil ? model.layers : 1)
  let heads = Double(options.head == nil ? model.heads : 1)
  let rows = steps * layers * heads * keys
  let json = options.formats.contains(.json) ? rows * ElementCost.jsonNumber : 0
  let figures =
    options.formats.contains(.png) || options.formats.contains(.svg)
    ? ElementCost.canvases + ElementCost.sceneItem * steps * keys
      * (options.stepFigures ? 2 : 1) : 0
  // generation.html: a few bytes of text per weight (the heads' average and each head), every
  // kept layer up to GenerationPage.weightLimit, else the drawn layer alone.
  let pageWeights = steps * keys * (heads > 1 ? heads + 1 : 1)
  let page =
    options.formats.contains(.html)
    ? 16 * max(min(pageWeights * layers, Double(GenerationPage.weightLimit)), pageWeights) : 0
  let c = Double(model.dModel)
  let bytes =
    ElementCost.base + Double(model.checkpointBytes) + 8 * 12 * c * c + 8 * rows + json + figures
    + page
  return MemoryEstimate(
    bytes: Int(bytes),
    cause: "\(options.tokens) steps × \(Int(layers * heads)) heads × up to \(Int(keys)) keys",
    advice: "choose --layer L and --head H, or fewer --tokens")
}
