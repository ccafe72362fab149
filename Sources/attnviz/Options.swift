import ArgumentParser
import AttnvizKit
import AttnvizStyle

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
    help: ArgumentHelp("Use the layer defined in a JSON weights file (see docs/usage.md).", valueName: "file"),
    completion: .file(extensions: ["json"]))
  var weights: String?

  @Option(help: ArgumentHelp(
    "Pretrained model: a folder with config.json, vocab and model.safetensors, or a name under $ATTNVIZ_MODELS or models/.",
    valueName: "dir|name"))
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
    if let other = model != nil ? "--model" : weights != nil ? "--weights" : nil, !builtinOnly.isEmpty {
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
  @Option(
    help: ArgumentHelp("Colour map: viridis, cividis, magma, inferno, gray, blues.", valueName: "name"),
    completion: .list(ColorMapName.listed.map(\.rawValue)))
  var colormap: String = "viridis"

  @Flag(help: "Print each weight inside its heatmap cell.")
  var annotate = false

  @Option(help: "Pixel density of PNGs (device pixels per logical pixel, 1-8).")
  var scale: Double = 2

  @Option(help: ArgumentHelp("Heatmap cell size in logical pixels (default: adapts to the token count).", valueName: "px"))
  var cell: Double?

  @Option(
    help: ArgumentHelp("Font file for figure text (default: DejaVu Sans, else the built-in font).", valueName: "path"),
    completion: .file())
  var font: String?

  func validate() throws {
    guard ColorMapName(name: colormap) != nil else {
      let known = ColorMap.sequentialNames.joined(separator: ", ")
      throw ValidationError("--colormap \"\(colormap)\" is unknown; choose from \(known)")
    }
    guard scale.isFinite, (1...8).contains(scale) else {
      throw ValidationError("--scale must be between 1 and 8, not \(plainNumber(scale))")
    }
    if let cell, !(cell.isFinite && (4...200).contains(cell)) {
      throw ValidationError("--cell must be between 4 and 200 pixels, not \(plainNumber(cell))")
    }
  }

  func apply(to options: inout FigureOptions) {
    options.colorMap = ColorMapName(name: colormap) ?? .viridis
    options.annotate = annotate
    options.scale = scale
    options.cellSize = cell
    options.fontPath = font
  }
}

/// Where the output goes.
struct OutputOptionGroup: ParsableArguments {
  @Option(
    help: ArgumentHelp("Folder for figures and data (created if missing).", valueName: "dir"),
    completion: .directory)
  var out: String = "attnviz-out"

  @Option(
    help: ArgumentHelp("Files to write, comma-separated: png, svg, json, txt, csv, md.", valueName: "list"),
    completion: .list(OutputFormat.allCases.map(\.rawValue)))
  var format: [String] = ["png,json"]

  @Flag(help: "Print the attention JSON to standard output and nothing else there.")
  var json = false

  @Flag(help: "Print nothing but errors.")
  var quiet = false

  @Flag(help: "Plain ASCII tables without colour (also when NO_COLOR is set or output is not a terminal).")
  var noColor = false

  func formats() throws -> [OutputFormat] {
    try commaSeparated(format, as: OutputFormat.self, option: "--format")
  }
}

/// Splits `a,b` and repeated options into known values, in order, without duplicates.
func commaSeparated<T: RawRepresentable & CaseIterable>(
  _ values: [String], as: T.Type, option: String
) throws -> [T] where T.RawValue == String {
  var result: [T] = []
  for item in values.flatMap({ $0.split(separator: ",") }).map({ $0.trimmingCharacters(in: .whitespaces).lowercased() }) where !item.isEmpty {
    guard let value = T(rawValue: item) else {
      let known = T.allCases.map(\.rawValue).joined(separator: ", ")
      throw ValidationError("\(option) does not know \"\(item)\"; choose from \(known)")
    }
    if !result.contains(where: { $0.rawValue == value.rawValue }) { result.append(value) }
  }
  return result
}

/// 0, not 0.0; 2.5 stays 2.5 (a message quotes the number as the user typed it).
func plainNumber(_ value: Double) -> String {
  value.isFinite && value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(value)
}
