// Scenes carry colours, so every module that builds or draws one needs RGBA and the colour maps:
// re-exported here so `import AttnvizRender` keeps bringing them (the tables, which draw no
// scene, import AttnvizStyle alone).
@_exported import AttnvizStyle

/// A figure laid out once, as drawing primitives in logical pixels (origin top left, y down).
///
/// Views build a `Scene`; the PNG rasteriser and the SVG writer each draw the same scene and know
/// nothing of heatmaps or tokens, so the two formats can never disagree (matplotlib's
/// `RendererBase` split).
public struct Scene: Sendable, Equatable {
  /// Size in logical pixels. The PNG is `width × scale` by `height × scale` device pixels.
  public var width: Double
  public var height: Double
  public var background: RGBA
  /// Drawn in order: later items paint over earlier ones.
  public var items: [SceneItem]

  public init(width: Double, height: Double, background: RGBA = .white, items: [SceneItem] = []) {
    self.width = width
    self.height = height
    self.background = background
    self.items = items
  }

  public mutating func add(_ item: SceneItem) { items.append(item) }
}

public enum SceneItem: Sendable, Equatable {
  case rect(RectItem)
  case line(LineItem)
  case text(TextItem)
}

public struct Point: Sendable, Equatable {
  public var x: Double
  public var y: Double
  public init(_ x: Double, _ y: Double) {
    self.x = x
    self.y = y
  }
}

/// An axis-aligned rectangle, filled and optionally outlined.
public struct RectItem: Sendable, Equatable {
  public var x: Double
  public var y: Double
  public var width: Double
  public var height: Double
  public var fill: RGBA
  public var stroke: RGBA?
  public var strokeWidth: Double
  /// Optional semantic tag carried into the SVG as a class (e.g. "cell", "colorbar"), so tests and
  /// stylesheets can find parts of a figure. Ignored by the rasteriser.
  public var role: String?

  public init(
    x: Double, y: Double, width: Double, height: Double, fill: RGBA, stroke: RGBA? = nil,
    strokeWidth: Double = 1, role: String? = nil
  ) {
    self.x = x
    self.y = y
    self.width = width
    self.height = height
    self.fill = fill
    self.stroke = stroke
    self.strokeWidth = strokeWidth
    self.role = role
  }
}

/// A straight anti-aliased segment with butt caps.
public struct LineItem: Sendable, Equatable {
  public var from: Point
  public var to: Point
  public var color: RGBA
  public var width: Double
  public var role: String?

  public init(from: Point, to: Point, color: RGBA, width: Double = 1, role: String? = nil) {
    self.from = from
    self.to = to
    self.color = color
    self.width = width
    self.role = role
  }
}

public enum TextAnchor: String, Sendable, Equatable {
  /// `position` is where the text starts (left end of the baseline, before rotation).
  case start
  case middle
  /// `position` is where the text ends.
  case end
}

public enum FontWeight: String, Sendable, Equatable {
  case regular
  case bold
}

/// One run of text on a baseline.
public struct TextItem: Sendable, Equatable {
  public var string: String
  /// The anchor point on the baseline (see `anchor`).
  public var position: Point
  /// Font size in logical pixels (the em size).
  public var size: Double
  public var color: RGBA
  public var anchor: TextAnchor
  public var weight: FontWeight
  /// Rotation in degrees about `position`, counter-clockwise as seen on the page: 90 reads bottom
  /// to top (a y-axis title), 45 rises to the right (a slanted column label).
  public var rotation: Double
  public var role: String?

  public init(
    _ string: String, at position: Point, size: Double, color: RGBA = .black,
    anchor: TextAnchor = .start, weight: FontWeight = .regular, rotation: Double = 0,
    role: String? = nil
  ) {
    self.string = string
    self.position = position
    self.size = size
    self.color = color
    self.anchor = anchor
    self.weight = weight
    self.rotation = rotation
    self.role = role
  }
}

/// Text metrics a layout needs before anything is drawn. The FreeType-backed `FontSet` is the
/// real one; both the rasteriser and the layout use the same instance so measured and drawn
/// text agree.
public protocol TextMeasuring: Sendable {
  /// Advance width of `string` at `size` logical pixels.
  func width(of string: String, size: Double, weight: FontWeight) -> Double
  /// Distance from the baseline up to the top of tall glyphs, at `size`.
  func ascent(size: Double) -> Double
  /// Distance from the baseline down to the bottom of descenders (positive), at `size`.
  func descent(size: Double) -> Double
}
