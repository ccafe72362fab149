import AttnvizTokens
import Foundation
import Testing

@testable import AttnvizModel

/// Gives the model the token ids transformers' tokenizer produced, so these tests check the
/// engine alone (the tokenizer.json reader has tests of its own).
struct ReferenceIDs: Tokenizer {
  var ids: [Int]
  func tokenize(_ text: String) throws -> [Token] { ids.map { Token("t\($0)", id: $0) } }
  var kind: TokenizerKind { .bpe }
}

/// The tiny models of scripts/reference/make_engine_fixtures.py: every architecture against
/// transformers' float32 eager attention.
@Suite struct EngineReferenceTests {
  static let architectures = ["llama", "mistral", "qwen2", "qwen3", "roberta", "distilbert"]

  static func folder(_ name: String) throws -> URL {
    try fixtureURL("engine").appendingPathComponent(name)
  }

  static func model(_ name: String, ids: [Int], truncate: Bool = false) throws -> TransformerModel {
    let url = try folder(name)
    let config = try TransformerConfig(
      configJSON: try Data(contentsOf: url.appendingPathComponent("config.json")), path: url.path)
    return try TransformerModel(
      config: config, tensors: try SafeTensorsCheckpoint(folder: url.path),
      tokenizer: ReferenceIDs(ids: ids), name: name, truncate: truncate)
  }

  @Test(arguments: architectures)
  func attentionMatchesTransformers(_ name: String) throws {
    let reference = try BertReference.load(
      try Self.folder(name).appendingPathComponent("reference.json"))
    let cases = reference.cases.filter { $0.attentions != nil }
    #expect(!cases.isEmpty)
    for item in cases {
      let trace = try Self.model(name, ids: item.ids).trace(item.text)
      let difference = AttentionDifference(
        trace: trace, reference: item.attentions ?? [], scale: reference.attentionScale ?? 1e6)
      #expect(difference.shapeProblem == nil && difference.maximum < 1e-5, "\(name): \(difference)")
    }
  }

  /// The whole folder: tokenizer.json gives transformers' ids on every reference text (chat
  /// turns, code, digits, emoji, CJK, runs of whitespace), and the attention follows.
  @Test(arguments: architectures)
  func folderGivesTransformersIDsAndAttention(_ name: String) throws {
    let folder = try Self.folder(name)
    let reference = try BertReference.load(folder.appendingPathComponent("reference.json"))
    let model = try TransformerModel(folder: folder.path)
    #expect(model.info.name == name)
    for item in reference.cases {
      let trace = try model.trace(item.text)
      #expect(trace.tokens.map(\.id) == item.ids, "\(name): \(item.text.debugDescription)")
      guard let attentions = item.attentions else { continue }
      let difference = AttentionDifference(
        trace: trace, reference: attentions, scale: reference.attentionScale ?? 1e6)
      #expect(difference.shapeProblem == nil && difference.maximum < 1e-5, "\(name): \(difference)")
    }
  }

  /// Byte-level markers are not shown: "Ġtired" displays as "·tired", never with Ġ or ▁.
  @Test func decoderTokensDisplayWithoutByteLevelMarkers() throws {
    for name in ["llama", "mistral", "qwen2"] {
      let trace = try TransformerModel(folder: try Self.folder(name).path).trace("The tired street")
      let marked = trace.tokens.filter { $0.text.contains("Ġ") || $0.text.contains("▁") }
      #expect(marked.isEmpty, "\(name): \(marked.map(\.text))")
    }
  }

  @Test func configurationsReadAsTheFixturesSay() throws {
    func config(_ name: String) throws -> TransformerConfig {
      let url = try Self.folder(name).appendingPathComponent("config.json")
      return try TransformerConfig(configJSON: try Data(contentsOf: url), path: url.path)
    }
    let llama = try config("llama")
    #expect(llama.kvHeads == 2 && llama.heads == 4 && !llama.tiedEmbeddings)
    #expect(
      llama.ropeScaling
        == .llama3(
          factor: 8, lowFrequencyFactor: 1, highFrequencyFactor: 4, originalMaxPositions: 64))
    #expect(try config("mistral").slidingWindow == 5)
    let qwen2 = try config("qwen2")
    #expect(qwen2.qkvBias && !qwen2.outputBias && qwen2.ropeTheta == 1_000_000)
    let qwen3 = try config("qwen3")
    #expect(qwen3.qkNorm && qwen3.headDim == 8 && qwen3.hidden == 16 && qwen3.outputBias)
    #expect(try config("roberta").paddingIndex == 1)
    #expect(try config("distilbert").typeVocabularySize == 0)
  }

  @Test func groupedQueryModelsReportTheirKeyValueHeads() throws {
    let info = try Self.model("llama", ids: [0]).info
    #expect(info.heads == 4 && info.keyValueHeads == 2 && info.queryHeadsPerKeyValueHead == 2)
    #expect(info.causal && info.family == .transformer(.llama))
    #expect(try Self.model("qwen3", ids: [0]).info.headDimension == 8)
  }

  /// The description is read at load: positions, norm and biases from the architecture's
  /// layout and tensor table, not from its name.
  @Test func describedAtLoad() throws {
    let llama = try Self.model("llama", ids: [0]).info
    #expect(llama.positions == .rotary && llama.norm == .rmsNorm && !llama.projectionBiases)
    let qwen2 = try Self.model("qwen2", ids: [0]).info
    #expect(qwen2.positions == .rotary && qwen2.projectionBiases)
    let roberta = try Self.model("roberta", ids: [0]).info
    #expect(roberta.positions == .learned && roberta.norm == .layerNorm && roberta.projectionBiases)
  }

  /// A sharded folder is fingerprinted from its mapped shards (provenance used to call it "read
  /// from a pipe"): the sizes together and the SHA-256 of the headers in file-name order.
  @Test func shardedCheckpointIsFingerprinted() throws {
    let folder = try Self.folder("llama")
    let shards = try FileManager.default.contentsOfDirectory(atPath: folder.path)
      .filter { $0.hasPrefix("model-") && $0.hasSuffix(".safetensors") }.sorted()
    #expect(shards.count == 5)
    var size = 0
    var headers: [UInt8] = []
    for shard in shards {
      let bytes = [UInt8](try Data(contentsOf: folder.appendingPathComponent(shard)))
      let length = bytes[0..<8].reversed().reduce(0) { $0 << 8 | Int($1) }
      size += bytes.count
      headers += bytes[0..<(8 + length)]
    }
    let fingerprint = try #require(try Self.model("llama", ids: [0]).info.checkpoint)
    #expect(
      fingerprint
        == CheckpointFingerprint(bytes: size, files: 5, scope: .header, hashing: headers))
    #expect(fingerprint.summary.hasPrefix("\(size) bytes in 5 files, headers sha256 "))
  }

  /// The sliding window: query i sees keys i−4 … i, nothing earlier, in every head and layer.
  @Test func mistralAttendsWithinItsWindowOnly() throws {
    let reference = try BertReference.load(
      try Self.folder("mistral").appendingPathComponent("reference.json"))
    let item = reference.cases[0]
    let trace = try Self.model("mistral", ids: item.ids).trace(item.text)
    #expect(item.ids.count > 5)
    for layer in trace.layers {
      for head in layer.weights {
        for i in 0..<head.rows {
          for j in 0..<head.columns where j > i || i - j >= 5 { #expect(head[i, j] == 0) }
        }
      }
    }
  }

  @Test func untiedLMHeadIsFoundAndTiedOneIsNot() throws {
    let model = try Self.model("llama", ids: [0])
    #expect(model.table.has(.lmHead))
    #expect(!(try Self.model("qwen2", ids: [0])).table.has(.lmHead))
  }
}
