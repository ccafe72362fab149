import Foundation
import Testing

/// GGUF models and model lookup through the built binary: a .gguf path, ollama:NAME, a hub id in
/// a Hugging Face cache, a folder holding one GGUF, and `attnviz models`, all laid out in a
/// temporary home around the tiny Llama fixture (no network, nothing outside the folder).
@Suite struct GGUFCLITests {
  static let tiny = Binary.packageRoot
    .appendingPathComponent("Tests/AttnvizModelTests/Fixtures/gguf/tiny-llama.gguf")
  static let text = "The animal didn't cross the street because it was too tired."

  func json(_ data: Data) throws -> [String: Any] {
    try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
  }

  /// A home with an Ollama model and a Hugging Face cache entry, both the tiny Llama.
  func makeHome() throws -> URL {
    let home = try temporaryFolder()
    let fm = FileManager.default
    let hex = String(repeating: "5a", count: 32)
    let ollama = home.appendingPathComponent(".ollama/models")
    let manifest = ollama.appendingPathComponent("manifests/registry.ollama.ai/library/tiny/2m")
    try fm.createDirectory(
      at: manifest.deletingLastPathComponent(), withIntermediateDirectories: true)
    try Data(
      #"{"layers":[{"mediaType":"application/vnd.ollama.image.model","digest":"sha256:\#(hex)"}]}"#
        .utf8
    )
    .write(to: manifest)
    try fm.createDirectory(
      at: ollama.appendingPathComponent("blobs"), withIntermediateDirectories: true)
    try fm.copyItem(at: Self.tiny, to: ollama.appendingPathComponent("blobs/sha256-\(hex)"))
    let repository = home.appendingPathComponent(
      ".cache/huggingface/hub/models--someone--tiny-llama-GGUF")
    let snapshot = repository.appendingPathComponent("snapshots/abc123")
    try fm.createDirectory(at: snapshot, withIntermediateDirectories: true)
    try fm.createDirectory(
      at: repository.appendingPathComponent("refs"), withIntermediateDirectories: true)
    try fm.createDirectory(
      at: repository.appendingPathComponent("blobs"), withIntermediateDirectories: true)
    try Data("abc123".utf8).write(to: repository.appendingPathComponent("refs/main"))
    try fm.copyItem(at: Self.tiny, to: repository.appendingPathComponent("blobs/0f0f"))
    try fm.createSymbolicLink(
      atPath: snapshot.appendingPathComponent("tiny-llama.Q8_0.gguf").path,
      withDestinationPath: "../../blobs/0f0f")
    try fm.createDirectory(
      at: home.appendingPathComponent("work"), withIntermediateDirectories: true)
    return home
  }

  @Test func everyWayToNameAGGUFGivesTheSameAttention() throws {
    let home = try makeHome()
    defer { try? FileManager.default.removeItem(at: home) }
    let work = home.appendingPathComponent("work")
    let environment = [
      "HOME": home.path, "XDG_CACHE_HOME": "", "HF_HOME": "", "HF_HUB_CACHE": "",
      "OLLAMA_MODELS": "", "XDG_DATA_HOME": "", "ATTNVIZ_MODELS": "",
    ]
    var attentions: [[[[[Double]]]]] = []
    for (name, expected) in [
      (Self.tiny.path, "tiny-llama"), ("ollama:tiny:2m", "ollama:tiny:2m"),
      ("someone/tiny-llama-GGUF", "someone/tiny-llama-GGUF"),
    ] {
      let run = try Binary.run(
        [
          "--model", name, "--format", "json", "--quiet", "--out",
          work.appendingPathComponent("o").path,
          Self.text,
        ], in: work, environment: environment)
      #expect(run.status == 0, "\(name): \(run.stderr)")
      let document = try json(Data(contentsOf: work.appendingPathComponent("o/attention.json")))
      let model = try #require(document["model"] as? [String: Any])
      #expect(model["name"] as? String == expected)
      #expect(model["architecture"] as? String == "llama")
      #expect(model["heads"] as? Int == 4 && model["key_value_heads"] as? Int == 2)
      attentions.append(try #require(document["attention"] as? [[[[Double]]]]))
    }
    #expect(attentions.count == 3 && attentions.allSatisfy { $0 == attentions[0] })
  }

  @Test func modelsListsTheCacheAndOllama() throws {
    let home = try makeHome()
    defer { try? FileManager.default.removeItem(at: home) }
    let run = try Binary.run(
      ["models"], in: home.appendingPathComponent("work"),
      environment: [
        "HOME": home.path, "XDG_CACHE_HOME": "", "HF_HOME": "", "HF_HUB_CACHE": "",
        "OLLAMA_MODELS": "", "XDG_DATA_HOME": "", "ATTNVIZ_MODELS": "",
      ])
    #expect(run.status == 0, "\(run.stderr)")
    #expect(run.stdout.contains("someone/tiny-llama-GGUF"))
    #expect(run.stdout.contains("ollama:tiny:2m"))
    #expect(run.stdout.contains("2 × 4 (2 kv)"))
    #expect(run.stdout.contains("\(home.path)/.ollama/models (Ollama)"))
  }

  @Test func aDamagedGGUFIsOneLine() throws {
    let folder = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let bytes = try Data(contentsOf: Self.tiny)
    let cut = folder.appendingPathComponent("cut.gguf")
    try bytes.prefix(bytes.count / 2).write(to: cut)
    let run = try Binary.run(["--model", cut.path, "--quiet", Self.text], in: folder)
    #expect(run.status == 1)
    #expect(run.stderr.hasPrefix("attnviz: error: GGUF file \(cut.path): "))
    #expect(run.stderr.contains("truncated"))
    #expect(run.stderr.split(separator: "\n").count == 1)
  }
}
