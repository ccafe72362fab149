import ArgumentParser
import AttnvizKit
import AttnvizStyle
import AttnvizTerminal
import Foundation

/// Which model makes the attention.
struct ModelOptions: ParsableArguments {
  // Optional so that giving them with --model or --weights, where they cannot apply, is refused.
  @Option(help: "Model width d_model of the built-in layer, 2-512 (default: 8).")
  var dim: Int?

  @Option(help: "Attention heads of the built-in layer; must divide --dim (default: 2).")
  var heads: Int?

  @Option(help: "Seed of the built-in layer's random weights, SplitMix64 (default: 2017).")
  var seed: UInt64?

  @Flag(help: "Mask future positions: query i sees keys 0..i only, as in GPT-style decoders.")
  var causal = false

  @Option(
    help: ArgumentHelp(
      "Use the layer defined in a JSON weights file (see docs/usage.md).", valueName: "file"),
    completion: .file(extensions: ["json"]))
  var weights: String?

  @Option(
    help: ArgumentHelp(
      "Pretrained model: a GGUF file, a Hugging Face folder (config.json, tokenizer, model.safetensors), a hub id ORG/NAME from the Hugging Face cache, ollama:NAME[:TAG], or a name under $ATTNVIZ_MODELS, the `make model` folder or models/ (attnviz models lists them).",
      valueName: "path|name"))
  var model: String?

  @Flag(help: "Cut text longer than the model's position limit instead of failing.")
  var truncate = false

  func validate() throws {
    if weights != nil && model != nil {
      throw ValidationError("--weights and --model both choose the model; give one")
    }
    if model != nil && causal {
      throw ValidationError(
        "--causal cannot change a pretrained model: its masking is fixed by how it was trained "
          + "(GPT-2 is causal, BERT bidirectional); drop --causal")
    }
    let builtinOnly = [("--dim", dim != nil), ("--heads", heads != nil), ("--seed", seed != nil)]
      .filter(\.1).map(\.0)
    if let other = model != nil ? "--model" : weights != nil ? "--weights" : nil,
      !builtinOnly.isEmpty
    {
      throw ValidationError(
        "\(builtinOnly.joined(separator: ", ")) shape\(builtinOnly.count == 1 ? "s" : "") the "
          + "built-in layer and cannot apply with \(other), which brings its own; drop "
          + (builtinOnly.count == 1 ? "it" : "them"))
    }
  }

  var choice: ModelChoice {
    if let model { return .pretrained(nameOrPath: model, truncate: truncate) }
    if let weights { return .weights(path: weights, causal: causal) }
    return .builtinWithDefaults(dimension: dim, heads: heads, seed: seed, causal: causal)
  }
}

/// How figures look.
struct FigureOptionGroup: ParsableArguments {
  @Option(help: ArgumentHelp("Colour map.", valueName: "name"))
  var colormap: ColorMapName = .viridis

  @Flag(help: "Print each weight inside its heatmap cell.")
  var annotate = false

  @Option(help: "Pixel density of PNGs (device pixels per logical pixel, 1-8).")
  var scale: Double?

  @Option(
    name: .customLong("preset"),
    help: ArgumentHelp(
      "Defaults for where figures go: slide (1920×1080, large type), paper (compact; --format svg,json), dark (dark background); combine with a comma or repeat: slide,dark. Explicit options win.",
      valueName: "name"))
  var presetWords: [CommaSeparated<FigurePreset>] = []

  /// Every --preset given, combined; nil when none was.
  var preset: FigurePresets? {
    let all = CommaSeparated.values(presetWords)
    return all.isEmpty ? nil : try? FigurePresets(all)
  }

  @Option(
    help: ArgumentHelp(
      "Heatmap cell size in logical pixels (default: adapts to the token count).", valueName: "px"))
  var cell: Double?

  @Option(
    help: ArgumentHelp(
      "Font file for figure text (default: DejaVu Sans, else the built-in font).", valueName: "path"
    ),
    completion: .file())
  var font: String?

  @Option(help: ArgumentHelp("Replace every figure's generated title.", valueName: "text"))
  var title: String?

  @Option(
    help: ArgumentHelp(
      "Replace every figure's generated subtitle (\"\" removes it).", valueName: "text"))
  var subtitle: String?

  func validate() throws {
    do {
      _ = try FigurePresets(CommaSeparated.values(presetWords))
    } catch let conflict as PresetConflict {
      throw ValidationError(conflict.description)
    }
    if let scale, !(scale.isFinite && (1...8).contains(scale)) {
      throw ValidationError("--scale must be between 1 and 8, not \(plainNumber(scale))")
    }
    if let cell, !(cell.isFinite && (4...200).contains(cell)) {
      throw ValidationError("--cell must be between 4 and 200 pixels, not \(plainNumber(cell))")
    }
  }

  /// The figure options from the command line; the figures record `context`'s command.
  func apply(to options: inout FigureOptions, in context: RunContext) {
    options.colorMap = colormap
    options.annotate = annotate
    options.scale = scale
    options.preset = preset
    options.cellSize = cell
    options.fontPath = font
    options.title = title
    options.subtitle = subtitle
    options.command = context.command
    options.fontHome = context.environment["HOME"]
  }
}

/// What a command writes: the values its `--format` takes, that option's help (ending with the
/// default) and the default itself. The one thing in which the commands' output options differ.
protocol OutputFiles {
  associatedtype Format: ExpressibleByArgument & CaseIterable & RawRepresentable & Sendable
  where Format.RawValue == String
  /// Options between `--format` and `--quiet` that only this command has (`show`'s `--json`).
  associatedtype Extra: ParsableArguments = NoOptions
  static var formatHelp: String { get }
  static var defaultFormats: [Format] { get }
}

/// No options: the `Extra` of commands that have nothing beyond the common output options.
struct NoOptions: ParsableArguments {}

/// Where a command's files go: `--out` and `--format`, declared once for every command.
struct FileOptionGroup<Files: OutputFiles>: ParsableArguments {
  // Optional so that --json can tell "no folder asked for" from "--out attnviz-out".
  @Option(
    help: ArgumentHelp(
      "Folder for figures and data, created if missing (default: attnviz-out).", valueName: "dir"),
    completion: .directory)
  var out: String?

  /// `--out`, or the default folder.
  var folder: String { out ?? "attnviz-out" }

  @Option(help: ArgumentHelp(Files.formatHelp, valueName: "list"))
  var format: [CommaSeparated<Files.Format>] = []

  /// The formats given, in order, each once, or the command's default when `--format` was not
  /// given (`--format ""` asks for none).
  var formats: [Files.Format] {
    format.isEmpty ? Files.defaultFormats : CommaSeparated.values(format)
  }
}

/// The output options of the commands that print tables: `--out`, `--format`, the command's own
/// extra (`show`'s `--json`), `--quiet`, `--no-color`.
struct OutputOptionGroup<Files: OutputFiles>: ParsableArguments {
  @OptionGroup var files: FileOptionGroup<Files>

  @OptionGroup var extra: Files.Extra

  @Flag(help: "Print nothing but errors.")
  var quiet = false

  @Flag(
    help:
      "Plain ASCII tables without colour (also when NO_COLOR is set or output is not a terminal).")
  var noColor = false

  var folder: String { files.folder }
  var formats: [Files.Format] { files.formats }

  /// How tables are printed: colour and width from the environment, `--no-color`, `--quiet`.
  var display: DisplayOptions {
    var display = DisplayOptions.fromEnvironment(noColor: noColor)
    display.quiet = quiet
    return display
  }
}

/// `show`'s files: the attention data and figures, and `--json`.
enum ShowFiles: OutputFiles {
  typealias Extra = JSONOutputOption
  static let formatHelp =
    "Files to write, comma-separated (default: png,json; svg,json with --preset paper)."
  static let defaultFormats = OutputFormat.defaults
}

/// `--json`: the attention JSON on standard output.
struct JSONOutputOption: ParsableArguments {
  @Flag(
    help:
      "Print the attention JSON to standard output and nothing else there; no files are written unless --format or --out asks for them."
  )
  var json = false
}

extension OutputOptionGroup where Files == ShowFiles {
  /// The formats given, or the defaults for `preset` (paper figures go into documents as SVG).
  func formats(preset: FigurePresets? = nil) -> [OutputFormat] {
    preset?.contains(.paper) == true && files.format.isEmpty ? [.svg, .json] : files.formats
  }

  var json: Bool { extra.json }
}

extension FigurePreset: ExpressibleByArgument {}

/// 0, not 0.0; 2.5 stays 2.5 (a message quotes the number as the user typed it).
func plainNumber(_ value: Double) -> String {
  value.isFinite && value == value.rounded() && abs(value) < 1e15
    ? String(Int(value)) : String(value)
}

/// The text of every command that reads one (show, explain, generate, translate): words on the
/// command line, `-` for standard input, or `--file`.
struct TextInputGroup: ParsableArguments {
  @Argument(
    help: ArgumentHelp(
      "The text; several words are joined with spaces; - reads standard input.", valueName: "text"))
  var words: [String] = []

  @Option(
    help: ArgumentHelp("Read the text from a UTF-8 file.", valueName: "path"), completion: .file())
  var file: String?

  /// Where the text comes from; standard input is read only for `-` (here, at the process's
  /// edge, up to one byte past the limit so the library can say "too long").
  func source() throws -> TextSource {
    try TextSource(arguments: words, file: file) {
      try readAll(fileDescriptor: STDIN_FILENO, limit: maximumTextBytes)
    }
  }
}

/// The one "counts from 1" rule of `--layer`, `--head`, `--rollout-from` (nil: not given).
func countsFromOne(_ flag: String, _ value: Int?) throws {
  if let value, value < 1 { throw ValidationError("\(flag) counts from 1, not \(value)") }
}
