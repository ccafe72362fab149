import AttnvizMath
import Foundation
import Testing

@testable import AttnvizModel

/// Hugging Face encoder–decoders through the one `EncoderDecoderPass`, against transformers
/// (scripts/reference/make_encoder_decoder_fixtures.py): tiny MarianMT, BART and T5 (v1.1: gated-GELU) models with
/// peaked attention, read from their folders (config.json, model.safetensors, the tokenizer),
/// on three sentences each. Source ids and the greedy ids of `generate` must be equal; encoder,
/// decoder and cross-attention within 1e-5 of transformers' eager float32.
enum EncoderDecoderFixture {
  struct Case: Decodable {
    var text: String
    var sourceIds: [Int]
    var generatedIds: [Int]
    var translation: String
    var encoderAttention: [[[[Double]]]]
    var decoderAttention: [[[[Double]]]]
    var crossAttention: [[[[Double]]]]
  }

  struct Reference: Decodable {
    var modelType: String
    var steps: Int
    var cases: [Case]
  }

  static func folder(_ kind: String) -> String {
    (Bundle.module.resourceURL?.appendingPathComponent("Fixtures/encoder-decoder/\(kind)")
      ?? URL(fileURLWithPath: "Tests/AttnvizModelTests/Fixtures/encoder-decoder/\(kind)")).path
  }

  static func reference(_ kind: String) throws -> Reference {
    let data = try Data(contentsOf: URL(fileURLWithPath: folder(kind) + "/reference.json"))
    let decoder = JSONDecoder()
    decoder.keyDecodingStrategy = .convertFromSnakeCase
    return try decoder.decode(Reference.self, from: data)
  }

  /// The largest difference over every layer, head and cell; `rows` limits the rows compared.
  static func difference(_ maps: [[Matrix]], _ expected: [[[[Double]]]], rows: Int? = nil)
    -> Double
  {
    var worst = 0.0
    #expect(maps.count == expected.count)
    for (layer, heads) in zip(maps, expected) {
      #expect(layer.count == heads.count)
      for (map, head) in zip(layer, heads) {
        for (i, row) in head.enumerated().prefix(rows ?? head.count) {
          #expect(map.columns >= row.count)
          for (j, value) in row.enumerated() where i < map.rows && j < map.columns {
            worst = max(worst, abs(map[i, j] - value))
          }
        }
      }
    }
    return worst
  }
}

@Suite("Hugging Face encoder–decoders against transformers")
struct HuggingFaceTranslatorTests {
  @Test(arguments: ["marian", "bart", "t5"])
  func translationsAndAttentionMatch(_ kind: String) throws {
    let reference = try EncoderDecoderFixture.reference(kind)
    let translator = try MarianTranslator(folder: EncoderDecoderFixture.folder(kind))
    #expect(translator.modelType == kind)
    #expect(reference.cases.count == 3)
    for expected in reference.cases {
      let translation = try translator.translate(expected.text)
      #expect(translation.source.compactMap(\.id) == expected.sourceIds, "\(expected.text)")
      let n = expected.generatedIds.count
      // transformers stopped after `steps` tokens or at </s>; attnviz decodes up to 3 × S.
      #expect(Array(translation.generatedIDs.prefix(n)) == expected.generatedIds)
      if expected.generatedIds.last == translator.endID {
        #expect(translation.generatedIDs.count == n)
      }
      let encoder = EncoderDecoderFixture.difference(
        translation.encoderSelfAttention, expected.encoderAttention)
      let cross = EncoderDecoderFixture.difference(
        translation.crossAttention, expected.crossAttention, rows: n)
      let decoder = EncoderDecoderFixture.difference(
        try #require(translation.decoderSelfAttention), expected.decoderAttention, rows: n)
      #expect(encoder < 1e-5, "\(kind) encoder: \(encoder)")
      #expect(cross < 1e-5, "\(kind) cross: \(cross)")
      #expect(decoder < 1e-5, "\(kind) decoder: \(decoder)")
      print("\(kind) \(expected.text): encoder \(encoder), decoder \(decoder), cross \(cross)")
    }
  }

  /// A folder whose config and checkpoint disagree, or that is not an encoder–decoder attnviz
  /// reads, is refused with one message naming the file and what is wrong.
  @Test func refusesWhatItCannotRun() throws {
    let manager = FileManager.default
    let folder = manager.temporaryDirectory.appendingPathComponent(
      "attnviz-hf-translator-\(UUID().uuidString)")
    try manager.copyItem(
      at: URL(fileURLWithPath: EncoderDecoderFixture.folder("bart")), to: folder)
    defer { try? manager.removeItem(at: folder) }
    let config = folder.appendingPathComponent("config.json")
    let original = try String(contentsOf: config, encoding: .utf8)
    let cases = [
      ("\"d_model\": 32", "\"d_model\": 64", "expected [64"),
      ("\"model_type\": \"bart\"", "\"model_type\": \"pegasus\"", "model_type \"pegasus\""),
      ("\"activation_function\": \"gelu\"", "\"activation_function\": \"mish\"", "mish"),
      ("\"decoder_attention_heads\": 4", "\"decoder_attention_heads\": 2", "one shape"),
    ]
    for (from, to, message) in cases {
      #expect(original.contains(from), "the fixture's config has \(from)")
      try original.replacingOccurrences(of: from, with: to).write(
        to: config, atomically: true, encoding: .utf8)
      #expect {
        _ = try MarianTranslator(huggingFaceFolder: folder.path)
      } throws: { "\($0)".contains(message) }
    }
  }

  /// A MarianMT folder whose vocab.json is not JSON, repeats a piece, or is not an object: the
  /// message names the file and says what is wrong where.
  @Test func brokenVocabularyIsNamed() throws {
    let manager = FileManager.default
    let folder = manager.temporaryDirectory.appendingPathComponent(
      "attnviz-hf-vocab-\(UUID().uuidString)")
    try manager.copyItem(
      at: URL(fileURLWithPath: EncoderDecoderFixture.folder("marian")), to: folder)
    defer { try? manager.removeItem(at: folder) }
    let vocabulary = folder.appendingPathComponent("vocab.json")
    let cases = [
      ("{\n  \"<unk>\": 0,\n  \"a\" 1\n}", "vocab.json: is not valid JSON: line 3 should have"),
      ("{\"<unk>\": 0, \"<unk>\": 1}", "vocab.json: repeats the key \"<unk>\" on line 1"),
      ("[\"<unk>\"]", "vocab.json: must be a JSON object from pieces to ids"),
    ]
    for (text, message) in cases {
      try text.write(to: vocabulary, atomically: true, encoding: .utf8)
      #expect {
        _ = try MarianTranslator(huggingFaceFolder: folder.path)
      } throws: { error in
        "\(error)".contains(message) && "\(error)".contains(folder.path)
      }
    }
  }

  @Test func folderIsATranslator() {
    #expect(MarianTranslator.isTranslatorFolder(EncoderDecoderFixture.folder("marian")))
    #expect(MarianTranslator.huggingFaceModelType(EncoderDecoderFixture.folder("bart")) == "bart")
  }
}
