import AttnvizFiles
import Foundation

/// Ollama's model folder (`$OLLAMA_MODELS` or `~/.ollama/models`):
///
///     manifests/registry.ollama.ai/library/NAME/TAG     JSON: {"layers": [{"mediaType", "digest"}…]}
///     blobs/sha256-<hex>                                  the layers; the GGUF is the layer of
///                                                         mediaType application/vnd.ollama.image.model
///
/// `NAME` may carry a namespace (`user/model`) or a registry (`host/user/model`); the tag
/// defaults to `latest`.
struct OllamaStore {
  static let modelMediaType = "application/vnd.ollama.image.model"
  static let defaultRegistry = "registry.ollama.ai"
  let models: String

  /// The GGUF blob of `reference` (`NAME[:TAG]`).
  func model(_ reference: String) throws -> ModelLocation {
    let (name, tag) = Self.split(reference)
    let parts = name.split(separator: "/").map(String.init)
    guard !name.isEmpty, (1...3).contains(parts.count),
      (parts + [tag]).allSatisfy(HubCache.isSafeName)
    else {
      throw AttnvizError.usage(
        "\"ollama:\(reference)\" is not an Ollama model name; write ollama:NAME or ollama:NAME:TAG "
          + "(e.g. ollama:smollm2:135m)")
    }
    let path = manifestPath(parts, tag: tag)
    let data: [UInt8]
    do {
      // Bounded and type-checked like config.json: a manifest is a few hundred bytes.
      data = try BoundedFile.read(path, what: "the Ollama manifest", limit: FileLimits.configFile)
    } catch let error as FileReadError {
      if case .system(let code) = error.problem, code == ENOENT || code == ENOTDIR {
        throw AttnvizError.failure(missing(name: name, tag: tag, manifest: path))
      }
      throw AttnvizError.failure("\(error)")
    }
    let digest = try Self.modelDigest(data, manifest: path)
    let blob = "\(models)/blobs/\(digest.replacingOccurrences(of: ":", with: "-"))"
    guard FileManager.default.fileExists(atPath: blob) else {
      throw AttnvizError.failure(
        "the Ollama manifest \(path) names the blob \(blob), which is missing; run "
          + "`ollama pull \(name):\(tag)` again")
    }
    return .gguf(blob)
  }

  static func split(_ reference: String) -> (name: String, tag: String) {
    // A colon after the last slash separates the tag (a registry host may carry a port).
    let lastSlash = reference.lastIndex(of: "/") ?? reference.startIndex
    if let colon = reference[lastSlash...].lastIndex(of: ":") {
      return (String(reference[..<colon]), String(reference[reference.index(after: colon)...]))
    }
    return (reference, "latest")
  }

  func manifestPath(_ parts: [String], tag: String) -> String {
    let full: [String]
    switch parts.count {
    case 1: full = [Self.defaultRegistry, "library"] + parts
    case 2: full = [Self.defaultRegistry] + parts
    default: full = parts
    }
    return "\(models)/manifests/" + (full + [tag]).joined(separator: "/")
  }

  /// The digest (`sha256:<64 hex>`) of the model layer.
  static func modelDigest(_ bytes: [UInt8], manifest: String) throws -> String {
    guard let json = try? JSONValue(parsing: bytes), let layers = json["layers"]?.array,
      layers.allSatisfy({ $0.object != nil })
    else {
      throw AttnvizError.failure("the Ollama manifest \(manifest) is not a JSON object with layers")
    }
    guard let layer = layers.first(where: { $0["mediaType"]?.string == modelMediaType }),
      let digest = layer["digest"]?.string
    else {
      throw AttnvizError.failure(
        "the Ollama manifest \(manifest) has no layer of type \(modelMediaType) (no model weights)")
    }
    let hex = digest.dropFirst("sha256:".count)
    guard digest.hasPrefix("sha256:"), hex.count == 64,
      hex.allSatisfy({ $0.isHexDigit && ($0.isNumber || $0.isLowercase) })
    else {
      throw AttnvizError.failure(
        "the Ollama manifest \(manifest) names the digest \"\(digest)\", not sha256:<64 hex digits>"
      )
    }
    return digest
  }

  /// Why `name:tag` is not here, with what is: the tags of the same name, else a name that
  /// differs by a typo (no advice to pull a name Ollama may not have), else how to see and get
  /// models.
  func missing(name: String, tag: String, manifest: String) -> String {
    let installed = all().map(\.name)
    let sameName = installed.filter { $0.hasPrefix(name + ":") }
    var message = "no Ollama model \"\(name):\(tag)\" (no manifest at \(manifest))"
    if !sameName.isEmpty {
      return message + "; \(name) is here with the tag"
        + (sameName.count == 1 ? " " : "s ")
        + sameName.map { "ollama:\($0)" }.joined(separator: ", ")
        + (sameName.count == 1 ? "; give it" : "; give one of them")
    }
    let names = Array(Set(installed.map { String($0.prefix { $0 != ":" }) })).sorted()
    if let near = nearestName(to: name, among: names) {
      let tags = installed.filter { $0.hasPrefix(near + ":") }.map { "ollama:\($0)" }
      return message + " (did you mean \(tags.first ?? "ollama:" + near)?)"
    }
    message +=
      installed.isEmpty
      ? "; Ollama has no models in \(models) (set OLLAMA_MODELS if it keeps them elsewhere)"
      : "; `attnviz models` lists the Ollama models here"
    return message
      + "; `ollama pull NAME:TAG` fetches a model under its name in Ollama's library"
  }

  /// Every model with a manifest, as `NAME:TAG` (the `library/` namespace left out) and its
  /// manifest path.
  func all() -> [(name: String, manifest: String)] {
    let root = "\(models)/manifests"
    guard let enumerator = FileManager.default.enumerator(atPath: root) else { return [] }
    var found: [(String, String)] = []
    while let relative = enumerator.nextObject() as? String {
      let parts = relative.split(separator: "/").map(String.init)
      guard parts.count == 4 else { continue }
      let path = "\(root)/\(relative)"
      var isFolder: ObjCBool = false
      guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder),
        !isFolder.boolValue
      else { continue }
      var name = parts[0] == Self.defaultRegistry ? Array(parts[1...2]) : Array(parts[0...2])
      if name.first == "library" { name.removeFirst() }
      found.append((name.joined(separator: "/") + ":" + parts[3], path))
    }
    return found.sorted { $0.0 < $1.0 }
  }
}
