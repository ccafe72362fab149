/// Why a font could not be used.
public enum FontError: Error, Equatable, CustomStringConvertible {
  /// The file given with `--font` does not exist or cannot be read.
  case unreadable(path: String, reason: String)
  /// The file exists but FreeType cannot read it as a scalable font.
  case notAFont(path: String, reason: String)
  /// FreeType itself failed (out of memory, broken install).
  case freeType(String)

  public var description: String {
    switch self {
    case .unreadable(let path, let reason):
      "the font file '\(path)' \(reason); give a TrueType or OpenType file, or leave out --font"
    case .notAFont(let path, let reason):
      "'\(path)' is not a usable font (\(reason)); give a TrueType or OpenType file (.ttf, .otf, "
        + ".ttc), or leave out --font to use DejaVu Sans"
    case .freeType(let message):
      "FreeType failed: \(message)"
    }
  }
}
