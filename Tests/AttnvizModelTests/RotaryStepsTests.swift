import AttnvizMath
import Foundation
import Testing

@testable import AttnvizModel

/// scripts/reference/make_rotary_reference.py: Q and K just before and after transformers'
/// `apply_rotary_pos_emb`, for the tiny Llama (llama3-rescaled frequencies, GQA 4/2) and Qwen3
/// (q/k norm before the rotation) models.
struct RotaryReference: Decodable {
  struct Case: Decodable {
    var model: String
    var text: String
    var ids: [Int]
    var layer: Int
    var frequencies: [Double]
    var qBefore: [[Double]]
    var qAfter: [[Double]]
    var kBefore: [[Double]]
    var kAfter: [[Double]]

    enum CodingKeys: String, CodingKey {
      case model, text, ids, layer, frequencies
      case qBefore = "q_before"
      case qAfter = "q_after"
      case kBefore = "k_before"
      case kAfter = "k_after"
    }
  }
  var cases: [Case]

  static func load() throws -> RotaryReference {
    let url = try fixtureURL("engine").appendingPathComponent("rotary-reference.json")
    return try JSONDecoder().decode(RotaryReference.self, from: Data(contentsOf: url))
  }
}

/// The largest difference of two matrices and where it is (row, column).
func largestDifference(_ a: Matrix, _ b: [[Double]]) -> (value: Double, at: (Int, Int)) {
  var worst = (value: 0.0, at: (0, 0))
  for r in 0..<a.rows {
    for c in 0..<a.columns where abs(a[r, c] - b[r][c]) > worst.value {
      worst = (abs(a[r, c] - b[r][c]), (r, c))
    }
  }
  return worst
}

@Suite struct RotaryStepsTests {
  /// K as the steps hold it (per query head) from the reference's key/value heads.
  static func perQueryHead(_ k: [[Double]], heads: Int, kvHeads: Int, headSize: Int) -> [[Double]] {
    let group = heads / kvHeads
    return k.map { row in
      (0..<heads).flatMap { h in
        Array(row[((h / group) * headSize)..<((h / group + 1) * headSize)])
      }
    }
  }

  @Test func qAndKBeforeAndAfterTheRotationMatchTransformers() throws {
    let reference = try RotaryReference.load()
    #expect(reference.cases.count == 3)
    for item in reference.cases {
      let model = try EngineReferenceTests.model(item.model, ids: item.ids)
      let trace = try model.trace(item.text, stepsLayer: item.layer)
      let steps = try #require(trace.layers[item.layer].steps)
      let rotation = try #require(steps.rotation, "\(item.model) recorded no rotation")
      let (h, g, d) = (trace.model.heads, trace.model.keyValueHeads, trace.model.headDimension)
      let k = { Self.perQueryHead($0, heads: h, kvHeads: g, headSize: d) }
      let name = "\(item.model) layer \(item.layer + 1)"
      for (label, ours, theirs) in [
        ("Q before", rotation.q, item.qBefore), ("Q after", steps.q, item.qAfter),
        ("K before", rotation.k, k(item.kBefore)), ("K after", steps.k, k(item.kAfter)),
      ] {
        let difference = largestDifference(ours, theirs)
        #expect(difference.value < 1e-5, "\(name), \(label): \(difference)")
      }
      #expect(rotation.frequencies.count == d / 2)
      for (ours, theirs) in zip(rotation.frequencies, item.frequencies) {
        #expect(abs(ours - theirs) <= 1e-6 * theirs, "\(name): frequencies \(ours) ≠ \(theirs)")
      }
      #expect(rotation.normalised == (item.model == "qwen3"))
      #expect(rotation.scaling == (item.model == "llama" ? "llama3, factor 8" : nil))
      #expect(rotation.theta == 10_000)
    }
  }

  /// Rotating the recorded "before" by the recorded frequencies gives the recorded "after"
  /// (rotate-half order: pair i is dimensions i and i + D/2 of each head).
  @Test func beforeTurnedByTheFrequenciesIsAfter() throws {
    let ids = [0, 17, 42, 99, 5, 250, 3, 8, 11, 64, 128, 7]
    let trace = try EngineReferenceTests.model("llama", ids: ids).trace("x", stepsLayer: 0)
    let steps = try #require(trace.layers[0].steps)
    let rotation = try #require(steps.rotation)
    let (h, d) = (trace.model.heads, trace.model.headDimension)
    let half = d / 2
    var worst = 0.0
    for (before, after) in [(rotation.q, steps.q), (rotation.k, steps.k)] {
      for m in 0..<before.rows {
        for head in 0..<h {
          for i in 0..<half {
            let (a, b) = (head * d + i, head * d + half + i)
            let angle = Double(m) * rotation.frequencies[i]
            let x1 = before[m, a] * cos(angle) - before[m, b] * sin(angle)
            let x2 = before[m, b] * cos(angle) + before[m, a] * sin(angle)
            worst = max(worst, abs(x1 - after[m, a]), abs(x2 - after[m, b]))
          }
        }
      }
    }
    #expect(worst < 1e-5, "largest difference \(worst)")
  }

  @Test func onlyTheStepsLayerKeepsQAndKBeforeRotation() throws {
    let trace = try EngineReferenceTests.model("llama", ids: [0, 1, 2]).trace("x", stepsLayer: 1)
    #expect(trace.layers[0].steps == nil)
    #expect(trace.layers[1].steps?.rotation != nil)
    #expect(trace.model.hasRotaryPositions)
    let bert = ModelInfo(
      name: "b", family: .transformer(.bert), layers: 1, heads: 1, dModel: 2, causal: false)
    #expect(!bert.hasRotaryPositions)
  }
}
