import AttnvizRender

/// `--preset`: defaults for where a figure will be shown. A preset only sets defaults; the
/// command line's explicit options win (the shell resolves that).
public enum FigurePreset: String, CaseIterable, Sendable {
  /// 16:9 at 1920×1080, type sized for the back row of a lecture hall.
  case slide
  /// Compact, type sized for a printed column; SVG first.
  case paper
  /// Light ink on a dark background, for dark slide themes.
  case dark

  /// The style with this preset's sizes.
  public func apply(to style: inout FigureStyle) {
    switch self {
    case .slide:
      style.fontSize = 22
      style.titleSize = 32
      style.margin = 48
      style.cellSize = 48
      style.maxLabelWidth = 220
      // A 16:9 slide has room for a full title line even over a narrow figure.
      style.minimumWidth = 1100
      style.slideAspect = 16.0 / 9.0
    case .paper:
      style.fontSize = 9
      style.titleSize = 11
      style.margin = 8
      style.cellSize = 18
      style.maxLabelWidth = 90
    case .dark:
      break
    }
  }

  /// The pixel size every PNG is fitted to, or nil to keep the figure's own size.
  public var pixelSize: (width: Int, height: Int)? {
    self == .slide ? (1920, 1080) : nil
  }

  public var theme: FigureTheme { self == .dark ? .dark : .light }
}

/// The presets of one run, combined (`--preset slide,dark`): at most one of slide and paper,
/// which size the figure, and dark, which colours it. The order given does not matter.
public struct FigurePresets: Sendable, Equatable {
  public private(set) var members: [FigurePreset]

  /// Refuses slide with paper: both set the size.
  public init(_ presets: [FigurePreset]) throws {
    if presets.contains(.slide) && presets.contains(.paper) {
      throw PresetConflict()
    }
    members = FigurePreset.allCases.filter(presets.contains)
  }

  private init(one preset: FigurePreset) { members = [preset] }

  public static let slide = FigurePresets(one: .slide)
  public static let paper = FigurePresets(one: .paper)
  public static let dark = FigurePresets(one: .dark)

  public func contains(_ preset: FigurePreset) -> Bool { members.contains(preset) }

  public func apply(to style: inout FigureStyle) {
    for preset in members { preset.apply(to: &style) }
  }

  public var pixelSize: (width: Int, height: Int)? { members.lazy.compactMap(\.pixelSize).first }

  public var theme: FigureTheme { contains(.dark) ? .dark : .light }
}

/// `--preset slide,paper`: both set the size.
public struct PresetConflict: Error, CustomStringConvertible {
  public var description: String {
    "--preset slide and paper both set the figure's size; choose one (dark combines with either)"
  }
}

/// The colours of everything that is not data: background, titles, labels, rules.
public enum FigureTheme: Sendable {
  case light
  case dark

  static let darkBackground = RGBA(24, 26, 31)
  static let darkInk = RGBA(236, 236, 236)
  static let darkSoftInk = RGBA(178, 178, 178)
  static let darkRule = RGBA(150, 150, 150)
  /// Masked cells on a dark page: a shade lighter than the page, struck through a shade lighter
  /// again, so they read as "no weight" and never as a bright block (or as weight 0, the
  /// colour map's darkest colour).
  static let darkMaskedFill = RGBA(52, 55, 62)
  static let darkMaskedStroke = RGBA(96, 100, 108)
  /// Text drawn on the page itself; values printed inside cells keep the colour chosen for
  /// their cell, and token boxes keep their own light fill and dark text.
  static let pageTextRoles: Set<String> = [
    "title", "subtitle", "row-label", "column-label", "axis-title", "legend", "colorbar-tick",
    "colorbar-label",
    "note", "panel-title", "token-label", "position", "callout", "caption", "slide-number",
  ]
}

/// The scene in `theme`'s colours. Data colours (cells, weight lines) never change, so a dark
/// figure shows the same numbers in the same colours as a light one.
public func themed(_ scene: Scene, _ theme: FigureTheme) -> Scene {
  guard theme == .dark else { return scene }
  var scene = scene
  scene.background = FigureTheme.darkBackground
  // A highlighted token and a callout keep dark text on their light boxes.
  let boxes: [RectItem] = scene.items.compactMap {
    if case .rect(let rect) = $0, rect.role == "focus" || rect.role == "callout-box" {
      return rect
    }
    return nil
  }
  func onBox(_ point: Point) -> Bool {
    boxes.contains {
      point.x >= $0.x && point.x <= $0.x + $0.width && point.y >= $0.y
        && point.y <= $0.y + $0.height
    }
  }
  scene.items = scene.items.map { item in
    switch item {
    case .text(var text)
    where FigureTheme.pageTextRoles.contains(text.role ?? "") && !onBox(text.position):
      text.color = text.color == FigureStyle.softInk ? FigureTheme.darkSoftInk : FigureTheme.darkInk
      return .text(text)
    case .line(var line) where line.color == FigureStyle.rule:
      line.color = FigureTheme.darkRule
      return .line(line)
    case .line(var line) where line.color == maskedStroke:
      line.color = FigureTheme.darkMaskedStroke
      return .line(line)
    case .rect(var rect) where rect.fill == maskedFill:
      // Masked cells stay "no weight here" without a light block on the dark page.
      rect.fill = FigureTheme.darkMaskedFill
      return .rect(rect)
    case .line(var line):
      // Weight lines fade into the page by their alpha; on a dark page they need light ink.
      line.color = lightened(line.color, by: 0.45)
      return .line(line)
    case .rect(var rect) where rect.stroke == FigureStyle.rule:
      rect.stroke = FigureTheme.darkRule
      return .rect(rect)
    default:
      return item
    }
  }
  return scene
}

/// The scene centred on a canvas of `width:height` proportions (a 16:9 slide), background
/// extended, so the PNG fills the slide without being stretched.
public func fittedToAspect(_ scene: Scene, width: Int, height: Int) -> Scene {
  // A whole number of width:height units (16:9 reduced), so the canvas is exactly in proportion
  // and scaling it to the pixel size leaves no pixel row short.
  let divisor = greatestCommonDivisor(width, height)
  let (unitsWide, unitsHigh) = (Double(width / divisor), Double(height / divisor))
  let units = max((scene.width / unitsWide).rounded(.up), (scene.height / unitsHigh).rounded(.up))
  let canvasWidth = units * unitsWide
  let canvasHeight = units * unitsHigh
  let dx = ((canvasWidth - scene.width) / 2).rounded()
  let dy = ((canvasHeight - scene.height) / 2).rounded()
  var fitted = Scene(width: canvasWidth, height: canvasHeight, background: scene.background)
  fitted.items = scene.items.map { $0.moved(dx, dy) }
  return fitted
}

/// `color` mixed towards white by `amount` (0…1), alpha kept.
func lightened(_ color: RGBA, by amount: Double) -> RGBA {
  func mix(_ c: UInt8) -> UInt8 { UInt8((Double(c) + (255 - Double(c)) * amount).rounded()) }
  return RGBA(mix(color.r), mix(color.g), mix(color.b), color.a)
}

private func greatestCommonDivisor(_ a: Int, _ b: Int) -> Int {
  b == 0 ? max(a, 1) : greatestCommonDivisor(b, a % b)
}
