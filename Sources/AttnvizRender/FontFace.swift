import CFreeType

/// An anti-aliased coverage mask of one glyph, placed relative to its pen position in device
/// pixels (y down): the mask's top-left pixel is at (penX + left, penY - top).
final class GlyphBitmap: Sendable {
  let left: Int
  let top: Int
  let width: Int
  let rows: Int
  /// `width × rows` coverage values, 0 (none) to 255 (full), rows top to bottom.
  let coverage: [UInt8]

  init(left: Int, top: Int, width: Int, rows: Int, coverage: [UInt8]) {
    self.left = left
    self.top = top
    self.width = width
    self.rows = rows
    self.coverage = coverage
  }

  static let empty = GlyphBitmap(left: 0, top: 0, width: 0, rows: 0, coverage: [])
}

/// A FreeType library instance, freed once the last face opened in it is gone.
final class FreeTypeLibrary {
  let handle: FT_Library

  init() throws {
    var library: FT_Library?
    guard FT_Init_FreeType(&library) == 0, let library else {
      throw FontError.freeType("could not initialise the library")
    }
    handle = library
  }

  deinit { FT_Done_FreeType(handle) }
}

/// One FreeType face. Not thread-safe: `FontSet` serialises all access under its lock.
final class FontFace {
  let face: FT_Face
  /// Kept so the library outlives the face.
  private let library: FreeTypeLibrary
  /// Where the face came from, for `FontSet.report`.
  let origin: String
  let familyName: String
  let unitsPerEm: Double
  let hasKerning: Bool
  /// A regular face standing in for a missing bold (a `--font` file): outlines are thickened.
  let synthesizeBold: Bool
  private var currentSize: FT_F26Dot6 = 0

  init(face: FT_Face, library: FreeTypeLibrary, origin: String, synthesizeBold: Bool = false) {
    self.face = face
    self.library = library
    self.origin = origin
    self.synthesizeBold = synthesizeBold
    let rec = face.pointee
    let family = rec.family_name.map { String(cString: $0) } ?? "unnamed"
    let style = rec.style_name.map { String(cString: $0) } ?? ""
    familyName = style.isEmpty ? family : "\(family) \(style)"
    unitsPerEm = Double(max(rec.units_per_EM, 1))
    hasKerning = attnviz_ft_has_kerning(face) != 0
  }

  deinit { FT_Done_Face(face) }

  /// The glyph for a Unicode scalar, or nil when the face lacks it.
  func glyphIndex(for scalar: Unicode.Scalar) -> UInt32? {
    let index = FT_Get_Char_Index(face, FT_ULong(scalar.value))
    return index == 0 ? nil : index
  }

  /// Advance width in ems (font units over units per em): independent of size and hinting, so
  /// measurement and drawing use exactly the same number.
  func advance(of glyph: UInt32) -> Double {
    var units: FT_Fixed = 0
    guard FT_Get_Advance(face, glyph, attnviz_ft_load_unscaled, &units) == 0 else { return 0 }
    return Double(units) / unitsPerEm
  }

  /// Kerning between two glyphs of this face, in ems (from the legacy 'kern' table).
  func kerning(_ left: UInt32, _ right: UInt32) -> Double {
    guard hasKerning else { return 0 }
    var delta = FT_Vector()
    let unscaled = FT_UInt(FT_KERNING_UNSCALED.rawValue)
    guard FT_Get_Kerning(face, left, right, unscaled, &delta) == 0 else { return 0 }
    return Double(delta.x) / unitsPerEm
  }

  var ascender: Double { Double(face.pointee.ascender) / unitsPerEm }
  var descender: Double { -Double(face.pointee.descender) / unitsPerEm }

  /// Renders `glyph` at `pixelSize` (26.6 fixed point: 64ths of a pixel), turned
  /// counter-clockwise by the angle whose cosine and sine are given, shifted right/down by a
  /// sub-pixel offset (26.6). Plain integers here, so FreeType's types stay in this file and
  /// FaceLoader.swift.
  func render(
    glyph: UInt32, pixelSize size: Int, cos: Double, sin: Double, offsetX: Int, offsetY: Int
  ) -> GlyphBitmap {
    let pixelSize = FT_F26Dot6(size)
    if pixelSize != currentSize {
      guard FT_Set_Char_Size(face, 0, pixelSize, 72, 72) == 0 else { return .empty }
      currentSize = pixelSize
    }
    // FreeType's y axis points up, so a counter-clockwise turn on the page is the usual
    // rotation matrix there, and a downward device shift is a negative y delta.
    var matrix = FT_Matrix(
      xx: FT_Fixed((cos * 65536).rounded()), xy: FT_Fixed((-sin * 65536).rounded()),
      yx: FT_Fixed((sin * 65536).rounded()), yy: FT_Fixed((cos * 65536).rounded()))
    var delta = FT_Vector(x: FT_Pos(offsetX), y: FT_Pos(-offsetY))
    FT_Set_Transform(face, &matrix, &delta)
    defer { FT_Set_Transform(face, nil, nil) }
    guard FT_Load_Glyph(face, glyph, attnviz_ft_load_outline) == 0, let slot = face.pointee.glyph
    else { return .empty }
    if synthesizeBold && slot.pointee.format == FT_GLYPH_FORMAT_OUTLINE {
      // FreeType's FT_GlyphSlot_Embolden strength (em / 24), without widening the advance.
      let strength = FT_Pos(pixelSize / 24)
      FT_Outline_Embolden(&slot.pointee.outline, strength)
    }
    guard FT_Render_Glyph(slot, FT_RENDER_MODE_NORMAL) == 0 else { return .empty }
    return copyBitmap(slot.pointee)
  }

  private func copyBitmap(_ slot: FT_GlyphSlotRec) -> GlyphBitmap {
    let bitmap = slot.bitmap
    let width = Int(bitmap.width)
    let rows = Int(bitmap.rows)
    guard width > 0, rows > 0, let buffer = bitmap.buffer else { return .empty }
    let pitch = Int(bitmap.pitch)
    let mode = bitmap.pixel_mode
    var coverage = [UInt8](repeating: 0, count: width * rows)
    for row in 0..<rows {
      // A negative pitch means the rows are stored bottom-up.
      let source = buffer + (pitch >= 0 ? row * pitch : (rows - 1 - row) * -pitch)
      for column in 0..<width {
        let value: UInt8
        if mode == UInt8(FT_PIXEL_MODE_GRAY.rawValue) {
          value = source[column]
        } else if mode == UInt8(FT_PIXEL_MODE_MONO.rawValue) {
          value = (source[column >> 3] >> (7 - UInt8(column & 7))) & 1 == 1 ? 255 : 0
        } else {
          value = 0
        }
        coverage[row * width + column] = value
      }
    }
    return GlyphBitmap(
      left: Int(slot.bitmap_left), top: Int(slot.bitmap_top), width: width, rows: rows,
      coverage: coverage)
  }
}
