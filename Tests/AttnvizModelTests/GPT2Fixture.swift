import Foundation
import Testing

@testable import AttnvizModel

/// The tiny GPT-2 of Fixtures/tiny-gpt2 (made by scripts/reference/gpt2_fixture.py) and its
/// Hugging Face reference data.
enum TinyGPT2 {
  static var folder: URL {
    get throws {
      guard let fixtures = Bundle.module.url(forResource: "Fixtures", withExtension: nil) else {
        throw CocoaError(.fileNoSuchFile)
      }
      return fixtures.appendingPathComponent("tiny-gpt2")
    }
  }

  struct Sentence: Decodable, Sendable, CustomTestStringConvertible {
    var text: String
    var ids: [Int]
    var tokens: [String]
    /// [layer][head][query][key ≤ query]: the causal rows without their zero tail.
    var attentions: [[[[Double]]]]?

    var testDescription: String { "\(text.debugDescription) (\(ids.count) tokens)" }
  }

  struct Reference: Decodable {
    var sentences: [Sentence]
  }

  static func reference(_ name: String = "reference.json") throws -> [Sentence] {
    let data = try Data(contentsOf: try folder.appendingPathComponent(name))
    return try JSONDecoder().decode(Reference.self, from: data).sentences
  }

  /// A writable copy of the fixture folder in which `model.safetensors` is rewritten from
  /// `tensors` and config.json edited by `editConfig`.
  static func modifiedCopy(
    tensors edit: (inout [(name: String, shape: [Int], values: [Float])]) -> Void = { _ in },
    editConfig: (inout [String: Any]) -> Void = { _ in }
  ) throws -> URL {
    let source = try folder
    let copy = FileManager.default.temporaryDirectory
      .appendingPathComponent("attnviz-gpt2-\(UUID().uuidString)")
      .appendingPathComponent("tiny-gpt2")
    try FileManager.default.createDirectory(at: copy, withIntermediateDirectories: true)
    for name in ["vocab.json", "merges.txt"] {
      try FileManager.default.copyItem(
        at: source.appendingPathComponent(name), to: copy.appendingPathComponent(name))
    }
    let configData = try Data(contentsOf: source.appendingPathComponent("config.json"))
    var config = try JSONSerialization.jsonObject(with: configData) as? [String: Any] ?? [:]
    editConfig(&config)
    try JSONSerialization.data(withJSONObject: config, options: [.sortedKeys])
      .write(to: copy.appendingPathComponent("config.json"))
    let file = try SafeTensorsFile(path: source.appendingPathComponent("model.safetensors").path)
    var tensors = try file.tensorNames.map { name in
      (name: name, shape: file.shape(of: name) ?? [], values: try file.floats(name))
    }
    edit(&tensors)
    try writeSafeTensors(tensors, to: copy.appendingPathComponent("model.safetensors"))
    return copy
  }

  /// A minimal safetensors writer (F32 only), enough to build broken checkpoints for tests.
  /// `alignData`: pad the header with spaces, as the safetensors library does, so the data
  /// starts at a multiple of 8 and F32 tensors are read in place (`mappedFloats`).
  static func writeSafeTensors(
    _ tensors: [(name: String, shape: [Int], values: [Float])], to url: URL,
    alignData: Bool = false
  ) throws {
    var header: [String: Any] = [:]
    var data: [UInt8] = []
    for tensor in tensors {
      let begin = data.count
      for value in tensor.values {
        withUnsafeBytes(of: value.bitPattern.littleEndian) { data += $0 }
      }
      header[tensor.name] = [
        "dtype": "F32", "shape": tensor.shape, "data_offsets": [begin, data.count],
      ]
    }
    var headerBytes = Array(
      try JSONSerialization.data(withJSONObject: header, options: [.sortedKeys]))
    while alignData && (8 + headerBytes.count) % 8 != 0 { headerBytes.append(0x20) }
    var bytes: [UInt8] = []
    withUnsafeBytes(of: UInt64(headerBytes.count).littleEndian) { bytes += $0 }
    try Data(bytes + headerBytes + data).write(to: url)
  }

  static func remove(_ copy: URL) {
    try? FileManager.default.removeItem(at: copy.deletingLastPathComponent())
  }
}
