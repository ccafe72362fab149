import AttnvizAnalysis
import AttnvizRender
import AttnvizViews

/// `attnviz pe --rope`: rotary position embeddings. Two figures, the rotation angle of every
/// dimension pair at every position (`rope-angles`) and the dot product of a fixed query and key
/// against their distance (`rope-dot`), and `rope.json` with both.
public struct RotaryOptions: Equatable, Sendable {
  public var positions = 50
  public var headSize = 64
  public var base = 10000.0
  public var outputFolder = "attnviz-out"
  public var formats: [OutputFormat] = [.png]
  public var figure = FigureOptions()
  public var quiet = false
  public static let headSizeRange = 2...1024

  public init() {}
}

public func rotaryJob(_ options: RotaryOptions) throws -> RunReport {
  var options = options
  options.figure.record(text: "", source: .arguments([]), model: .defaultBuiltin, info: nil)
  guard PositionalEncodingOptions.positionRange.contains(options.positions) else {
    throw AttnvizError.usage(
      "--positions must be between 1 and \(PositionalEncodingOptions.positionRange.upperBound),"
        + " not \(options.positions)"
    )
  }
  guard RotaryOptions.headSizeRange.contains(options.headSize), options.headSize % 2 == 0 else {
    throw AttnvizError.usage(
      "--head-size must be an even number between 2 and 1024 (dimensions rotate in pairs),"
        + " not \(options.headSize)"
    )
  }
  guard options.base.isFinite, options.base > 1, options.base <= 1e9 else {
    throw AttnvizError.usage(
      "--theta must be between 1 and 1e9 (10000 in most models), not \(options.base)")
  }
  let rope = RotaryEmbedding(headSize: options.headSize, base: options.base)
  let theta = trimmedNumber(options.base)
  var files: [OutputFile] = []
  if options.formats.contains(.png) || options.formats.contains(.svg) {
    let fonts = try loadFonts(options.figure)
    let style = figureStyle(options.figure)
    let angles = rotaryAnglesFigure(
      rope, positions: options.positions,
      title: FigureTitle(
        "Rotary position embedding · rotation angle per position and dimension pair",
        subtitle:
          "angle = m · θᵢ, θᵢ = \(theta)^(−2i/d), wrapped to (−π, π] · "
          + "head size d = \(options.headSize) · \(options.positions) positions"
      ),
      style: style, measurer: fonts)
    let dot = rotaryDotProductFigure(
      rope, maxDistance: max(options.positions - 1, 1),
      title: FigureTitle(
        "Rotary position embedding · q·k against distance",
        subtitle:
          "q and k with every pair (1, 0), rotated to positions m and n · θ = \(theta) · head size d = \(options.headSize)"
      ),
      caption: [
        "q·k = Σᵢ cos((m − n)·θᵢ): it depends only on the distance m − n, not on where the pair sits,",
        "and shrinks (with ripples) as the distance grows: RoPE's built-in decay with distance.",
      ],
      style: style, measurer: fonts)
    let scenes = options.figure.finish([angles, dot], margin: style.margin, measurer: fonts)
    for (stem, scene) in zip(["rope-angles", "rope-dot"], scenes) {
      if options.formats.contains(.png) {
        let png = try encodeFigure(
          scene, scale: options.figure.pngScale(scene), fonts: fonts, text: options.figure.pngText)
        files.append(OutputFile(name: stem + ".png", contents: png))
      }
      if options.formats.contains(.svg) {
        files.append(OutputFile(name: stem + ".svg", text: options.figure.svg(scene)))
      }
    }
  }
  if options.formats.contains(.json) {
    files.append(
      OutputFile(name: "rope.json", text: rotaryJSON(rope, positions: options.positions)))
  }
  var report = RunReport()
  report.writtenFiles = try OutputFolder(path: options.outputFolder).write(files)
  return report
}

/// `{"theta": 10000, "head_size": 64, "frequencies": [...], "dot_product": [...]}`: θᵢ per pair
/// and the normalised q·k for distances 0 … positions − 1 (angles follow as m·θᵢ).
func rotaryJSON(_ rope: RotaryEmbedding, positions: Int) -> String {
  let frequencies = (0..<rope.pairs).map { jsonNumber(rope.frequency(pair: $0)) }
  let dot = (0..<positions).map { jsonNumber(rope.normalizedDotProduct(distance: $0)) }
  return "{\n  \"theta\": \(jsonNumber(rope.base)),\n  \"head_size\": \(rope.headSize),\n"
    + "  \"frequencies\": [\(frequencies.joined(separator: ", "))],\n"
    + "  \"dot_product\": [\(dot.joined(separator: ", "))]\n}\n"
}

/// 10000 → "10000", 500000.5 → "500000.5".
package func trimmedNumber(_ value: Double) -> String {
  value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : "\(value)"
}
