import Foundation

/// The fonts figures are drawn and measured with: DejaVu Sans and DejaVu Sans Bold (from the
/// system, else the subset compiled into the binary), an optional user font tried first, and
/// installed fonts for scripts DejaVu lacks (CJK). A character no font has draws DejaVu's
/// `.notdef` hollow box.
///
/// Widths come from unscaled advances and kerning, in ems, so `width(of:size:weight:)` is
/// exactly the pen travel the rasteriser uses at every scale. Thread-safe: FreeType calls and the
/// caches sit behind one lock.
public final class FontSet: TextMeasuring, @unchecked Sendable {
  /// True when DejaVu Sans comes from the built-in subset rather than a file.
  public let usesBuiltInFont: Bool
  /// One line per face in lookup order, e.g. "regular: DejaVu Sans Book
  /// (/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf)".
  public let report: [String]
  /// Family and style of the first face tried for regular text.
  public var primaryFontName: String { faces[regularChain[0]].familyName }

  private let faces: [FontFace]
  /// Indices into `faces`, tried in order for each weight.
  private let regularChain: [Int]
  private let boldChain: [Int]
  /// DejaVu's face per weight: its `.notdef` box stands for characters no face has.
  private let regularNotdefFace: Int
  private let boldNotdefFace: Int
  private let lock = NSLock()
  private var glyphLookup: [GlyphLookupKey: PlacedGlyph] = [:]
  private var advances: [FaceGlyph: Double] = [:]
  private var bitmaps: [BitmapKey: GlyphBitmap] = [:]

  /// - Parameters:
  ///   - fontPath: a TrueType/OpenType file tried before DejaVu (`--font`); an error if it cannot
  ///     be read or is not a scalable font. Its regular face is thickened for bold text.
  ///   - searchSystemFonts: false uses only `fontPath` and the built-in DejaVu subset (tests,
  ///     and output that must not depend on what is installed).
  ///   - home: the user's home folder, whose `.fonts` and `.local/share/fonts` are searched
  ///     after the system's folders (nil: the system's only).
  public init(fontPath: String? = nil, searchSystemFonts: Bool = true, home: String? = nil) throws {
    var opened = FaceLoader(library: try FreeTypeLibrary())
    try opened.openAll(fontPath: fontPath, searchSystemFonts: searchSystemFonts, home: home)
    faces = opened.faces
    regularChain = opened.regularChain
    boldChain = opened.boldChain
    regularNotdefFace = opened.regularDejaVu
    boldNotdefFace = opened.boldDejaVu
    usesBuiltInFont = opened.usesBuiltIn
    report = opened.report
  }

  // MARK: TextMeasuring

  public func width(of string: String, size: Double, weight: FontWeight) -> Double {
    layout(string, weight: weight).width * size
  }

  /// The first regular face's typographic ascender (hhea), as matplotlib and browsers use it.
  public func ascent(size: Double) -> Double { faces[regularChain[0]].ascender * size }

  /// The first regular face's typographic descender (hhea), positive.
  public func descent(size: Double) -> Double { faces[regularChain[0]].descender * size }

  /// Whether some face has a real glyph for `scalar` (false: it draws as a `.notdef` box).
  public func hasGlyph(for scalar: Unicode.Scalar, weight: FontWeight = .regular) -> Bool {
    let chain = weight == .bold ? boldChain : regularChain
    return lock.withLock { chain.contains { faces[$0].glyphIndex(for: scalar) != nil } }
  }

  // MARK: Layout and glyph images for the rasteriser

  /// Glyphs of `string` with their pen positions in ems from the start of the run.
  func layout(_ string: String, weight: FontWeight) -> TextLayout {
    let scalars = displayScalars(string)
    return lock.withLock {
      var placed: [PlacedGlyph] = []
      placed.reserveCapacity(scalars.count)
      var pen = 0.0
      var previous: PlacedGlyph?
      for scalar in scalars {
        var glyph = lookUp(scalar, weight: weight)
        if let previous, previous.face == glyph.face {
          pen += faces[glyph.face].kerning(previous.glyph, glyph.glyph)
        }
        glyph.x = pen
        pen += advance(face: glyph.face, glyph: glyph.glyph)
        placed.append(glyph)
        previous = glyph
      }
      return TextLayout(glyphs: placed, width: pen)
    }
  }

  /// The coverage mask of one glyph, cached per glyph, size, angle and quarter-pixel phase.
  func bitmap(
    face: Int, glyph: UInt32, pixelSize: Double, angle: QuantizedAngle, phaseX: Int, phaseY: Int
  ) -> GlyphBitmap {
    // Glyphs above 4096 device pixels (a whole figure per letter) are not drawn.
    guard pixelSize.isFinite, pixelSize > 0, pixelSize < 4096 else { return .empty }
    let size = Int((pixelSize * 64).rounded())
    guard size > 0 else { return .empty }
    let key = BitmapKey(
      face: face, glyph: glyph, size: size, angle: angle.centidegrees, phaseX: phaseX,
      phaseY: phaseY)
    return lock.withLock {
      if let cached = bitmaps[key] { return cached }
      let image = faces[face].render(
        glyph: glyph, pixelSize: size, cos: angle.cos, sin: angle.sin,
        offsetX: phaseX * 16, offsetY: phaseY * 16)
      // A bound on memory for pathological inputs (thousands of sizes or angles).
      if bitmaps.count >= 50_000 { bitmaps.removeAll(keepingCapacity: true) }
      bitmaps[key] = image
      return image
    }
  }

  // Both below run under `lock`.

  private func lookUp(_ scalar: Unicode.Scalar, weight: FontWeight) -> PlacedGlyph {
    let key = GlyphLookupKey(scalar: scalar.value, bold: weight == .bold)
    if let known = glyphLookup[key] { return known }
    let chain = weight == .bold ? boldChain : regularChain
    var found = PlacedGlyph(face: weight == .bold ? boldNotdefFace : regularNotdefFace, glyph: 0)
    for face in chain {
      if let glyph = faces[face].glyphIndex(for: scalar) {
        found = PlacedGlyph(face: face, glyph: glyph)
        break
      }
    }
    if glyphLookup.count >= 100_000 { glyphLookup.removeAll(keepingCapacity: true) }
    glyphLookup[key] = found
    return found
  }

  private func advance(face: Int, glyph: UInt32) -> Double {
    let key = FaceGlyph(face: face, glyph: glyph)
    if let known = advances[key] { return known }
    let value = faces[face].advance(of: glyph)
    advances[key] = value
    return value
  }
}

struct PlacedGlyph {
  let face: Int
  let glyph: UInt32
  /// Pen position in ems from the start of the run.
  var x: Double = 0
}

struct TextLayout {
  let glyphs: [PlacedGlyph]
  /// Total advance in ems.
  let width: Double
}

/// A rotation snapped to 1/100 degree, with exact sines and cosines at multiples of 90° so
/// axis-aligned text stays on the pixel grid.
struct QuantizedAngle {
  let centidegrees: Int
  let cos: Double
  let sin: Double

  init(degrees: Double) {
    let raw = degrees.isFinite ? (degrees * 100).rounded() : 0
    let wrapped = raw.truncatingRemainder(dividingBy: 36000)
    centidegrees = Int(wrapped < 0 ? wrapped + 36000 : wrapped)
    switch centidegrees {
    case 0: (cos, sin) = (1, 0)
    case 9000: (cos, sin) = (0, 1)
    case 18000: (cos, sin) = (-1, 0)
    case 27000: (cos, sin) = (0, -1)
    default:
      let radians = Double(centidegrees) / 100 * Double.pi / 180
      (cos, sin) = (Foundation.cos(radians), Foundation.sin(radians))
    }
  }

  var isAxisAligned: Bool { centidegrees % 9000 == 0 }
}

private struct GlyphLookupKey: Hashable {
  let scalar: UInt32
  let bold: Bool
}

private struct FaceGlyph: Hashable {
  let face: Int
  let glyph: UInt32
}

private struct BitmapKey: Hashable {
  let face: Int
  let glyph: UInt32
  let size: Int
  let angle: Int
  let phaseX: Int
  let phaseY: Int
}
