import AttnvizMath
import AttnvizRender
import AttnvizTables
import AttnvizViews

/// `attnviz pe`: the sinusoidal positional-encoding matrix as a table and a figure.
public struct PositionalEncodingOptions: Equatable, Sendable {
  public var positions = 50
  public var dimensions = 64
  public var outputFolder = "attnviz-out"
  public var formats: [OutputFormat] = [.png]
  public var figure = FigureOptions()
  public var display = DisplayOptions()
  public static let positionRange = 1...2048
  public static let dimensionRange = 2...1024

  public init() {}
}

public func positionalEncodingJob(_ options: PositionalEncodingOptions) throws -> RunReport {
  var options = options
  options.figure.record(text: "", source: .arguments([]), model: .defaultBuiltin, info: nil)
  guard PositionalEncodingOptions.positionRange.contains(options.positions) else {
    throw AttnvizError.usage("--positions must be between 1 and 2048, not \(options.positions)")
  }
  guard PositionalEncodingOptions.dimensionRange.contains(options.dimensions) else {
    throw AttnvizError.usage("--dim must be between 2 and 1024, not \(options.dimensions)")
  }
  let pe = sinusoidalPositionalEncoding(
    positions: options.positions, dimensions: options.dimensions)
  let labeled = LabeledMatrix(
    pe, rowLabels: (0..<options.positions).map { "pos \($0)" }, columnLabels: nil, kind: .signed)
  let title =
    "Sinusoidal positional encoding · \(plural(options.positions, "position")) × \(plural(options.dimensions, "dimension"))"
  var report = RunReport()
  // A 50 × 64 table would scroll past as noise; large matrices go to files (--format txt/csv).
  let fitsTerminal = options.positions * options.dimensions <= 512
  if !fitsTerminal {
    report.notes.append(
      "note: the \(options.positions) × \(options.dimensions) matrix is too large to print; --format txt or csv writes it"
    )
  }
  if !options.display.quiet && fitsTerminal {
    var tableOptions = TableOptions(
      colorMode: options.display.colorMode, width: options.display.width, colorMap: .diverging)
    tableOptions.decimals = 2
    report.standardOutput = renderTable(labeled, title: title, options: tableOptions)
  }
  var files: [OutputFile] = []
  if options.formats.contains(.png) || options.formats.contains(.svg) {
    let fonts = try loadFonts(options.figure)
    let style = figureStyle(options.figure)
    let generated = positionalEncodingFigure(
      pe,
      title: FigureTitle(
        "Sinusoidal positional encoding",
        subtitle:
          "PE(pos, 2i) = sin(pos / 10000^(2i/d)), PE(pos, 2i+1) = cos(pos / 10000^(2i/d)) · d = \(options.dimensions)"
      ),
      style: style, measurer: fonts)
    let scene = options.figure.finish([generated], margin: style.margin, measurer: fonts)[0]
    files += try figureFiles(
      [("pe", scene)], png: options.formats.contains(.png), svg: options.formats.contains(.svg),
      options: options.figure, fonts: fonts)
  }
  if options.formats.contains(.csv) {
    files.append(OutputFile(name: "pe.csv", text: renderCSV(labeled)))
  }
  if options.formats.contains(.txt) {
    files.append(
      OutputFile(
        name: "pe.txt",
        text: renderTable(
          labeled, title: title, options: TableOptions(colorMode: .plain, width: 100_000))))
  }
  if options.formats.contains(.md) {
    files.append(OutputFile(name: "pe.md", text: "# \(title)\n\n" + renderMarkdownTable(labeled)))
  }
  if options.formats.contains(.json) {
    let rows = pe.nestedRows.map { "    [" + $0.map(jsonNumber).joined(separator: ", ") + "]" }
      .joined(separator: ",\n")
    files.append(
      OutputFile(
        name: "pe.json",
        text:
          "{\n  \"positions\": \(options.positions),\n  \"d_model\": \(options.dimensions),\n  \"pe\": [\n\(rows)\n  ]\n}\n"
      ))
  }
  report.writtenFiles = try OutputFolder(path: options.outputFolder).write(files)
  return report
}

/// "1 position", "50 positions".
func plural(_ n: Int, _ noun: String) -> String { "\(n) \(noun)\(n == 1 ? "" : "s")" }
