import AttnvizMath
import Foundation
import Testing

@testable import AttnvizModel

/// ‖f_h(x_j)‖ and ‖α_h(i, j)·f_h(x_j)‖ (Kobayashi et al. 2020) against transformers with a hook
/// on each value projection (scripts/reference/make_contribution_reference.py): tiny decoders
/// with grouped-query heads and value biases, a tiny BERT, and, when `make model` has put them
/// in models/, SmolLM2-135M-Instruct (GGUF) and all-MiniLM-L6-v2.
@Suite struct ContributionReferenceTests {
  struct Case: Decodable {
    var name: String
    var text: String
    var ids: [Int]
    /// [layer][head][token]
    var fNorms: [[[Double]]]
    var layers: [Int]
    /// [kept layer][head][query][key]
    var contribution: [[[[Double]]]]
  }
  struct Reference: Decodable { var cases: [Case] }

  static let reference = Result {
    try snakeCaseDecoder.decode(
      Reference.self,
      from: Data(contentsOf: try fixtureURL("attribution/contribution-reference.json")))
  }

  static func model(_ name: String) throws -> TransformerModel? {
    switch name {
    case "qwen2", "llama": return try TransformerModel(folder: fixtureURL("engine/\(name)").path)
    case "tiny-bert": return try TransformerModel(folder: fixtureURL("tiny-bert").path)
    case "SmolLM2-135M-Instruct":
      return try RealGGUF.smollm2.model()
    default:
      return try requiredModel(MiniLM.folder + "/model.safetensors") {
        try TransformerModel(folder: MiniLM.folder)
      }
    }
  }

  @Test(arguments: ["qwen2", "llama", "tiny-bert", "SmolLM2-135M-Instruct", "all-MiniLM-L6-v2"])
  func normsAndContributionsMatchTransformers(_ name: String) throws {
    let expected = try #require(try Self.reference.get().cases.first { $0.name == name })
    guard let model = try Self.model(name) else { return }
    let trace = try model.trace(expected.text, stepsLayer: nil)
    #expect(trace.tokens.map(\.id) == expected.ids)
    var worst = (difference: 0.0, at: "")
    func compare(_ ours: Double, _ theirs: Double, _ at: @autoclosure () -> String) {
      let difference = abs(ours - theirs) / max(1, abs(theirs))
      if difference > worst.difference { worst = (difference, at()) }
    }
    for (l, layer) in expected.fNorms.enumerated() {
      let norms = try #require(trace.layers[l].transformedNorms)
      for (h, head) in layer.enumerated() {
        for (j, value) in head.enumerated() {
          compare(norms[h][j], value, "f_norms layer \(l) head \(h) token \(j)")
        }
      }
    }
    for (k, l) in expected.layers.enumerated() {
      let layer = trace.layers[l]
      let norms = try #require(layer.transformedNorms)
      for (h, head) in expected.contribution[k].enumerated() {
        for (i, row) in head.enumerated() {
          for (j, value) in row.enumerated() {
            compare(
              layer.weights[h][i, j] * norms[h][j], value,
              "contribution layer \(l) head \(h) query \(i) key \(j)")
          }
        }
      }
    }
    // |ours − theirs| / max(1, |theirs|); the file keeps 7 significant digits.
    #expect(
      worst.difference < 1e-4, "\(name): largest difference \(worst.difference) at \(worst.at)")
  }

  /// The built-in layer has no engine pass: its norms come from the kept V and Wo, and must be
  /// the lengths of the vectors V_h[j]·Wo_h computed the long way.
  @Test func builtInLayerNormsFromItsSteps() throws {
    let trace = try EmbeddedModel(dimension: 8, heads: 2).trace("the cat sat")
    let layer = trace.layers[0]
    let steps = try #require(layer.steps)
    let norms = try #require(layer.headTransformedNorms)
    #expect(norms.count == 2 && norms.allSatisfy { $0.count == 3 })
    let d = 4
    for h in 0..<2 {
      let wo = steps.wo.rows((h * d)..<((h + 1) * d))
      let f = steps.v.columns((h * d)..<((h + 1) * d)) * wo  // (T, C)
      for j in 0..<3 {
        let length = f.row(j).map { $0 * $0 }.reduce(0, +).squareRoot()
        #expect(abs(norms[h][j] - length) < 1e-12)
      }
    }
  }
}

/// The model when its file is there; nil (the test passes as skipped) when it is not, unless
/// ATTNVIZ_REQUIRE_MODELS=1 asks for every model, when a missing file is a failure.
func requiredModel<M>(_ path: String, _ load: () throws -> M) throws -> M? {
  guard FileManager.default.fileExists(atPath: path) else {
    if ProcessInfo.processInfo.environment["ATTNVIZ_REQUIRE_MODELS"] == "1" {
      Issue.record("\(path) is absent and ATTNVIZ_REQUIRE_MODELS=1; run `make model`")
    }
    return nil
  }
  return try load()
}
