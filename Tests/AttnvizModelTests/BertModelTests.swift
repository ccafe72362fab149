import AttnvizMath
import AttnvizTokens
import Foundation
import Testing

@testable import AttnvizModel

/// The tiny BERT of scripts/reference/make_tiny_bert.py: 2 layers, hidden 32, 4 heads, peaked
/// attention, tensors named "bert.…" with "cls.…" heads beside them.
@Suite("BERT on the tiny reference model")
struct TinyBertTests {
  static let folder = (try? fixtureURL("tiny-bert").path) ?? "missing"
  static let reference = Result { try BertReference.load(fixtureURL("tiny-bert/reference.json")) }

  @Test func infoDescribesTheModel() throws {
    let model = try TransformerModel(folder: Self.folder)
    var expected = ModelInfo(
      name: "tiny-bert", family: .transformer(.bert), layers: 2, heads: 4, dModel: 32, causal: false
    )
    expected.checkpointBytes = try expectedCheckpointBytes(Self.folder, model)
    expected.checkpoint = try expectedFingerprint(Self.folder)
    #expect(model.info == expected)
    #expect(model.info.keyValueHeads == 4 && model.ignoredTensors.contains("cls.predictions.bias"))
  }

  @Test(arguments: 0..<5)
  func matchesTransformers(index: Int) throws {
    let reference = try Self.reference.get()
    let expected = reference.cases[index]
    let trace = try TransformerModel(folder: Self.folder).trace(expected.text)
    #expect(trace.tokens.map(\.text) == expected.tokens)
    #expect(trace.tokens.map(\.id) == expected.ids)
    let difference = AttentionDifference(
      trace: trace, reference: try #require(expected.attentions),
      scale: reference.attentionScale ?? 1)
    #expect(difference.shapeProblem == nil && difference.maximum <= 1e-5, "\(difference)")
  }

  /// The first layer keeps its steps, documented as embeddings = word + token type,
  /// positionalEncoding = learned positions, input = LayerNorm(sum).
  @Test func firstLayerStepsFollowTheDocumentedSplit() throws {
    let model = try TransformerModel(folder: Self.folder)
    let trace = try model.trace("The cat.")
    let steps = try #require(trace.layers[0].steps)
    #expect(trace.layers[1].steps == nil)
    #expect(steps.weights == trace.layers[0].weights)
    let file = try SafeTensorsFile(path: Self.folder + "/model.safetensors")
    let words = try file.rows(
      "bert.embeddings.word_embeddings.weight", trace.tokens.map { $0.id ?? -1 },
      expectedShape: [128, 32])
    let type0 = try file.rows(
      "bert.embeddings.token_type_embeddings.weight", [0], expectedShape: [2, 32])
    let positions = try file.rows(
      "bert.embeddings.position_embeddings.weight", Array(0..<trace.tokens.count),
      expectedShape: [64, 32])
    #expect(abs(steps.embeddings[2, 5] - (words[2, 5] + type0[0, 5])) < 1e-6)
    #expect(steps.positionalEncoding == positions)
    // input = LayerNorm(embeddings + positions), worked out here in Double for every token.
    let gain = try file.doubles("bert.embeddings.LayerNorm.weight")
    let shift = try file.doubles("bert.embeddings.LayerNorm.bias")
    let sum = steps.embeddings + positions
    for t in 0..<sum.rows {
      let row = Array(sum.row(t))
      let mean = row.reduce(0, +) / 32
      let sd = (row.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / 32 + 1e-12).squareRoot()
      for j in 0..<32 {
        #expect(abs(steps.input[t, j] - ((row[j] - mean) / sd * gain[j] + shift[j])) < 1e-5)
      }
    }
  }

  @Test func tooManyTokensIsRefusedUnlessTruncating() throws {
    let text = Array(repeating: "the cat", count: 40).joined(separator: " ")  // 80 + 2 tokens
    #expect(throws: ModelError.tooManyTokens(count: 82, limit: 64)) {
      try TransformerModel(folder: Self.folder).trace(text)
    }
    let trace = try TransformerModel(folder: Self.folder, truncate: true).trace(text)
    #expect(trace.truncatedFrom == 82)
    #expect(trace.tokens.count == 64)
    #expect(trace.tokens.first?.text == "[CLS]" && trace.tokens.last?.text == "[SEP]")
    #expect(trace.tokens[62].text == "cat")
    #expect(trace.layers.allSatisfy { $0.weights.allSatisfy { $0.rows == 64 && $0.columns == 64 } })
    let expected = try #require(try Self.reference.get().truncated)
    let cut = try TransformerModel(folder: Self.folder, truncate: true).trace(expected.text)
    #expect(cut.tokens.map(\.text) == expected.tokens && cut.tokens.map(\.id) == expected.ids)
    #expect(cut.truncatedFrom == expected.untruncatedCount)
    let exact = try TransformerModel(folder: Self.folder).trace("the cat")
    #expect(exact.truncatedFrom == nil)
  }
}

/// Copies of the tiny model with one thing changed, each refused with a message that names it.
@Suite("BERT folder errors")
struct BertFolderErrorTests {
  func copyOfTinyBert(_ change: (URL) throws -> Void) throws -> URL {
    let copy = FileManager.default.temporaryDirectory.appendingPathComponent(
      "attnviz-tiny-bert-\(UUID().uuidString)")
    try FileManager.default.copyItem(at: fixtureURL("tiny-bert"), to: copy)
    try change(copy)
    return copy
  }

  func editConfig(_ folder: URL, _ edit: (inout [String: Any]) -> Void) throws {
    let url = folder.appendingPathComponent("config.json")
    var object = try #require(
      try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
    edit(&object)
    try JSONSerialization.data(withJSONObject: object).write(to: url)
  }

  func message(loading folder: URL) -> String {
    defer { try? FileManager.default.removeItem(at: folder) }
    do {
      _ = try TransformerModel(folder: folder.path)
      return "loaded without error"
    } catch {
      return "\(error)"
    }
  }

  @Test func missingFolderAndFiles() throws {
    #expect(message(loading: URL(fileURLWithPath: "/nonexistent/bert")).contains("is not a folder"))
    let noVocab = try copyOfTinyBert {
      try FileManager.default.removeItem(at: $0.appendingPathComponent("vocab.txt"))
    }
    #expect(
      message(loading: noVocab).contains(
        "has no tokenizer attnviz can read; a bert folder needs tokenizer.json (or vocab.txt)"))
  }

  @Test func configErrorsNameTheField() throws {
    let t5 = try copyOfTinyBert { try editConfig($0) { $0["model_type"] = "t5" } }
    #expect(
      message(loading: t5).contains(
        "\"model_type\" is \"t5\"; attnviz reads bert, distilbert, gemma, gemma2, gemma3_text, "
          + "gpt2, llama, mistral, olmo2, phi3, qwen2, qwen3, roberta"))
    let heads = try copyOfTinyBert { try editConfig($0) { $0["num_attention_heads"] = 5 } }
    #expect(message(loading: heads).contains("(5) must divide hidden_size (32)"))
    let missing = try copyOfTinyBert { try editConfig($0) { $0["hidden_size"] = nil } }
    #expect(message(loading: missing).contains("\"hidden_size\" is missing"))
    let quick = try copyOfTinyBert { try editConfig($0) { $0["hidden_act"] = "quick_gelu" } }
    #expect(message(loading: quick).contains("\"hidden_act\" is \"quick_gelu\"; supported: "))
    let relative = try copyOfTinyBert {
      try editConfig($0) { $0["position_embedding_type"] = "relative_key" }
    }
    #expect(message(loading: relative).contains("\"position_embedding_type\" is \"relative_key\""))
  }

  /// A copy whose model.safetensors is rewritten (F32, data aligned) with `value` at
  /// `element` of each named tensor.
  func copyWithValues(_ changes: [(tensor: String, element: Int, value: Float)]) throws -> URL {
    try copyOfTinyBert { folder in
      let url = folder.appendingPathComponent("model.safetensors")
      var tensors = try {
        let file = try SafeTensorsFile(path: url.path)
        return try file.tensorNames.map { name in
          (name: name, shape: file.shape(of: name) ?? [], values: try file.floats(name))
        }
      }()
      for change in changes {
        let index = try #require(tensors.firstIndex { $0.name == change.tensor })
        tensors[index].values[change.element] = change.value
      }
      try TinyGPT2.writeSafeTensors(tensors, to: url, alignData: true)
    }
  }

  /// F32 weight matrices are used in place in the mapping, never converted; a NaN or infinity
  /// there is named with its element all the same, as the conversion names it.
  @Test func nonFiniteWeightReadInPlaceNamesTheElement() throws {
    let query = "bert.encoder.layer.0.attention.self.query.weight"
    let output = "bert.encoder.layer.0.attention.output.dense.weight"
    let nan = try copyWithValues([(query, 40, .nan), (output, 7, -.infinity)])
    defer { try? FileManager.default.removeItem(at: nan) }
    let written = try SafeTensorsFile(path: nan.appendingPathComponent("model.safetensors").path)
    #expect(written.mappedFloats(query) != nil, "the test must take the in-place path")
    let message = errorText { try TransformerModel(folder: nan.path).trace("the cat") }
    #expect(
      message.hasSuffix(
        "tensor \"\(query)\" holds NaN at element 40; the checkpoint is corrupted (download it "
          + "again)"), "\(message)")
    let infinite = try copyWithValues([(output, 7, -.infinity)])
    defer { try? FileManager.default.removeItem(at: infinite) }
    #expect(
      errorText { try TransformerModel(folder: infinite.path).trace("the cat") }.contains(
        "tensor \"\(output)\" holds an infinite value at element 7"))
  }

  @Test func checkpointNotMatchingTheConfigNamesTheTensor() throws {
    let deeper = try copyOfTinyBert { try editConfig($0) { $0["num_hidden_layers"] = 3 } }
    let deeperMessage = message(loading: deeper)
    #expect(
      deeperMessage.contains("\"bert.encoder.layer.2.attention.self.query.weight\" is missing"))
    let wider = try copyOfTinyBert { try editConfig($0) { $0["intermediate_size"] = 65 } }
    #expect(
      message(loading: wider).contains(
        "\"bert.encoder.layer.0.intermediate.dense.weight\" has shape [64, 32] but config.json implies [65, 32]"
      ))
    let absurd = try copyOfTinyBert {
      try editConfig($0) { $0["num_hidden_layers"] = 1_000_000_000 }
    }
    #expect(message(loading: absurd).contains("must be a whole number from 1 to 10000000"))
    let many = try copyOfTinyBert { try editConfig($0) { $0["num_hidden_layers"] = 900 } }
    #expect(message(loading: many).contains("too few for the 900 layers"))
    // Caps checked before anything is allocated per layer or per head (ModelLimits).
    let deep = try copyOfTinyBert { try editConfig($0) { $0["num_hidden_layers"] = 2000 } }
    #expect(
      message(loading: deep).hasSuffix(
        ": \"num_hidden_layers\": 2000 in config.json is over the limit of 1024 layers"))
    let wide = try copyOfTinyBert {
      try editConfig($0) {
        $0["num_attention_heads"] = 2048
        $0["hidden_size"] = 4096
      }
    }
    #expect(
      message(loading: wide).hasSuffix(
        ": \"num_attention_heads\": 2048 in config.json is over the limit of 1024 heads"))
    let corrupt = try copyOfTinyBert { folder in
      let url = folder.appendingPathComponent("model.safetensors")
      try Data(contentsOf: url).prefix(5000).write(to: url)
    }
    #expect(message(loading: corrupt).contains("truncated"))
  }

  /// An embedding table of integers (same size as F32, so the file stays valid) is refused when
  /// the model loads, not when the first text is traced.
  @Test func nonFloatTensorIsRefusedAtLoad() throws {
    let folder = try copyOfTinyBert { folder in
      let url = folder.appendingPathComponent("model.safetensors")
      var bytes = [UInt8](try Data(contentsOf: url))
      let entry = Array(#""bert.embeddings.word_embeddings.weight":{"dtype":"F32""#.utf8)
      let start = try #require(
        (0...(bytes.count - entry.count)).first {
          bytes[$0..<($0 + entry.count)].elementsEqual(entry)
        })
      bytes[start + entry.count - 4] = UInt8(ascii: "I")  // "F32" → "I32"
      try Data(bytes).write(to: url)
    }
    #expect(message(loading: folder).contains("word_embeddings.weight\" has dtype I32"))
  }

  @Test func vocabularyLargerThanTheEmbeddingsIsRefused() throws {
    let folder = try copyOfTinyBert { try editConfig($0) { $0["vocab_size"] = 100 } }
    #expect(
      message(loading: folder).contains(
        "vocab.txt has 128 entries but config.json's vocab_size is 100"))
  }

  @Test func tokenizerConfigSetsCase() throws {
    let cased = try copyOfTinyBert { folder in
      try Data(#"{"do_lower_case": false}"#.utf8).write(
        to: folder.appendingPathComponent("tokenizer_config.json"))
    }
    defer { try? FileManager.default.removeItem(at: cased) }
    let tokens = try TransformerModel(folder: cased.path).trace("The cat").tokens.map(\.text)
    #expect(tokens == ["[CLS]", "[UNK]", "cat", "[SEP]"])  // the vocabulary is lower-case
  }
}
