import AttnvizMath
import Foundation

@testable import AttnvizModel

/// A reference file written by scripts/reference/: per sentence, Hugging Face's tokens, ids and
/// attention weights (`attentions[layer][head][query][key]`, integers in millionths).
struct BertReference: Decodable {
  struct Case: Decodable {
    var text: String
    var tokens: [String]
    var ids: [Int]
    var attentions: [[[[Int]]]]?
  }

  /// A text longer than the model's positions, cut by transformers (`truncation=True`).
  struct Truncated: Decodable {
    var text: String
    var tokens: [String]
    var ids: [Int]
    var untruncatedCount: Int
  }

  var attentionScale: Double?
  var cases: [Case]
  var tokenizerCases: [Case]?
  var truncated: Truncated?

  static func load(_ url: URL) throws -> BertReference {
    let decoder = JSONDecoder()
    decoder.keyDecodingStrategy = .convertFromSnakeCase
    return try decoder.decode(BertReference.self, from: Data(contentsOf: url))
  }
}

/// The largest |attnviz − reference| over every weight of a trace, and where it is.
struct AttentionDifference: CustomStringConvertible {
  var maximum = 0.0
  var layer = 0, head = 0, query = 0, key = 0
  var shapeProblem: String?

  init(trace: AttentionTrace, reference: [[[[Int]]]], scale: Double) {
    guard trace.layers.count == reference.count else {
      shapeProblem = "\(trace.layers.count) layers, reference has \(reference.count)"
      return
    }
    for (l, heads) in reference.enumerated() {
      guard trace.layers[l].weights.count == heads.count else {
        shapeProblem =
          "layer \(l): \(trace.layers[l].weights.count) heads, reference \(heads.count)"
        return
      }
      for (h, head) in heads.enumerated() {
        let ours = trace.layers[l].weights[h]
        guard ours.rows == head.count, head.allSatisfy({ $0.count == ours.columns }) else {
          shapeProblem = "layer \(l) head \(h): \(ours.rows)×\(ours.columns), reference differs"
          return
        }
        for (q, row) in head.enumerated() {
          for (k, value) in row.enumerated() {
            let difference = abs(ours[q, k] - Double(value) / scale)
            if difference > maximum {
              (maximum, layer, self.head, query, key) = (difference, l, h, q, k)
            }
          }
        }
      }
    }
  }

  var description: String {
    shapeProblem
      ?? "max abs difference \(maximum) at layer \(layer) head \(head) query \(query) key \(key)"
  }
}

/// The package root, found from this file's path (Tests/AttnvizModelTests/<file>).
func packageRoot(_ file: String = #filePath) -> URL {
  URL(fileURLWithPath: file).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()
}

func fixtureURL(_ name: String) throws -> URL {
  guard let resources = Bundle.module.resourceURL else {
    throw CocoaError(.fileNoSuchFile)
  }
  return resources.appendingPathComponent("Fixtures").appendingPathComponent(name)
}

/// What the memory budget charges a safetensors model beyond its per-layer copies: the
/// checkpoint's file (mapped) and the token embeddings as Float32.
func expectedCheckpointBytes(_ folder: String, _ model: TransformerModel) throws -> Int {
  let path = URL(fileURLWithPath: folder + "/model.safetensors").resolvingSymlinksInPath().path
  let file = try FileManager.default.attributesOfItem(atPath: path)
  let size = (file[.size] as? Int) ?? -1
  return size + 4 * model.config.vocabularySize * model.config.hidden
}

/// The fingerprint of a folder's `model.safetensors`, read here independently of the loader:
/// its size, and the SHA-256 of its first 8 + N bytes (the length and the JSON header).
func expectedFingerprint(_ folder: String) throws -> CheckpointFingerprint {
  let path = URL(fileURLWithPath: folder + "/model.safetensors").resolvingSymlinksInPath().path
  let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
  let length = bytes[0..<8].reversed().reduce(0) { $0 << 8 | Int($1) }
  return CheckpointFingerprint(
    bytes: bytes.count, scope: .header, hashing: Array(bytes[0..<(8 + length)]))
}
