import AttnvizFiles
import CEmbeddedFonts
import CFreeType
import Foundation

/// Opens the faces of a `FontSet` and decides the lookup order for each weight.
struct FaceLoader {
  let library: FreeTypeLibrary
  var faces: [FontFace] = []
  var regularChain: [Int] = []
  var boldChain: [Int] = []
  var regularDejaVu = 0
  var boldDejaVu = 0
  var usesBuiltIn = false
  var report: [String] = []

  init(library: FreeTypeLibrary) { self.library = library }

  mutating func openAll(fontPath: String?, searchSystemFonts: Bool, home: String?) throws {
    if let fontPath {
      let user = try openUserFont(at: fontPath)
      add(user, role: "regular (--font)", toRegular: true, toBold: false)
      let bold = try openUserFont(at: fontPath, synthesizeBold: true)
      add(bold, role: "bold (--font, thickened)", toRegular: false, toBold: true)
    }
    let regularPath =
      searchSystemFonts ? FontSearch.path(of: FontSearch.regularName, home: home) : nil
    let boldPath = searchSystemFonts ? FontSearch.path(of: FontSearch.boldName, home: home) : nil
    let regular = try openDejaVu(path: regularPath, bold: false)
    let bold = try openDejaVu(path: boldPath, bold: true)
    regularDejaVu = add(regular, role: "regular", toRegular: true, toBold: false)
    boldDejaVu = add(bold, role: "bold", toRegular: false, toBold: true)
    // Bold text falls back to regular DejaVu before other fonts: same design, wider coverage
    // when the system has regular but only the subset is left for bold.
    boldChain.append(regularDejaVu)
    guard searchSystemFonts else { return }
    let installed = FontSearch.installed(home: home)
    for name in FontSearch.fallbackNames {
      guard let path = installed[name], let face = try? openFile(at: path) else {
        continue
      }
      add(face, role: "fallback", toRegular: true, toBold: true)
    }
  }

  @discardableResult
  private mutating func add(_ face: FontFace, role: String, toRegular: Bool, toBold: Bool) -> Int {
    let index = faces.count
    faces.append(face)
    if toRegular { regularChain.append(index) }
    if toBold { boldChain.append(index) }
    report.append("\(role): \(face.familyName) (\(face.origin))")
    return index
  }

  /// The system DejaVu when a readable one was found, else the built-in subset.
  private mutating func openDejaVu(path: String?, bold: Bool) throws -> FontFace {
    if let path, let face = try? openFile(at: path) { return face }
    usesBuiltIn = true
    let data = bold ? attnviz_embedded_font_bold() : attnviz_embedded_font_regular()
    let size = bold ? attnviz_embedded_font_bold_size() : attnviz_embedded_font_regular_size()
    var face: FT_Face?
    guard let data, FT_New_Memory_Face(library.handle, data, FT_Long(size), 0, &face) == 0,
      let face
    else {
      throw FontError.freeType("could not open the built-in DejaVu Sans")
    }
    return FontFace(face: face, library: library, origin: "built in")
  }

  private func openUserFont(at path: String, synthesizeBold: Bool = false) throws -> FontFace {
    do {
      try BoundedFile.checkRegularFile(path, what: "font", limit: FileLimits.fontFile)
    } catch let error as FileReadError {
      throw FontError.unreadable(path: path, reason: error.reason)
    }
    guard FileManager.default.isReadableFile(atPath: path) else {
      throw FontError.unreadable(path: path, reason: "cannot be read: permission denied")
    }
    return try openFile(at: path, synthesizeBold: synthesizeBold)
  }

  /// Opens the first face of a font file; it must be scalable and map Unicode.
  private func openFile(at path: String, synthesizeBold: Bool = false) throws -> FontFace {
    // FreeType opens the path itself: a FIFO there would block it forever.
    do {
      try BoundedFile.checkRegularFile(path, what: "font", limit: FileLimits.fontFile)
    } catch let error as FileReadError {
      throw FontError.unreadable(path: path, reason: error.reason)
    }
    var face: FT_Face?
    let status = FT_New_Face(library.handle, path, 0, &face)
    guard status == 0, let face else {
      let reason = status == 2 ? "unknown file format" : "FreeType error \(status)"
      throw FontError.notAFont(path: path, reason: reason)
    }
    let opened = FontFace(
      face: face, library: library, origin: path, synthesizeBold: synthesizeBold)
    guard attnviz_ft_is_scalable(face) != 0 else {
      throw FontError.notAFont(path: path, reason: "a bitmap font, which cannot be scaled")
    }
    guard face.pointee.charmap != nil else {
      throw FontError.notAFont(path: path, reason: "it has no Unicode character map")
    }
    return opened
  }
}
