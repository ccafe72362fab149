import AttnvizFiles
import AttnvizModel
import Foundation
import Testing

@testable import AttnvizKit

/// `--view credit`, `--ablate` and `--view ablation` through the pipeline on the tiny qwen2
/// decoder: files written, numbers read back and checked against the engine, refusals.
@Suite struct AttributionViewTests {
  static let qwen2 = packageFixture("Tests/AttnvizModelTests/Fixtures/engine/qwen2")
  static let text = "The animal didn't cross the street because it was"

  func run(_ configure: (inout VisualizeOptions) -> Void) throws -> (RunReport, String) {
    let folder = FileManager.default.temporaryDirectory
      .appendingPathComponent("attnviz-attribution-\(UUID().uuidString)").path
    var options = VisualizeOptions(text: .arguments([Self.text]))
    options.outputFolder = folder
    options.model = .pretrained(nameOrPath: Self.qwen2, truncate: false)
    options.views = [.heads]
    configure(&options)
    return (try visualize(options), folder)
  }

  func json(_ folder: String, _ name: String) throws -> [String: Any] {
    try #require(
      try JSONSerialization.jsonObject(
        with: Data(contentsOf: URL(fileURLWithPath: folder + "/" + name))) as? [String: Any])
  }

  @Test func creditFilesAddUpToTheLogit() throws {
    let (report, folder) = try run { $0.views = [.credit] }
    defer { try? FileManager.default.removeItem(atPath: folder) }
    #expect(report.writtenFiles.contains { $0.hasSuffix("/credit.png") })
    let credit = try json(folder, "credit.json")
    let heads = try #require(credit["heads"] as? [[Double]])
    let feedForwards = try #require(credit["feed_forwards"] as? [Double])
    let biases = try #require(credit["attention_biases"] as? [Double])
    let embeddings = try #require(credit["embeddings"] as? Double)
    let target = try #require(credit["target"] as? [String: Any])
    let logit = try #require(target["logit"] as? Double)
    let total =
      heads.joined().reduce(0, +) + feedForwards.reduce(0, +) + biases.reduce(0, +) + embeddings
    #expect(abs(total - logit) < 1e-4)
    // The prediction is credited when no --target is given, and the engine agrees on it.
    let model = try TransformerModel(folder: Self.qwen2)
    let ids = try model.trace(Self.text, stepsLayer: nil).tokens.compactMap(\.id)
    let logits = try #require(try model.forward(ids: ids, request: .init(logits: .last)).logits)
    #expect(target["id"] as? Int == NextTokenDistribution(logits: logits).argmax)
    #expect(report.standardOutput.contains("Each head's direct effect on the logit of"))
  }

  /// The credit comes from the trace's own pass (no second run of the engine), with the numbers
  /// of a pass of its own; sharing the pass with `--view next` adds no lens to the predictions.
  @Test func creditReadsTheTracePass() throws {
    let (_, folder) = try run {
      $0.views = [.credit, .next]
      $0.formats = [.json]
    }
    defer { try? FileManager.default.removeItem(atPath: folder) }
    // Read with the one strict parser: it reads numbers as Double(String) does, exactly
    // (JSONSerialization can be a few units in the last place off).
    let credit = try JSONValue(
      parsing: Array(try Data(contentsOf: URL(fileURLWithPath: folder + "/credit.json"))))
    let heads = try #require(credit.given("heads")?.array).map { $0.array?.compactMap(\.number) }
    let model = try TransformerModel(folder: Self.qwen2)
    let ids = try model.trace(Self.text, stepsLayer: nil).tokens.compactMap(\.id)
    let own = try model.logitAttribution(ids: ids).attribution
    #expect(heads == own.heads)
    #expect(credit.given("feed_forwards")?.array?.compactMap(\.number) == own.feedForwards)
    let predictions = try json(folder, "predictions.json")
    #expect(predictions["lens"] == nil)
    let (_, alone) = try run {
      $0.views = [.next]
      $0.formats = [.json]
    }
    defer { try? FileManager.default.removeItem(atPath: alone) }
    #expect(
      try String(contentsOfFile: alone + "/predictions.json", encoding: .utf8)
        == String(contentsOfFile: folder + "/predictions.json", encoding: .utf8))
  }

  @Test func ablationShowsBeforeAndAfter() throws {
    let (report, folder) = try run {
      $0.attribution.ablate = [HeadChoice(layer: 1, head: 2), HeadChoice(layer: 2, head: 4)]
      $0.attribution.ablateMode = .mean
    }
    defer { try? FileManager.default.removeItem(atPath: folder) }
    #expect(report.standardOutput.contains("Next token with heads 1.2, 2.4 replaced by their mean"))
    let ablation = try json(folder, "ablation.json")
    #expect(ablation["mode"] as? String == "mean")
    let change = try #require(ablation["attention_change"] as? [[Double]])
    // Layer 1's attention cannot change (the ablated heads write after it is computed); layer 2's
    // does, because layer 1's head 2 wrote into its input.
    #expect(change[0].allSatisfy { $0 == 0 } && change[1].contains { $0 > 0 })
    // The figures show the ablated run: attention.json holds its weights.
    let attention = try json(folder, "attention.json")
    let weights = try #require(attention["attention"] as? [[[[Double]]]])
    let model = try TransformerModel(folder: Self.qwen2)
    let plain = try model.trace(Self.text, stepsLayer: nil)
    #expect(abs(weights[1][0][5][1] - plain.layers[1].weights[0][5, 1]) > 1e-9)
  }

  /// `--ablate` reads the unablated prediction from the trace's own pass and starts the
  /// ablated pass at the first ablated layer from that pass's stream: the same numbers, to the
  /// bit, as two passes of their own (heads in the first layer, and in a later one only).
  @Test(arguments: [
    (AblationMode.zero, [HeadChoice(layer: 2, head: 3)]),
    (.mean, [HeadChoice(layer: 2, head: 1), HeadChoice(layer: 2, head: 4)]),
    (.zero, [HeadChoice(layer: 1, head: 2), HeadChoice(layer: 2, head: 4)]),
  ])
  func ablationReadsTheTracePass(mode: AblationMode, heads: [HeadChoice]) throws {
    let model = try TransformerModel(folder: Self.qwen2)
    let (trace, pass) = try model.trace(
      Self.text, stepsLayer: 0, request: ForwardRequest(residuals: .all))
    let ids = try traceIDs(trace)
    let shared = try AblationRun(
      model: model, trace: trace, ids: ids, heads: heads, mode: mode, target: nil, pass: pass)
    let own = try AblationRun(
      model: model, trace: trace, ids: ids, heads: heads, mode: mode, target: nil)
    #expect(shared.rows.map(\.id) == own.rows.map(\.id))
    #expect(shared.rows.map { [$0.before, $0.after] } == own.rows.map { [$0.before, $0.after] })
    #expect(
      [shared.target.before, shared.target.after] == [own.target.before, own.target.after])
    #expect(shared.attentionChange == own.attentionChange)
    #expect(shared.trace.layers == own.trace.layers)
    #expect(shared.attentionChange.joined().contains { $0 > 0 } || heads[0].layer == 2)
  }

  @Test func sweepMatchesOneAblationAtATime() throws {
    let (_, folder) = try run { $0.views = [.ablation] }
    defer { try? FileManager.default.removeItem(atPath: folder) }
    let sweep = try json(folder, "ablation-sweep.json")
    let deltas = try #require(sweep["delta_log_probability"] as? [[Double]])
    let target = try #require((sweep["target"] as? [String: Any])?["id"] as? Int)
    let model = try TransformerModel(folder: Self.qwen2)
    let ids = try model.trace(Self.text, stepsLayer: nil).tokens.compactMap(\.id)
    func logP(_ heads: Set<HeadIndex>) throws -> Double {
      let logits = try #require(
        try model.forward(ids: ids, request: .init(logits: .last, ablatedHeads: heads)).logits)
      return log(NextTokenDistribution(logits: logits).probabilities[target])
    }
    let base = try logP([])
    for (l, h) in [(0, 0), (1, 3)] {
      #expect(abs(deltas[l][h] - (try logP([HeadIndex(layer: l, head: h)]) - base)) < 1e-9)
    }
  }

  @Test func refusals() throws {
    let all = (1...2).flatMap { l in (1...4).map { HeadChoice(layer: l, head: $0) } }
    let cases: [(String, (inout VisualizeOptions) -> Void)] = [
      ("layer 3 is out of range", { $0.attribution.ablate = [HeadChoice(layer: 3, head: 1)] }),
      ("head 5 is out of range", { $0.attribution.ablate = [HeadChoice(layer: 1, head: 5)] }),
      ("names all 8 heads", { $0.attribution.ablate = all }),
      ("names head 1.1 twice", { $0.attribution.ablate = [all[0], all[0]] }),
      (
        "is not one token",
        {
          $0.views = [.credit]
          $0.attribution.target = "zebra crossing"
        }
      ),
      ("add one of them", { $0.attribution.target = " the" }),
      (
        "is an encoder",
        {
          $0.views = [.credit]
          $0.model = .pretrained(
            nameOrPath: packageFixture("Tests/AttnvizModelTests/Fixtures/tiny-bert"),
            truncate: false)
        }
      ),
      (
        "no language-model head",
        {
          $0.views = [.ablation]
          $0.model = .defaultBuiltin
        }
      ),
    ]
    for (message, configure) in cases {
      do {
        _ = try run(configure)
        Issue.record("no error for \(message)")
      } catch let error as AttnvizError {
        #expect(error.exitCode == 2 && error.description.contains(message), "\(error)")
      }
    }
  }
}

/// `generate --ablate`: the first token written is the ablated model's prediction.
@Suite struct GenerateAblationTests {
  @Test func firstTokenFollowsTheAblatedModel() throws {
    let folder = FileManager.default.temporaryDirectory
      .appendingPathComponent("attnviz-generate-ablate-\(UUID().uuidString)").path
    defer { try? FileManager.default.removeItem(atPath: folder) }
    var options = GenerateOptions(text: .arguments([AttributionViewTests.text]))
    options.model = .pretrained(nameOrPath: AttributionViewTests.qwen2, truncate: false)
    options.outputFolder = folder
    options.formats = [.json]
    options.tokens = 2
    options.ablate = [HeadChoice(layer: 1, head: 1), HeadChoice(layer: 2, head: 4)]
    _ = try generateText(options)
    let document = try #require(
      try JSONSerialization.jsonObject(
        with: Data(contentsOf: URL(fileURLWithPath: folder + "/generation.json")))
        as? [String: Any])
    let steps = try #require(document["steps"] as? [[String: Any]])
    let model = try TransformerModel(folder: AttributionViewTests.qwen2)
    let ids = try model.trace(AttributionViewTests.text, stepsLayer: nil).tokens.compactMap(\.id)
    let heads: Set<HeadIndex> = [HeadIndex(layer: 0, head: 0), HeadIndex(layer: 1, head: 3)]
    let logits = try #require(
      try model.forward(ids: ids, request: .init(logits: .last, ablatedHeads: heads)).logits)
    #expect(steps.first?["id"] as? Int == NextTokenDistribution(logits: logits).argmax)
    // Every head is refused.
    options.ablate = (1...2).flatMap { l in (1...4).map { HeadChoice(layer: l, head: $0) } }
    #expect(throws: AttnvizError.self) { try generateText(options) }
  }
}
