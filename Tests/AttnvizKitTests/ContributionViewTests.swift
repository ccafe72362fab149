import AttnvizAnalysis
import AttnvizMath
import AttnvizModel
import AttnvizStyle
import Foundation
import Testing

@testable import AttnvizKit

/// `--view contribution` through the pipeline: the figure, the table, and contribution.json read
/// back and checked against the trace it came from.
@Suite struct ContributionViewTests {
  func run(_ configure: (inout VisualizeOptions) -> Void) throws -> (RunReport, String) {
    let folder = FileManager.default.temporaryDirectory
      .appendingPathComponent("attnviz-contribution-\(UUID().uuidString)").path
    var options = VisualizeOptions(text: .arguments(["The", "cat", "sat", "on", "the", "mat"]))
    options.outputFolder = folder
    options.views = [.contribution]
    options.model = .builtin(dimension: 8, heads: 2, seed: 2017, causal: true)
    configure(&options)
    return (try visualize(options), folder)
  }

  @Test func writesTheFigureTheTableAndTheJSON() throws {
    let (report, folder) = try run { _ in }
    defer { try? FileManager.default.removeItem(atPath: folder) }
    #expect(
      report.writtenFiles.map { ($0 as NSString).lastPathComponent }.sorted() == [
        "attention.json", "contribution-layer1.png", "contribution.json",
      ])
    #expect(report.standardOutput.contains("Contribution ‖α·f(x)‖, share of each row"))

    let json = try #require(
      try JSONSerialization.jsonObject(
        with: Data(contentsOf: URL(fileURLWithPath: folder + "/contribution.json")))
        as? [String: Any])
    let trace = try EmbeddedModel(dimension: 8, heads: 2, seed: 2017, causal: true)
      .trace("The cat sat on the mat")
    let norms = try #require(trace.layers[0].headTransformedNorms)
    let fNorms = try #require(json["f_norms"] as? [[[Double]]])
    #expect(close(fNorms.flatMap { $0.flatMap { $0 } }, norms.flatMap { $0 }))
    let shown = try #require(json["shown"] as? [String: Any])
    #expect(shown["layer"] as? Int == 1 && shown["heads"] as? [Int] == [1, 2])
    // Every head's unnormalised matrix is α·‖f‖, and the shown shares are their sum, per row.
    let contribution = try #require(shown["contribution"] as? [[[Double]]])
    for h in 0..<2 {
      let expected = contributionMatrix(weights: trace.layers[0].weights[h], norms: norms[h])
      #expect(close(contribution[h].flatMap { $0 }, expected.values))
    }
    let shares = try #require(shown["contribution_share"] as? [[Double]])
    let layer = LayerContribution(weights: trace.layers[0].weights, norms: norms, heads: [0, 1])
    #expect(close(shares.flatMap { $0 }, layer.shares.values))
    // The caption's numbers are these.
    let weightShare = try #require(shown["sink_share_weight"] as? Double)
    let contributionShare = try #require(shown["sink_share_contribution"] as? Double)
    #expect(close([weightShare], [sinkShare(layer.weights, sinkKeys: [0])]))
    #expect(close([contributionShare], [sinkShare(layer.shares, sinkKeys: [0])]))
    let sentence = "gets \(formatFixed(weightShare, decimals: 2)) of the weight"
    #expect(report.standardOutput.contains(sentence))
  }

  @Test func oneHeadNamesItsFile() throws {
    let (report, folder) = try run { $0.head = 2 }
    defer { try? FileManager.default.removeItem(atPath: folder) }
    #expect(report.writtenFiles.contains { $0.hasSuffix("/contribution-layer1-head2.png") })
    #expect(report.standardOutput.contains("head 2 of 2"))
  }

  @Test func mergedWordsAreRefused() throws {
    let trace = try TransformerModel(
      folder: packageFixture("Tests/AttnvizModelTests/Fixtures/engine/qwen2")
    ).trace("Zyxwvut qqq wobbly.", stepsLayer: nil)
    let merged = mergingSubwords(trace)
    try #require(merged.tokens.count < trace.tokens.count)
    let selection = try AttentionSelection(
      trace: merged, layer: nil, head: nil, hideSpecial: false)
    #expect(throws: AttnvizError.self) { try ContributionSummary(selection) }
    // The model's own tokens work.
    let own = try AttentionSelection(trace: trace, layer: nil, head: nil, hideSpecial: false)
    #expect(try ContributionSummary(own).heads == [0, 1, 2, 3])
  }
}

/// Equal to the last bit or two: Foundation's JSON reader on Linux does not always round-trip
/// the shortest form exactly.
func close(_ a: [Double], _ b: [Double]) -> Bool {
  a.count == b.count && zip(a, b).allSatisfy { abs($0 - $1) <= 1e-14 * max(1, abs($1)) }
}

/// A path inside the package, from this file's location.
func packageFixture(_ relative: String, file: String = #filePath) -> String {
  URL(fileURLWithPath: file).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent(relative).path
}
