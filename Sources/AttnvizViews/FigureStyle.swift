import AttnvizRender

/// How a figure looks. Sizes are logical pixels; the PNG is drawn at a scale factor (2 by
/// default), so 13 logical px is 26 device px.
public struct FigureStyle: Sendable, Equatable {
  /// Colour map for attention weights (fixed 0…1 scale).
  public var colorMap: ColorMap
  /// Colour map for signed matrices (symmetric scale around 0) and the positional encoding.
  public var divergingMap: ColorMap
  /// Side of a heatmap cell for small matrices. Larger matrices shrink it so the figure stays
  /// on a slide (grid at most `maxGridSize`).
  public var cellSize: Double
  /// The largest a heatmap grid grows along either axis before cells shrink.
  public var maxGridSize: Double
  /// Print each value in its cell (when the cells are large enough to hold it).
  public var annotate: Bool
  /// Labels, ticks and axis titles.
  public var fontSize: Double
  public var titleSize: Double
  /// Longer labels are shortened with "…" to this width.
  public var maxLabelWidth: Double
  /// White space around the figure.
  public var margin: Double
  /// The narrowest a figure's heading may be: a small body still gets a readable title line.
  public var minimumWidth = 480.0
  /// The width:height of the slide the figure will be fitted to (`--preset slide`: 16/9), so
  /// figures of many panels arrange them to fill it; nil: no slide.
  public var slideAspect: Double? = nil
  /// A figure that shows "·animal" says once, under its title, what the leading "·" means.
  /// Off for panels that a composed figure says it for once (compare, explain).
  public var explainsSpaceMark = false
  /// Overrides for the axis titles that views choose from the matrix (nil: automatic).
  public var rowAxisTitle: String?
  public var columnAxisTitle: String?
  /// The colour bar's label of a 0…1 matrix that is not attention weights (a gate); nil:
  /// "attention weight".
  public var unitScaleLabel: String?
  /// For signed matrices: the colour scale's ±limit, when several figures must share one (nil:
  /// the matrix's own largest magnitude).
  public var signedLimit: Double?

  public init(
    colorMap: ColorMap = FigureStyle.defaultColorMap,
    divergingMap: ColorMap = FigureStyle.defaultDivergingMap,
    cellSize: Double = 34, maxGridSize: Double = 1000, annotate: Bool = false,
    fontSize: Double = 13, titleSize: Double = 18, maxLabelWidth: Double = 130,
    margin: Double = 24, rowAxisTitle: String? = nil, columnAxisTitle: String? = nil
  ) {
    self.colorMap = colorMap
    self.divergingMap = divergingMap
    self.cellSize = cellSize
    self.maxGridSize = maxGridSize
    self.annotate = annotate
    self.fontSize = fontSize
    self.titleSize = titleSize
    self.maxLabelWidth = maxLabelWidth
    self.margin = margin
    self.rowAxisTitle = rowAxisTitle
    self.columnAxisTitle = columnAxisTitle
  }

  public static let defaultColorMap = ColorMap.viridis
  public static let defaultDivergingMap = ColorMap.diverging

  /// Text colours: ink for titles and labels, a softer grey for subtitles, ticks and notes.
  static let ink = RGBA(26, 26, 26)
  static let softInk = RGBA(90, 90, 90)
  static let rule = RGBA(120, 120, 120)
}

/// The heading of a figure. The caller composes it (e.g. "builtin · layer 1 · head 2" and the
/// sentence); the view shortens either line with "…" if it is wider than the figure.
public struct FigureTitle: Sendable, Equatable {
  public var title: String
  public var subtitle: String?

  public init(_ title: String, subtitle: String? = nil) {
    self.title = title
    self.subtitle = subtitle
  }
}
