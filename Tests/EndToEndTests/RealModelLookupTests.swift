import Foundation
import Testing

/// Qwen2.5-Coder-0.5B-Instruct and Gemma 3 270M (the GGUF files `make model` installs) found
/// where users keep them: an Ollama store (`ollama:NAME:TAG`, a manifest naming the blob) and a
/// Hugging Face cache (`ORG/NAME`, a snapshot linking into `blobs/`), laid out in a temporary
/// home around the installed files (links, nothing copied). Each way gives the same attention
/// as the file itself, and that attention is transformers' (Fixtures/real-gguf, within 1e-4).
/// Absent models skip, unless ATTNVIZ_REQUIRE_MODELS=1 (CI).
/// The real GGUF files of the lookup tests.
enum LookupRealModel: String, CaseIterable, Sendable {
  case qwen2, gemma3

  var file: String {
    self == .qwen2
      ? "Qwen2.5-Coder-0.5B-Instruct/qwen2.5-coder-0.5b-instruct-q4_k_m.gguf"
      : "gemma-3-270m/gemma-3-270m-q4_k_m.gguf"
  }
  var path: URL { Binary.packageRoot.appendingPathComponent("models/\(file)") }
  var present: Bool { FileManager.default.fileExists(atPath: path.path) }
  /// As `ollama pull` and the Hugging Face hub name them.
  var ollamaName: (name: String, tag: String) {
    self == .qwen2 ? ("qwen2.5-coder", "0.5b") : ("gemma3", "270m")
  }
  var hubID: String {
    self == .qwen2 ? "Qwen/Qwen2.5-Coder-0.5B-Instruct-GGUF" : "ggml-org/gemma-3-270m-GGUF"
  }
  var heads: (Int, Int) { self == .qwen2 ? (14, 2) : (4, 1) }
}

@Suite(
  .enabled(
    if: LookupRealModel.allCases.contains { $0.present } || modelsRequired,
    "the Qwen2.5 and Gemma 3 GGUF files are absent; run `make model`"))
struct RealModelLookupTests {
  /// A home whose Ollama store and Hugging Face cache hold `model`, as symbolic links to the
  /// installed file.
  func makeHome(_ model: LookupRealModel) throws -> URL {
    let home = try temporaryFolder()
    let fm = FileManager.default
    let target = model.path.resolvingSymlinksInPath().path
    let hex = String(repeating: model == .qwen2 ? "1d" : "a5", count: 32)
    let ollama = home.appendingPathComponent(".ollama/models")
    let manifest = ollama.appendingPathComponent(
      "manifests/registry.ollama.ai/library/\(model.ollamaName.name)/\(model.ollamaName.tag)")
    try fm.createDirectory(
      at: manifest.deletingLastPathComponent(), withIntermediateDirectories: true)
    try Data(
      (#"{"schemaVersion":2,"layers":[{"mediaType":"application/vnd.ollama.image.model","#
        + #""digest":"sha256:\#(hex)","size":1}]}"#).utf8
    ).write(to: manifest)
    try fm.createDirectory(
      at: ollama.appendingPathComponent("blobs"), withIntermediateDirectories: true)
    try fm.createSymbolicLink(
      atPath: ollama.appendingPathComponent("blobs/sha256-\(hex)").path,
      withDestinationPath: target)
    let repository = home.appendingPathComponent(
      ".cache/huggingface/hub/models--" + model.hubID.replacingOccurrences(of: "/", with: "--"))
    let snapshot = repository.appendingPathComponent("snapshots/0123abcd")
    for folder in [snapshot, repository.appendingPathComponent("refs")] {
      try fm.createDirectory(at: folder, withIntermediateDirectories: true)
    }
    try fm.createDirectory(
      at: repository.appendingPathComponent("blobs"), withIntermediateDirectories: true)
    try Data("0123abcd".utf8).write(to: repository.appendingPathComponent("refs/main"))
    try fm.createSymbolicLink(
      atPath: repository.appendingPathComponent("blobs/\(hex)").path, withDestinationPath: target)
    try fm.createSymbolicLink(
      atPath: snapshot.appendingPathComponent(model.path.lastPathComponent).path,
      withDestinationPath: "../../blobs/\(hex)")
    try fm.createDirectory(
      at: home.appendingPathComponent("work"), withIntermediateDirectories: true)
    return home
  }

  struct Reference: Decodable {
    struct Layer: Decodable {
      var layer: Int
      var heads: [[[Int]]]
    }
    struct AttentionCase: Decodable {
      var text: String
      var ids: [Int]
      var layers: [Layer]
    }
    var attentionCases: [AttentionCase]
    var attentionScale: Double
  }

  @Test(arguments: LookupRealModel.allCases)
  func ollamaAndHuggingFaceCacheGiveTransformersAttention(_ model: LookupRealModel) throws {
    guard model.present || modelsRequired else { return }
    let home = try makeHome(model)
    defer { try? FileManager.default.removeItem(at: home) }
    let work = home.appendingPathComponent("work")
    let environment = [
      "HOME": home.path, "XDG_CACHE_HOME": "", "HF_HOME": "", "HF_HUB_CACHE": "",
      "OLLAMA_MODELS": "", "XDG_DATA_HOME": "", "ATTNVIZ_MODELS": "",
    ]
    let decoder = JSONDecoder()
    decoder.keyDecodingStrategy = .convertFromSnakeCase
    let reference = try decoder.decode(
      Reference.self,
      from: Data(
        contentsOf: Binary.packageRoot.appendingPathComponent(
          "Tests/AttnvizModelTests/Fixtures/real-gguf/\(model.rawValue)-reference.json")))
    let item = try #require(reference.attentionCases.first)
    // The last layer: what the default job computes and writes.
    let last = try #require(item.layers.max { $0.layer < $1.layer })
    let ollama = "ollama:\(model.ollamaName.name):\(model.ollamaName.tag)"
    for name in [ollama, model.hubID] {
      let out = work.appendingPathComponent("o-\(name.count)")
      let run = try Binary.run(
        [
          "--model", name, "--layer", "\(last.layer + 1)", "--format", "json", "--quiet",
          "--out", out.path, item.text,
        ], in: work, environment: environment)
      #expect(run.status == 0, "\(name): \(run.stderr)")
      guard run.status == 0 else { continue }
      let document = try #require(
        try JSONSerialization.jsonObject(
          with: Data(contentsOf: out.appendingPathComponent("attention.json")))
          as? [String: Any])
      let described = try #require(document["model"] as? [String: Any])
      #expect(described["name"] as? String == name)
      #expect(
        described["architecture"] as? String == (model == .qwen2 ? "qwen2" : "gemma3_text"))
      #expect(
        described["heads"] as? Int == model.heads.0
          && described["key_value_heads"] as? Int == model.heads.1)
      #expect(document["token_ids"] as? [Int] == item.ids, "\(name)")
      let attention = try #require(document["attention"] as? [[[[Double]]]])
      let heads = try #require(attention.last)
      #expect(heads.count == last.heads.count)
      var worst = 0.0
      for (h, rows) in last.heads.enumerated() {
        for (q, row) in rows.enumerated() {
          for (k, value) in row.enumerated() {
            worst = max(worst, abs(heads[h][q][k] - Double(value) / reference.attentionScale))
          }
        }
      }
      #expect(worst < 1e-4, "\(name): layer \(last.layer + 1) differs by \(worst)")
    }
  }
}
