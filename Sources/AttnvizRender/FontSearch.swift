import Foundation

/// Finds font files installed on this machine, by file name, the way fontconfig's default
/// folders are laid out (searched recursively, paths in sorted order so the choice is stable).
enum FontSearch {
  static let regularName = "DejaVuSans.ttf"
  static let boldName = "DejaVuSans-Bold.ttf"
  static let usualFolder = "/usr/share/fonts/truetype/dejavu"

  /// Fonts with CJK and other scripts DejaVu lacks, tried in order after DejaVu.
  static let fallbackNames = [
    "NotoSansCJK-Regular.ttc", "NotoSansCJKsc-Regular.otf", "NotoSansCJKjp-Regular.otf",
    "NotoSansSC-Regular.otf", "wqy-microhei.ttc", "wqy-zenhei.ttc", "DroidSansFallbackFull.ttf",
    "DroidSansFallback.ttf", "NotoSans-Regular.ttf", "FreeSans.ttf", "unifont.otf",
  ]

  /// The system's font folders, then the user's under `home` (the caller's `HOME`: the library
  /// does not read the process environment).
  static func folders(home: String?) -> [String] {
    var result = ["/usr/share/fonts", "/usr/local/share/fonts"]
    if let home, !home.isEmpty {
      result.append(home + "/.fonts")
      result.append(home + "/.local/share/fonts")
    }
    return result
  }

  /// Every font file under the font folders, by file name → first path in sorted order.
  /// Walked once per process and home folder.
  static func installed(home: String?) -> [String: String] {
    cacheLock.lock()
    defer { cacheLock.unlock() }
    if let known = cache[home ?? ""] { return known }
    let found = walk(folders(home: home))
    cache[home ?? ""] = found
    return found
  }

  private static let cacheLock = NSLock()
  nonisolated(unsafe) private static var cache: [String: [String: String]] = [:]

  private static func walk(_ folders: [String]) -> [String: String] {
    var found: [String: String] = [:]
    let manager = FileManager.default
    for folder in folders {
      guard let walker = manager.enumerator(atPath: folder) else { continue }
      var paths: [String] = []
      while let relative = walker.nextObject() as? String {
        let lower = relative.lowercased()
        if lower.hasSuffix(".ttf") || lower.hasSuffix(".otf") || lower.hasSuffix(".ttc") {
          paths.append(relative)
        }
      }
      for relative in paths.sorted() {
        let name = (relative as NSString).lastPathComponent
        if found[name] == nil { found[name] = folder + "/" + relative }
      }
    }
    return found
  }

  /// The path of the installed font called `name`, preferring Debian's usual DejaVu folder.
  static func path(of name: String, home: String?) -> String? {
    let usual = usualFolder + "/" + name
    if FileManager.default.isReadableFile(atPath: usual) { return usual }
    return installed(home: home)[name]
  }
}
