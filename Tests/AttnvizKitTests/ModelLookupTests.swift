import Foundation
import Testing

@testable import AttnvizKit

#if canImport(Glibc)
  import Glibc
#endif

/// Every `--model` lookup against caches laid out in a temporary folder, as huggingface_hub,
/// Ollama and `make model` lay them out (no network, nothing outside the folder).
@Suite("Model lookup")
struct ModelLookupTests {
  /// A temporary home with a working folder in it.
  struct Layout {
    let root: URL
    var home: String { root.path + "/home" }
    var work: String { root.path + "/work" }

    init() throws {
      root = FileManager.default.temporaryDirectory
        .appendingPathComponent("attnviz-lookup-\(UUID().uuidString)")
      for folder in ["home", "work"] {
        try FileManager.default.createDirectory(
          at: root.appendingPathComponent(folder), withIntermediateDirectories: true)
      }
    }

    func write(_ path: String, _ contents: String = "x") throws {
      let url = URL(fileURLWithPath: path)
      try FileManager.default.createDirectory(
        at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
      try Data(contents.utf8).write(to: url)
    }

    /// A GGUF header with no tensors, enough for the lookup and the listing.
    func writeGGUF(_ path: String, architecture: String = "llama") throws {
      func u64(_ v: UInt64) -> [UInt8] { (0..<8).map { UInt8(truncatingIfNeeded: v >> (8 * $0)) } }
      func u32(_ v: UInt32) -> [UInt8] { (0..<4).map { UInt8(truncatingIfNeeded: v >> (8 * $0)) } }
      func string(_ s: String) -> [UInt8] { u64(UInt64(s.utf8.count)) + Array(s.utf8) }
      var bytes = Array("GGUF".utf8) + u32(3) + u64(0) + u64(4)
      bytes += string("general.architecture") + u32(8) + string(architecture)
      bytes += string("\(architecture).block_count") + u32(4) + u32(30)
      bytes += string("\(architecture).attention.head_count") + u32(4) + u32(9)
      bytes += string("\(architecture).attention.head_count_kv") + u32(4) + u32(3)
      try write(path, "")
      try Data(bytes).write(to: URL(fileURLWithPath: path))
    }

    func lookup(_ environment: [String: String] = [:], project: String? = nil) -> ModelLookup {
      ModelLookup(
        environment: environment, home: home, currentFolder: work, projectFolder: project)
    }

    func remove() { try? FileManager.default.removeItem(at: root) }
  }

  func failure(_ body: () throws -> ModelLocation) -> String {
    do {
      return "(found \(try body()))"
    } catch {
      return String(describing: error)
    }
  }

  @Test func pathsToFilesAndFolders() throws {
    let layout = try Layout()
    defer { layout.remove() }
    try layout.writeGGUF(layout.work + "/m.gguf")
    try layout.write(layout.work + "/hf/config.json", "{}")
    try layout.writeGGUF(layout.work + "/one/model.Q4_0.gguf")
    try layout.writeGGUF(layout.work + "/two/a.gguf")
    try layout.writeGGUF(layout.work + "/two/b.gguf")
    let lookup = layout.lookup()
    #expect(try lookup.resolve("m.gguf") == .gguf(layout.work + "/m.gguf"))
    #expect(try lookup.resolve(layout.work + "/m.gguf") == .gguf(layout.work + "/m.gguf"))
    #expect(try lookup.resolve("hf") == .folder(layout.work + "/hf"))
    #expect(try lookup.resolve("one") == .gguf(layout.work + "/one/model.Q4_0.gguf"))
    #expect(failure { try lookup.resolve("two") }.contains("holds 2 GGUF files (a.gguf, b.gguf)"))
  }

  @Test func bareNamesInEveryModelsFolderInOrder() throws {
    let layout = try Layout()
    defer { layout.remove() }
    let custom = layout.root.path + "/custom"
    let data = layout.home + "/.local/share/attnviz/models"
    let project = layout.root.path + "/project"
    try layout.write(custom + "/a/config.json", "{}")
    try layout.write(data + "/a/config.json", "{}")
    try layout.writeGGUF(data + "/b.gguf")
    try layout.writeGGUF(layout.work + "/models/c/c.Q8_0.gguf")
    try layout.write(project + "/models/d/config.json", "{}")
    let lookup = layout.lookup(["ATTNVIZ_MODELS": custom], project: project)
    #expect(try lookup.resolve("a") == .folder(custom + "/a"))
    #expect(try layout.lookup(project: project).resolve("a") == .folder(data + "/a"))
    #expect(try lookup.resolve("b") == .gguf(data + "/b.gguf"))
    #expect(try lookup.resolve("c") == .gguf(layout.work + "/models/c/c.Q8_0.gguf"))
    #expect(try lookup.resolve("d") == .folder(project + "/models/d"))
    // XDG_DATA_HOME moves the `make model` folder.
    let xdg = layout.root.path + "/xdg"
    try layout.writeGGUF(xdg + "/attnviz/models/e.gguf")
    #expect(
      try layout.lookup(["XDG_DATA_HOME": xdg]).resolve("e")
        == .gguf(xdg + "/attnviz/models/e.gguf"))
  }

  @Test func aMissNamesEveryPlaceAndAdvisesMakeModelOnlyForItsModels() throws {
    let layout = try Layout()
    defer { layout.remove() }
    let project = layout.root.path + "/project"
    let lookup = layout.lookup(["ATTNVIZ_MODELS": "/custom"], project: project)
    let message = failure { try lookup.resolve("SmolLM2-135M-Instruct") }
    // Five paths would bury the advice: `attnviz models` lists the folders searched.
    #expect(!message.contains("/custom/SmolLM2-135M-Instruct.gguf"), "\(message)")
    #expect(message.contains("`attnviz models` lists"), "\(message)")
    #expect(message.contains("run `make model`"))
    #expect(message.contains(layout.home + "/.local/share/attnviz/models"), "\(message)")
    let other = failure { try lookup.resolve("my-model") }
    #expect(other.contains("no model \"my-model\" found") && !other.contains("make model"))
    #expect(!other.contains("\n"))
  }

  @Test func huggingFaceCacheInItsPrecedence() throws {
    let layout = try Layout()
    defer { layout.remove() }
    /// A repository in `hub` as huggingface_hub writes it: blobs, a snapshot of symlinks into
    /// them, and refs/main.
    func repository(_ hub: String, hash: String, gguf: Bool) throws -> String {
      let repository = hub + "/models--HuggingFaceTB--SmolLM2-135M-Instruct"
      let snapshot = repository + "/snapshots/\(hash)"
      try layout.write(repository + "/refs/main", hash)
      let file = gguf ? "model.gguf" : "config.json"
      if gguf {
        try layout.writeGGUF(repository + "/blobs/0123abcd")
      } else {
        try layout.write(repository + "/blobs/0123abcd", "{}")
      }
      try FileManager.default.createDirectory(
        atPath: snapshot, withIntermediateDirectories: true)
      try FileManager.default.createSymbolicLink(
        atPath: snapshot + "/" + file, withDestinationPath: "../../blobs/0123abcd")
      return snapshot
    }
    let id = "HuggingFaceTB/SmolLM2-135M-Instruct"
    let home = try repository(layout.home + "/.cache/huggingface/hub", hash: "aaa111", gguf: false)
    #expect(try layout.lookup().resolve(id) == .folder(home))
    let hfHome = try repository(layout.root.path + "/hf/hub", hash: "bbb222", gguf: true)
    #expect(
      try layout.lookup(["HF_HOME": layout.root.path + "/hf"]).resolve(id)
        == .gguf(hfHome + "/model.gguf"))
    let cache = try repository(layout.root.path + "/cache", hash: "ccc333", gguf: false)
    #expect(
      try layout.lookup([
        "HF_HUB_CACHE": layout.root.path + "/cache",
        "HF_HOME": layout.root.path + "/hf",
      ]).resolve(id) == .folder(cache))
    let miss = failure { try layout.lookup().resolve("org/absent") }
    #expect(miss.contains(layout.home + "/.cache/huggingface/hub/models--org--absent"))
  }

  @Test func ollamaManifestsLeadToTheModelBlob() throws {
    let layout = try Layout()
    defer { layout.remove() }
    let models = layout.root.path + "/ollama"
    let hex = String(repeating: "ab", count: 32)
    let manifest = """
      {"schemaVersion":2,"layers":[
       {"mediaType":"application/vnd.ollama.image.template","digest":"sha256:\(String(repeating: "cd", count: 32))"},
       {"mediaType":"application/vnd.ollama.image.model","digest":"sha256:\(hex)","size":5}]}
      """
    try layout.write(models + "/manifests/registry.ollama.ai/library/smollm2/135m", manifest)
    try layout.write(models + "/manifests/registry.ollama.ai/library/smollm2/latest", manifest)
    try layout.write(models + "/manifests/registry.ollama.ai/someone/tiny/q4", manifest)
    try layout.writeGGUF(models + "/blobs/sha256-\(hex)")
    let lookup = layout.lookup(["OLLAMA_MODELS": models])
    let blob = ModelLocation.gguf(models + "/blobs/sha256-\(hex)")
    #expect(try lookup.resolve("ollama:smollm2:135m") == blob)
    #expect(try lookup.resolve("ollama:smollm2") == blob)
    #expect(try lookup.resolve("ollama:someone/tiny:q4") == blob)
    // Without OLLAMA_MODELS: ~/.ollama/models.
    try layout.write(
      layout.home + "/.ollama/models/manifests/registry.ollama.ai/library/x/latest", manifest)
    try layout.writeGGUF(layout.home + "/.ollama/models/blobs/sha256-\(hex)")
    #expect(
      try layout.lookup().resolve("ollama:x")
        == .gguf(layout.home + "/.ollama/models/blobs/sha256-\(hex)"))
    #expect(
      failure { try lookup.resolve("ollama:absent:1b") }
        .contains("manifest at \(models)/manifests/registry.ollama.ai/library/absent/1b"))
    #expect(
      failure { try lookup.resolve("ollama:../../etc:x") }.contains("is not an Ollama model name"))
    try layout.write(
      models + "/manifests/registry.ollama.ai/library/bad/latest",
      #"{"layers":[{"mediaType":"application/vnd.ollama.image.model","digest":"sha256:../../x"}]}"#)
    #expect(failure { try lookup.resolve("ollama:bad") }.contains("not sha256:<64 hex digits>"))
  }

  /// A typo or wrong case gets "did you mean"; a missing Ollama tag lists the tags there are; a
  /// misspelt Ollama name is corrected, not sent to `ollama pull`.
  @Test func nearNamesAreSuggested() throws {
    let layout = try Layout()
    defer { layout.remove() }
    let models = layout.root.path + "/ollama"
    try layout.write(models + "/manifests/registry.ollama.ai/library/smollm2/135m", "{}")
    try layout.write(models + "/manifests/registry.ollama.ai/library/smollm2/360m", "{}")
    let lookup = layout.lookup(["OLLAMA_MODELS": models])
    for typo in ["SmolLM2-135M-Instrcut", "smollm2-135m-instruct", "all-minilm-l6-v2"] {
      let message = failure { try lookup.resolve(typo) }
      #expect(message.contains("(did you mean \""), "\(message)")
      #expect(!message.contains("\n"))
    }
    #expect(
      failure { try lookup.resolve("SmolLM2-135M-Instrcut") }
        .contains("(did you mean \"SmolLM2-135M-Instruct\"?)"))
    #expect(!failure { try lookup.resolve("my-model") }.contains("did you mean"))
    let tags = failure { try lookup.resolve("ollama:smollm2") }
    #expect(tags.contains("smollm2 is here with the tags ollama:smollm2:135m, ollama:smollm2:360m"))
    let typo = failure { try lookup.resolve("ollama:smolm2:135m") }
    #expect(typo.contains("(did you mean ollama:smollm2:135m?)"), "\(typo)")
    #expect(!typo.contains("ollama pull"), "\(typo)")
    #expect(editDistance(Array("kitten"), Array("sitting")) == 3)
    #expect(nearestName(to: "cat", among: ["bat", "rat"]) == nil)  // a tie names neither
  }

  @Test func catalogListsEveryPlace() throws {
    let layout = try Layout()
    defer { layout.remove() }
    try layout.writeGGUF(layout.home + "/.local/share/attnviz/models/SmolLM2-135M-Instruct/s.gguf")
    try layout.write(
      layout.work + "/models/tiny/config.json",
      #"{"model_type":"llama","num_hidden_layers":2,"num_attention_heads":4,"num_key_value_heads":2}"#
    )
    let hex = String(repeating: "0f", count: 32)
    let models = layout.home + "/.ollama/models"
    try layout.write(
      models + "/manifests/registry.ollama.ai/library/qwen/0.5b",
      #"{"layers":[{"mediaType":"application/vnd.ollama.image.model","digest":"sha256:\#(hex)"}]}"#)
    try layout.writeGGUF(models + "/blobs/sha256-\(hex)", architecture: "qwen2")
    let catalog = ModelCatalog(lookup: layout.lookup())
    let listings = catalog.listings()
    #expect(listings.map(\.name) == ["SmolLM2-135M-Instruct", "tiny", "ollama:qwen:0.5b"])
    #expect(listings.map(\.architecture) == ["llama", "llama", "qwen2"])
    #expect(listings[1].layers == 2 && listings[1].heads == 4 && listings[1].keyValueHeads == 2)
    let text = catalog.text()
    #expect(text.contains("30 × 9 (3 kv)"))
    #expect(text.contains("(make model)") && text.contains("(Ollama)"))
    #expect(!text.contains("`make model` in the attnviz folder fetches"))
    #expect(
      ModelCatalog(
        lookup: ModelLookup(
          environment: [:], home: layout.root.path + "/none",
          currentFolder: layout.root.path + "/none")
      ).text().contains("no models found"))
  }
}

extension ModelLookupTests {
  /// Every file the lookup and the listing read (Ollama manifests, the hub's refs/main, the
  /// first bytes of a file that may be a GGUF, a folder's config.json) goes through BoundedFile:
  /// a FIFO there is named or passed over, never opened and waited on.
  @Test func specialFilesNeverBlockTheLookup() throws {
    let layout = try Layout()
    defer { layout.remove() }
    let models = layout.root.path + "/ollama"
    try FileManager.default.createDirectory(
      atPath: models + "/manifests/registry.ollama.ai/library/pipe",
      withIntermediateDirectories: true)
    let manifest = models + "/manifests/registry.ollama.ai/library/pipe/latest"
    #expect(mkfifo(manifest, 0o600) == 0)
    #expect(
      failure { try layout.lookup(["OLLAMA_MODELS": models]).resolve("ollama:pipe") }
        == "the Ollama manifest \(manifest) is a named pipe (FIFO), not a regular file")
    // A FIFO refs/main is passed over; the one snapshot is taken.
    let repository = layout.home + "/.cache/huggingface/hub/models--org--name"
    try layout.write(repository + "/snapshots/abc123/config.json", "{}")
    try FileManager.default.createDirectory(
      atPath: repository + "/refs", withIntermediateDirectories: true)
    #expect(mkfifo(repository + "/refs/main", 0o600) == 0)
    #expect(
      try layout.lookup().resolve("org/name") == .folder(repository + "/snapshots/abc123"))
    // A FIFO without the .gguf extension is not sniffed for the GGUF magic.
    try FileManager.default.createDirectory(
      atPath: layout.work + "/models", withIntermediateDirectories: true)
    #expect(mkfifo(layout.work + "/models/blob", 0o600) == 0)
    #expect(failure { try layout.lookup().resolve("blob") }.contains("no model \"blob\" found"))
    // A folder whose config.json is a FIFO is listed as unreadable.
    try FileManager.default.createDirectory(
      atPath: layout.work + "/models/piped", withIntermediateDirectories: true)
    #expect(mkfifo(layout.work + "/models/piped/config.json", 0o600) == 0)
    let listings = ModelCatalog(lookup: layout.lookup()).listings()
    #expect(
      listings.first { $0.name == "piped" }?.architecture == "(no readable config.json)",
      "\(listings)")
  }

  @Test func aMissingPathSaysCheckThePath() throws {
    let layout = try Layout()
    defer { layout.remove() }
    for name in ["/nowhere/m.gguf", "./m.gguf", "~/models/x", "a/b/c", "m.gguf"] {
      let message = failure { try layout.lookup().resolve(name) }
      #expect(
        message.contains("there is no such file or folder; check the path"), "\(name): \(message)")
    }
    #expect(failure { try layout.lookup().resolve("org/name") }.contains("hub id"))
  }
}
