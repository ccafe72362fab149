import AttnvizFiles
import AttnvizModel
import Foundation

/// Where a `--model` name led: a Hugging Face model folder, one GGUF file, or a translator's
/// folder (a Marian encoder–decoder, `attnviz translate`).
public enum ModelLocation: Equatable, Sendable {
  case folder(String)
  case gguf(String)
  case translator(String)

  public var path: String {
    switch self {
    case .folder(let path), .gguf(let path), .translator(let path): path
    }
  }
}

/// Finds a model where people keep them. `--model NAME` is, in this order:
///
/// - `ollama:NAME[:TAG]`: the GGUF blob an Ollama manifest names (`$OLLAMA_MODELS` or
///   `~/.ollama/models`);
/// - an existing path: a `.gguf` file, a Hugging Face folder (`config.json`), or a folder
///   holding one `.gguf` file;
/// - `ORG/NAME`: the snapshot `refs/main` points at in the Hugging Face cache (`$HF_HUB_CACHE`,
///   `$HF_HOME/hub`, `~/.cache/huggingface/hub`);
/// - a bare name: `NAME` or `NAME.gguf` under `$ATTNVIZ_MODELS`, the `make model` folder
///   (`$XDG_DATA_HOME/attnviz/models`, default `~/.local/share/attnviz/models`), `models/` in the
///   current folder, and `models/` of the source tree the binary was built in.
///
/// Everything it reads comes from `environment`, `home` and `currentFolder`, so tests lay out a
/// cache in a temporary folder.
public struct ModelLookup: Sendable {
  public var environment: [String: String]
  public var home: String
  public var currentFolder: String
  public var projectFolder: String?

  /// The models `make model` fetches, for the hint when one of them is missing.
  public static let makeModelNames = [
    "all-MiniLM-L6-v2", "SmolLM2-135M-Instruct", "Qwen2.5-Coder-0.5B-Instruct", "gemma-3-270m",
    "firefox-en-pt", "firefox-pt-en",
  ]

  public init(
    environment: [String: String], home: String? = nil, currentFolder: String? = nil,
    projectFolder: String? = nil
  ) {
    self.environment = environment
    self.home = home ?? environment["HOME"] ?? NSHomeDirectory()
    self.currentFolder = currentFolder ?? FileManager.default.currentDirectoryPath
    self.projectFolder = projectFolder
  }

  /// Resolves `name`, or throws one line naming every place it looked.
  public func resolve(_ name: String) throws -> ModelLocation {
    var looked: [String] = []
    if name.hasPrefix("ollama:") {
      return try OllamaStore(models: ollamaFolder).model(String(name.dropFirst(7)))
    }
    let direct = absolute(name)
    if let location = try classify(direct, looked: &looked) { return location }
    if Self.isFolder(direct) {
      // A folder given by path that holds no model: its loader says what is missing.
      return .folder(direct)
    }
    let parts = name.split(separator: "/", omittingEmptySubsequences: false)
    if parts.count == 2, parts.allSatisfy({ !$0.isEmpty && $0 != "." && $0 != ".." }) {
      for hub in hubFolders {
        let repository = "\(hub)/models--\(parts[0])--\(parts[1])"
        if let snapshot = HubCache.snapshot(repository),
          let location = try classify(snapshot, looked: &looked)
        {
          return location
        }
        looked.append(repository)
      }
    }
    if !name.contains("/") {
      for root in modelRoots {
        for candidate in ["\(root.path)/\(name)", "\(root.path)/\(name).gguf"] {
          if let location = try classify(candidate, looked: &looked) { return location }
        }
      }
    }
    throw AttnvizError.failure(notFound(name, looked: looked))
  }

  /// A name that can only be a path: absolute, relative to here or home, or a .gguf file.
  static func isPathLike(_ name: String) -> Bool {
    ["/", "./", "../", "~"].contains { name.hasPrefix($0) } || name.lowercased().hasSuffix(".gguf")
      || name.split(separator: "/").count > 2
  }

  private func notFound(_ name: String, looked: [String]) -> String {
    if Self.isPathLike(name) {
      return "no model at \(absolute(name)): there is no such file or folder; check the path"
    }
    var message = "no model \"\(name)\" found"
    if let near = nearestName(to: name, among: knownNames()) {
      message += " (did you mean \"\(near)\"?)"
    }
    // A line of five paths hides its advice; past two, the listing of `attnviz models` says
    // where attnviz looks (and what it found there).
    message +=
      looked.count <= 2
      ? "; looked in " + looked.joined(separator: ", ")
      : "; `attnviz models` lists the models attnviz can find and the folders it searches"
    if Self.makeModelNames.contains(name) {
      // `make model` installs into the data folder, which every lookup searches: the model is
      // missing there, so fetching it is what is left to do.
      message +=
        "; run `make model` in the attnviz folder to fetch it into \(dataFolder), or set"
        + " ATTNVIZ_MODELS to a folder that holds it"
    } else if name.contains("/") {
      message +=
        "; give a model folder or .gguf file, or a hub id already in the cache"
        + " (e.g. after `huggingface-cli download \(name)`)"
    } else {
      message += "; give a model folder, a .gguf file, ollama:NAME or set ATTNVIZ_MODELS"
    }
    return message
  }

  /// The names `attnviz models` lists, and those `make model` fetches.
  func knownNames() -> [String] {
    var names = Self.makeModelNames
    names += ModelCatalog(lookup: self).listings().map(\.name)
    return names
  }

  /// What is at `path`: a GGUF file, a Hugging Face folder, a folder with one GGUF, or nothing
  /// (recorded in `looked`). A folder with several GGUF files is an error naming them.
  func classify(_ path: String, looked: inout [String]) throws -> ModelLocation? {
    var isFolder: ObjCBool = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else {
      looked.append(path)
      return nil
    }
    guard isFolder.boolValue else {
      if path.lowercased().hasSuffix(".gguf") || Self.startsWithGGUFMagic(path) {
        return .gguf(path)
      }
      looked.append(path)
      return nil
    }
    // A Hugging Face encoder–decoder (marian, bart) has a config.json too: a translator first.
    if MarianTranslator.isTranslatorFolder(path) { return .translator(path) }
    if FileManager.default.fileExists(atPath: "\(path)/config.json") { return .folder(path) }
    let ggufs = Self.ggufFiles(in: path)
    switch ggufs.count {
    case 0:
      looked.append(path)
      return nil
    case 1:
      return .gguf("\(path)/\(ggufs[0])")
    default:
      throw AttnvizError.failure(
        "\(path) holds \(ggufs.count) GGUF files (\(ggufs.joined(separator: ", "))); "
          + "give the path of the one to use")
    }
  }

  static func isFolder(_ path: String) -> Bool {
    var isFolder: ObjCBool = false
    return FileManager.default.fileExists(atPath: path, isDirectory: &isFolder)
      && isFolder.boolValue
  }

  static func ggufFiles(in folder: String) -> [String] {
    let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
    return names.filter { $0.lowercased().hasSuffix(".gguf") }.sorted()
  }

  /// True for a regular file starting with "GGUF" (Ollama's blobs have no extension). Only the
  /// first 4 bytes are read, after `stat` says it is a regular file (a FIFO would block).
  static func startsWithGGUFMagic(_ path: String) -> Bool {
    (try? BoundedFile.readStart(path, what: "model file", count: 4)) == Array("GGUF".utf8)
  }

  func absolute(_ path: String) -> String {
    if path.hasPrefix("/") { return path }
    if path == "~" { return home }
    if path.hasPrefix("~/") { return home + path.dropFirst(1) }
    return "\(currentFolder)/\(path)"
  }

  private func variable(_ name: String) -> String? {
    guard let value = environment[name], !value.isEmpty else { return nil }
    return absolute(value)
  }

  /// The Hugging Face hub caches, in huggingface_hub's order of precedence.
  public var hubFolders: [String] {
    var folders: [String] = []
    if let cache = variable("HF_HUB_CACHE") { folders.append(cache) }
    if let hfHome = variable("HF_HOME") { folders.append("\(hfHome)/hub") }
    folders.append(
      (variable("XDG_CACHE_HOME") ?? "\(home)/.cache") + "/huggingface/hub")
    return uniqued(folders)
  }

  public var ollamaFolder: String {
    variable("OLLAMA_MODELS") ?? "\(home)/.ollama/models"
  }

  /// Where `make model` installs: `$XDG_DATA_HOME/attnviz/models`.
  public var dataFolder: String {
    (variable("XDG_DATA_HOME") ?? "\(home)/.local/share") + "/attnviz/models"
  }

  /// Folders searched for bare names, each with how it got on the list.
  public var modelRoots: [(path: String, origin: String)] {
    var roots: [(String, String)] = []
    if let models = variable("ATTNVIZ_MODELS") { roots.append((models, "$ATTNVIZ_MODELS")) }
    roots.append((dataFolder, "make model"))
    roots.append(("\(currentFolder)/models", "models/ here"))
    if let projectFolder { roots.append(("\(projectFolder)/models", "source tree")) }
    var seen = Set<String>()
    return roots.filter { seen.insert(standardized($0.0)).inserted }
  }

  private func uniqued(_ folders: [String]) -> [String] {
    var seen = Set<String>()
    return folders.filter { seen.insert(standardized($0)).inserted }
  }

  private func standardized(_ path: String) -> String {
    URL(fileURLWithPath: path).standardizedFileURL.path
  }
}

/// huggingface_hub's cache: `models--ORG--NAME/refs/main` holds a commit hash, and
/// `snapshots/<hash>/` the files (symbolic links into `blobs/`).
enum HubCache {
  static func snapshot(_ repository: String) -> String? {
    let snapshots = "\(repository)/snapshots"
    if let bytes = try? BoundedFile.read(
      "\(repository)/refs/main", what: "refs/main", limit: FileLimits.configFile),
      let hash = String(bytes: bytes, encoding: .utf8)?
        .trimmingCharacters(in: .whitespacesAndNewlines),
      isSafeName(hash)
    {
      return "\(snapshots)/\(hash)"
    }
    // A cache filled with an explicit revision has no refs/main; one snapshot is unambiguous.
    let names = (try? FileManager.default.contentsOfDirectory(atPath: snapshots)) ?? []
    return names.count == 1 ? "\(snapshots)/\(names[0])" : nil
  }

  /// A single path component of letters, digits and `-_.`, so a ref cannot lead elsewhere.
  static func isSafeName(_ name: String) -> Bool {
    !name.isEmpty && name != "." && name != ".."
      && name.unicodeScalars.allSatisfy {
        $0.isASCII && (CharacterSet.alphanumerics.contains($0) || "-_.".unicodeScalars.contains($0))
      }
  }
}

/// The name among `names` that `name` most likely meant: the same but for case, else the
/// nearest by edits (insertions, deletions, substitutions, case ignored), when that is at most a
/// fifth of the name's length (at least 2) and no other name is as near.
func nearestName(to name: String, among names: [String]) -> String? {
  let wanted = Array(name.lowercased())
  var best: (name: String, distance: Int, tied: Bool)?
  for candidate in Set(names).sorted() where candidate != name {
    let distance = editDistance(wanted, Array(candidate.lowercased()))
    if let current = best, distance > current.distance { continue }
    if let current = best, distance == current.distance {
      best?.tied = current.name.lowercased() != candidate.lowercased()
      continue
    }
    best = (candidate, distance, false)
  }
  guard let best, !best.tied, best.distance <= max(2, wanted.count / 5) else { return nil }
  return best.name
}

/// Levenshtein distance, one row at a time.
func editDistance(_ a: [Character], _ b: [Character]) -> Int {
  guard !a.isEmpty else { return b.count }
  guard !b.isEmpty else { return a.count }
  var previous = Array(0...b.count)
  var current = [Int](repeating: 0, count: b.count + 1)
  for i in 1...a.count {
    current[0] = i
    for j in 1...b.count {
      current[j] = min(
        previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
    }
    swap(&previous, &current)
  }
  return previous[b.count]
}
