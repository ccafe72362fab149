import AttnvizModel
import AttnvizStyle
import Foundation

/// One model `attnviz models` found: what to pass to `--model`, what it is, and where it lives.
public struct ModelListing: Equatable, Sendable {
  /// The `--model` argument that finds it.
  public var name: String
  public var architecture: String
  public var bytes: Int64
  public var layers: Int?
  /// Decoder layers of an encoder–decoder (then `layers` counts the encoder's).
  public var decoderLayers: Int?
  public var heads: Int?
  public var keyValueHeads: Int?
  public var path: String
  /// Which search place it came from ("make model", "Hugging Face cache", "Ollama", …).
  public var origin: String
}

/// Everything the lookup's places hold, described from config.json or the GGUF header (no
/// weights are read).
public struct ModelCatalog {
  public var lookup: ModelLookup

  public init(lookup: ModelLookup) { self.lookup = lookup }

  /// The folders searched, for the listing's last lines.
  public var places: [String] {
    lookup.modelRoots.map { "\($0.path) (\($0.origin))" }
      + lookup.hubFolders.map { "\($0) (Hugging Face cache)" }
      + ["\(lookup.ollamaFolder) (Ollama)"]
  }

  public func listings() -> [ModelListing] {
    var found: [ModelListing] = []
    for root in lookup.modelRoots {
      for entry in Self.entries(root.path) {
        let name = entry.lowercased().hasSuffix(".gguf") ? String(entry.dropLast(5)) : entry
        var looked: [String] = []
        guard let location = try? lookup.classify("\(root.path)/\(entry)", looked: &looked)
        else { continue }
        found.append(describe(location, name: name, origin: root.origin))
      }
    }
    for hub in lookup.hubFolders {
      for entry in Self.entries(hub) where entry.hasPrefix("models--") {
        let parts = entry.dropFirst("models--".count).components(separatedBy: "--")
        var looked: [String] = []
        guard parts.count == 2, let snapshot = HubCache.snapshot("\(hub)/\(entry)"),
          let location = try? lookup.classify(snapshot, looked: &looked)
        else { continue }
        found.append(
          describe(location, name: parts.joined(separator: "/"), origin: "Hugging Face cache"))
      }
    }
    let ollama = OllamaStore(models: lookup.ollamaFolder)
    for (name, _) in ollama.all() {
      guard let location = try? ollama.model(name) else { continue }
      found.append(describe(location, name: "ollama:\(name)", origin: "Ollama"))
    }
    return found
  }

  static func entries(_ folder: String) -> [String] {
    ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? [])
      .filter { !$0.hasPrefix(".") }.sorted()
  }

  func describe(_ location: ModelLocation, name: String, origin: String) -> ModelListing {
    var listing = ModelListing(
      name: name, architecture: "?", bytes: Self.size(of: location.path), path: location.path,
      origin: origin)
    switch location {
    case .gguf(let path):
      guard let header = try? GGUFFile(path: path).header else {
        listing.architecture = "(unreadable GGUF)"
        return listing
      }
      let architecture = header.value("general.architecture")?.stringValue ?? "?"
      listing.architecture = architecture
      listing.layers = header.value("\(architecture).block_count")?.intValue
      listing.heads = header.value("\(architecture).attention.head_count")?.intValue
      listing.keyValueHeads =
        header.value("\(architecture).attention.head_count_kv")?.intValue ?? listing.heads
    case .translator(let folder):
      let summary = MarianTranslator.summary(folder: folder)
      listing.architecture =
        "\(MarianTranslator.huggingFaceModelType(folder) ?? "marian") translator"
        + (summary.direction.map { " (\($0))" } ?? "")
      listing.layers = summary.config?.encoderLayers
      listing.decoderLayers = summary.config?.decoderLayers
      listing.heads = summary.config?.heads
      listing.keyValueHeads = summary.config?.heads
    case .folder(let folder):
      // Bounded and structure-checked (readConfigObject): never a FIFO, never 3 GiB.
      guard let config = try? readConfigObject("\(folder)/config.json") else {
        listing.architecture = "(no readable config.json)"
        return listing
      }
      func int(_ keys: String...) -> Int? { keys.lazy.compactMap { config[$0] as? Int }.first }
      listing.architecture = config["model_type"] as? String ?? "?"
      listing.layers = int("num_hidden_layers", "n_layer")
      listing.heads = int("num_attention_heads", "n_head")
      listing.keyValueHeads = int("num_key_value_heads") ?? listing.heads
    }
    return listing
  }

  /// Bytes of a file, or of the files in a folder (symbolic links followed, as in the hub cache).
  static func size(of path: String) -> Int64 {
    func bytes(_ file: String) -> Int64 {
      let resolved = URL(fileURLWithPath: file).resolvingSymlinksInPath().path
      let attributes = try? FileManager.default.attributesOfItem(atPath: resolved)
      return (attributes?[.size] as? NSNumber)?.int64Value ?? 0
    }
    guard ModelLookup.isFolder(path) else { return bytes(path) }
    return entries(path).reduce(0) { $0 + bytes("\(path)/\($1)") }
  }

  /// The `attnviz models` text: one aligned row per model, then the places searched.
  public func text() -> String {
    let rows = listings().map { model -> [String] in
      let shape: String
      if let layers = model.layers, let heads = model.heads {
        let kv = model.keyValueHeads.map { $0 == heads ? "" : " (\($0) kv)" } ?? ""
        let stack = model.decoderLayers.map { "\(layers) enc + \($0) dec" } ?? "\(layers)"
        shape = "\(stack) × \(heads)\(kv)"
      } else {
        shape = "?"
      }
      return [
        oneLine(model.name), oneLine(model.architecture), Self.megabytes(model.bytes), shape,
        oneLine("\(model.path) (\(model.origin))"),
      ]
    }
    var out = ""
    if rows.isEmpty {
      out += "no models found\n"
    } else {
      out += Self.aligned([["MODEL", "ARCHITECTURE", "SIZE", "LAYERS × HEADS", "WHERE"]] + rows)
    }
    out += "\nsearched:\n" + places.map { "  \(oneLine($0))\n" }.joined()
    if !rows.contains(where: { ModelLookup.makeModelNames.contains($0[0]) }) {
      out +=
        "`make model` in the attnviz folder fetches all-MiniLM-L6-v2, SmolLM2-135M-Instruct, "
        + "Qwen2.5-Coder-0.5B-Instruct, gemma-3-270m and the translators firefox-en-pt and "
        + "firefox-pt-en\n"
    }
    return out
  }

  static func megabytes(_ bytes: Int64) -> String {
    let tenths = (bytes + 50_000) / 100_000
    return "\(tenths / 10).\(tenths % 10) MB"
  }

  static func aligned(_ rows: [[String]]) -> String {
    let columns = rows.map(\.count).max() ?? 0
    let widths = (0..<columns).map { column in
      rows.map { $0.count > column ? $0[column].count : 0 }.max() ?? 0
    }
    return rows.map { row in
      row.enumerated().map { column, cell in
        column == row.count - 1
          ? cell
          : cell.padding(
            toLength: widths[column] + 2, withPad: " ",
            startingAt: 0)
      }.joined()
    }.joined(separator: "\n") + "\n"
  }
}
