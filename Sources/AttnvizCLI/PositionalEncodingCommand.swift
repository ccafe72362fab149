import ArgumentParser
import AttnvizKit
import AttnvizTerminal

/// `attnviz pe`: how order gets into attention.
struct PositionalEncodingCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "pe",
    abstract:
      "Draw the sinusoidal positional-encoding matrix, or with --rope what rotary embeddings do.")

  @Option(help: "Number of positions (rows), 1-2048.")
  var positions: Int = 50

  // Optional so that giving it with --rope, which sizes its figure by --head-size, is refused.
  @Option(help: "Encoding dimensions d_model (columns), 2-1024 (default: 64; not with --rope).")
  var dim: Int?

  @Flag(
    help:
      "Rotary position embeddings instead: the rotation angle per position and dimension pair, and q·k against distance."
  )
  var rope = false

  @Option(help: "With --rope: the base θ of the rotation frequencies (10000 in most models).")
  var theta: Double = 10000

  @Option(help: "With --rope: the head size d, an even number 2-1024.")
  var headSize: Int = 64

  @OptionGroup(title: "Figures") var figure: FigureOptionGroup

  @OptionGroup(title: "Output") var output: OutputOptionGroup<PositionalEncodingFiles>

  func validate() throws {
    let positionRange = PositionalEncodingOptions.positionRange
    guard positionRange.contains(positions) else {
      throw ValidationError(
        "--positions must be between \(positionRange.lowerBound) and \(positionRange.upperBound), not \(positions)"
      )
    }
    if rope, let dim {
      throw ValidationError(
        "--rope rotates pairs of a head's dimensions and takes their number from --head-size; "
          + "give --head-size \(dim) instead of --dim \(dim)")
    }
    let rotaryFormats: Set<OutputFormat> = [.png, .svg, .json]
    if rope, let other = output.formats.first(where: { !rotaryFormats.contains($0) }) {
      throw ValidationError(
        "pe --rope writes png, svg and json, not \(other.rawValue); drop it from --format")
    }
    let dim = self.dim ?? 64
    let dimensionRange = PositionalEncodingOptions.dimensionRange
    guard dimensionRange.contains(dim) else {
      throw ValidationError(
        "--dim must be between \(dimensionRange.lowerBound) and \(dimensionRange.upperBound), not \(dim)"
      )
    }
    if output.formats.contains(.html) {
      throw ValidationError(
        "--format html is the attention page of the main command; pe writes png, svg, json, txt, csv, md"
      )
    }
  }

  func run(in context: RunContext) throws {
    if rope {
      var options = RotaryOptions()
      options.positions = positions
      options.headSize = headSize
      options.base = theta
      options.outputFolder = output.folder
      options.formats = output.formats
      figure.apply(to: &options.figure, in: context)
      options.quiet = output.quiet
      emit(try rotaryJob(options), quiet: output.quiet)
      return
    }
    var options = PositionalEncodingOptions()
    options.positions = positions
    options.dimensions = dim ?? 64
    options.outputFolder = output.folder
    options.formats = output.formats
    figure.apply(to: &options.figure, in: context)
    options.display = output.display
    emit(try positionalEncodingJob(options), quiet: output.quiet)
  }
}

/// pe's files: the figure, its numbers as JSON and tables.
enum PositionalEncodingFiles: OutputFiles {
  static let formatHelp = "Files to write, comma-separated (default: png)."
  static let defaultFormats: [OutputFormat] = [.png]
}
