import AttnvizMath
import AttnvizTokens
import Foundation
import Testing

@testable import AttnvizModel

/// The Firefox translators (`make model`; not committed) against the independent numpy
/// re-implementation of Marian (scripts/reference/make_firefox_reference.py, written from
/// marian-dev's source): 10 sentences each way, the same source ids and greedy output ids, and
/// every encoder self-attention and cross-attention weight within 1e-4. With
/// ATTNVIZ_REQUIRE_MODELS=1 a missing model fails instead of skipping.
enum Firefox {
  static func folder(_ direction: String) -> String {
    direction == "enpt" ? "models/firefox-en-pt" : "models/firefox-pt-en"
  }

  static var present: Bool {
    FileManager.default.fileExists(atPath: folder("enpt") + "/model.enpt.intgemm.alphas.bin")
      || ProcessInfo.processInfo.environment["ATTNVIZ_REQUIRE_MODELS"] == "1"
  }

  static let translators: [String: Result<MarianTranslator, any Error>] = [
    "enpt": Result { try MarianTranslator(folder: folder("enpt")) },
    "pten": Result { try MarianTranslator(folder: folder("pten")) },
  ]

  struct Case: Decodable {
    var model: String
    var text: String
    var sourceIds: [Int]
    var outputIds: [Int]
    var translation: String
    var encoderSelfAttention: [[[[Int]]]]
    var crossAttention: [[[[Int]]]]
  }

  struct Reference: Decodable {
    var attentionScale: Double
    var cases: [Case]
  }

  static let reference = Result {
    let decoder = JSONDecoder()
    decoder.keyDecodingStrategy = .convertFromSnakeCase
    return try decoder.decode(
      Reference.self, from: Data(contentsOf: try fixtureURL("firefox-reference.json")))
  }

  /// The largest |attnviz − reference| over [layer][head] maps, and where.
  static func difference(_ maps: [[Matrix]], _ expected: [[[[Int]]]], scale: Double) -> (
    Double, String
  ) {
    guard maps.count == expected.count else { return (.infinity, "layers \(maps.count)") }
    var worst = (0.0, "")
    for (l, layer) in maps.enumerated() {
      guard layer.count == expected[l].count else { return (.infinity, "heads in layer \(l)") }
      for (h, map) in layer.enumerated() {
        let rows = expected[l][h]
        guard map.rows == rows.count, rows.allSatisfy({ $0.count == map.columns }) else {
          return (.infinity, "shape of layer \(l) head \(h): \(map.rows)×\(map.columns)")
        }
        for i in 0..<map.rows {
          for j in 0..<map.columns {
            let d = abs(map[i, j] - Double(rows[i][j]) / scale)
            if d > worst.0 { worst = (d, "layer \(l) head \(h) [\(i), \(j)]") }
          }
        }
      }
    }
    return worst
  }
}

@Suite(
  "Firefox translators (Marian, SSRU decoder)",
  .enabled(if: Firefox.present, "models/firefox-en-pt is absent; run `make model`"))
struct FirefoxTranslatorTests {
  @Test func readsTheMarianFile() throws {
    let file = try MarianFile(contentsOf: Firefox.folder("enpt") + "/model.enpt.intgemm.alphas.bin")
    #expect(file.items.count == 195)
    let w1 = try #require(file.item("encoder_l1_ffn_W1"))
    #expect(w1.type == .intgemm8 && w1.shape == [256, 1536])
    #expect(file.item("decoder_ff_logit_out_b")?.type == .float32)
    let config = try MarianConfig(yaml: try file.text("special:model.yml"), file: "")
    #expect(config.dim == 256 && config.heads == 8 && config.feedForward == 1536)
    #expect(config.encoderLayers == 6 && config.decoderLayers == 2 && config.vocabulary == 32000)
  }

  @Test(arguments: 0..<20)
  func matchesTheNumpyReference(index: Int) throws {
    let reference = try Firefox.reference.get()
    let expected = reference.cases[index]
    let translator = try #require(Firefox.translators[expected.model]).get()
    let translation = try translator.translate(expected.text)
    #expect(translation.source.map(\.id) == expected.sourceIds)
    #expect(translation.target.map(\.id) == expected.outputIds)
    #expect(translation.text == expected.translation)
    let encoder = Firefox.difference(
      translation.encoderSelfAttention, expected.encoderSelfAttention,
      scale: reference.attentionScale)
    #expect(encoder.0 <= 1e-4, "encoder self-attention: \(encoder)")
    let cross = Firefox.difference(
      translation.crossAttention, expected.crossAttention, scale: reference.attentionScale)
    #expect(cross.0 <= 1e-4, "cross-attention: \(cross)")
  }

  @Test func theLectureSentenceAlignsAdjectiveAndNoun() throws {
    let translation = try Firefox.translators["enpt"]!.get().translate(
      "The black cat sat on the old mat because it was tired.")
    #expect(translation.text == "O gato preto sentou-se no tapete velho porque estava cansado.")
    let last = try #require(translation.crossAttention.last)
    func average(_ t: Int, _ s: Int) -> Double { last.map { $0[t, s] }.reduce(0, +) / 8 }
    // gato (target 1) reads cat (source 2); preto (target 2) reads black (source 1).
    #expect(abs(average(1, 2) - 0.643) < 0.001)
    #expect(abs(average(2, 1) - 0.853) < 0.001)
  }

  @Test func refusesOrCutsASourceOverTheLimit() throws {
    let translator = try Firefox.translators["enpt"]!.get()
    let long = Array(repeating: "cat", count: 300).joined(separator: " ")
    #expect(throws: ModelError.tooManyTokens(count: 301, limit: 256)) {
      try translator.translate(long)
    }
    let cut = try translator.translate(long, truncate: true)
    #expect(cut.source.count == 256 && cut.truncatedFrom == 301)
    #expect(cut.source.last?.id == 0)
  }
}

@Suite("Marian binary file")
struct MarianFileTests {
  /// A file of `items` (name, type, shape, data) in Marian's layout.
  static func file(_ items: [(String, UInt64, [Int32], [UInt8])], padding: Int = 0) -> [UInt8] {
    func u64(_ v: UInt64) -> [UInt8] { withUnsafeBytes(of: v.littleEndian, Array.init) }
    var out = u64(1) + u64(UInt64(items.count))
    for (name, type, shape, data) in items {
      out +=
        u64(UInt64(name.utf8.count + 1)) + u64(type) + u64(UInt64(shape.count))
        + u64(UInt64(data.count))
    }
    for item in items { out += Array(item.0.utf8) + [0] }
    for item in items {
      for d in item.2 { out += withUnsafeBytes(of: d.littleEndian, Array.init) }
    }
    out += u64(UInt64(padding)) + Array(repeating: 0, count: padding)
    for item in items { out += item.3 }
    return out
  }

  static let multiplier = withUnsafeBytes(of: Float(2).bitPattern.littleEndian, Array.init)

  @Test func dequantisesInt8WithItsMultiplier() throws {
    // Shape [2, 3] (in, out) stored transposed: 3 rows of 2 values, then the multiplier 2.
    let data: [UInt8] = [2, 4, 6, 8, 254, 0] + Self.multiplier + [0, 0]
    let bytes = Self.file([("W", 0x4101, [2, 3], data)], padding: 5)
    let file = try MarianFile(bytes: bytes, file: "m.bin")
    #expect(try file.values("W", shape: [2, 3]) == [1, 2, 3, 4, -1, 0])
    #expect(throws: ModelError.self) { try file.values("W", shape: [3, 2]) }
  }

  @Test func transposesFloat32Matrices() throws {
    let values: [Float] = [1, 2, 3, 4, 5, 6]  // (in 2, out 3) row-major
    let data = values.flatMap { withUnsafeBytes(of: $0.bitPattern.littleEndian, Array.init) }
    let file = try MarianFile(bytes: Self.file([("W", 0x0404, [2, 3], data)]), file: "m.bin")
    #expect(try file.values("W", shape: [2, 3]) == [1, 4, 2, 5, 3, 6])
  }

  @Test func refusesTruncatedAndCorruptFiles() throws {
    let good = Self.file([("W", 0x4101, [2, 3], [1, 2, 3, 4, 5, 6] + Self.multiplier)])
    #expect(throws: Never.self) { try MarianFile(bytes: good, file: "m.bin") }
    for cut in [0, 7, 20, 60, good.count - 1] {
      #expect(throws: ModelError.self) {
        try MarianFile(bytes: Array(good.prefix(cut)), file: "m.bin")
      }
    }
    var version = good
    version[0] = 2
    #expect(throws: ModelError.self) { try MarianFile(bytes: version, file: "m.bin") }
    var type = good
    type[24] = 0x77
    #expect(throws: ModelError.self) { try MarianFile(bytes: type, file: "m.bin") }
    // Data too short for the shape; bytes after the last item.
    let short = Self.file([("W", 0x4101, [2, 3], [1, 2, 3])])
    #expect(throws: ModelError.self) { try MarianFile(bytes: short, file: "m.bin") }
    #expect(throws: ModelError.self) { try MarianFile(bytes: good + [0], file: "m.bin") }
    // A shape whose product overflows.
    let huge = Self.file([("W", 0x0404, [Int32.max, Int32.max, Int32.max], [])])
    #expect(throws: ModelError.self) { try MarianFile(bytes: huge, file: "m.bin") }
  }

  @Test func configRefusesArithmeticItDoesNotRun() throws {
    let base = """
      type: transformer
      dim-emb: 16
      enc-depth: 1
      dec-depth: 1
      transformer-heads: 2
      transformer-dim-ffn: 32
      transformer-decoder-autoreg: rnn
      dec-cell: ssru
      transformer-postprocess: dan
      transformer-preprocess: ""
      transformer-postprocess-emb: d
      transformer-postprocess-top: ""
      transformer-ffn-activation: relu
      tied-embeddings-all: true
      dim-vocabs:
        - 40
        - 40
      """
    #expect(try MarianConfig(yaml: base, file: "m").vocabulary == 40)
    for (key, value) in [
      ("transformer-decoder-autoreg: rnn", "transformer-decoder-autoreg: self-attention"),
      ("transformer-preprocess: \"\"", "transformer-preprocess: n"),
      ("transformer-ffn-activation: relu", "transformer-ffn-activation: swish"),
      ("type: transformer", "type: s2s"),
      ("dim-emb: 16", "dim-emb: 15"),
    ] {
      #expect(throws: ModelError.self, "\(value)") {
        try MarianConfig(yaml: base.replacingOccurrences(of: key, with: value), file: "m")
      }
    }
  }
}
