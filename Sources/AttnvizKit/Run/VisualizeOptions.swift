import AttnvizStyle
import AttnvizTables

/// Views of attention that can be drawn (`--view`).
public enum ViewKind: String, CaseIterable, Sendable {
  /// One heatmap per head: queries down, keys across.
  case heatmap
  /// All heads of a layer side by side, one shared scale.
  case heads
  /// BertViz's head view: lines from query tokens to key tokens.
  case lines
  /// Every layer × head as thumbnails (models with several layers).
  case model
}

/// File formats (`--format`).
public enum OutputFormat: String, CaseIterable, Sendable {
  case png, svg, json, txt, csv, md
  public static let defaults: [OutputFormat] = [.png, .json]
}

/// How figures look.
public struct FigureOptions: Equatable, Sendable {
  public var colorMap = ColorMapName.viridis
  public var annotate = false
  /// Device pixels per logical pixel; 2 stays crisp on a 1080p projector and a retina screen.
  public var scale = 2.0
  /// Cell size in logical pixels, or nil to adapt to the token count.
  public var cellSize: Double?
  public var fontPath: String?
  /// `--focus WORD|INDEX` for the lines view (index 1-based, as displayed).
  public var focus: String?

  public init() {}
}

/// What the terminal gets.
public struct DisplayOptions: Equatable, Sendable {
  public var colorMode: ColorMode = .plain
  public var width = 80
  /// `--json`: the JSON document is the only thing on standard output.
  public var jsonToStandardOutput = false
  /// `--quiet`: nothing but errors.
  public var quiet = false
  /// Print one table per head even for a multi-layer model (default there: the heads' average).
  public var perHead = false

  public init() {}
}


/// Everything the main job needs; the command line fills it in.
public struct VisualizeOptions: Equatable, Sendable {
  public var text: TextSource
  public var model: ModelChoice = .defaultBuiltin
  public var outputFolder = "attnviz-out"
  public var formats: [OutputFormat] = OutputFormat.defaults
  /// nil: the defaults for the model (heatmap and heads; plus model for several layers).
  public var views: [ViewKind]?
  /// 1-based, as displayed; nil: the last layer.
  public var layer: Int?
  /// 1-based; nil: every head.
  public var head: Int?
  public var hideSpecialTokens = false
  public var figure = FigureOptions()
  public var display = DisplayOptions()

  public init(text: TextSource) {
    self.text = text
  }
}

/// What a run produced, for the shell to print: `standardOutput` to stdout, `writtenFiles` and
/// `notes` to stderr, one a line.
public struct RunReport: Equatable, Sendable {
  public var standardOutput = ""
  public var writtenFiles: [String] = []
  public var notes: [String] = []

  public init() {}
}
