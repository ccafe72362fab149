import AttnvizModel
import Foundation
import Testing

@testable import AttnvizKit

/// `compare --ablate`: each panel on a decoder without and with the heads switched off, the
/// ablated run's next-token probability as transformers gives it with the head's output zeroed
/// by a hook (scripts/reference/make_attribution_reference.py).
@Suite struct CompareAblationTests {
  static let llama = packageFixture("Tests/AttnvizModelTests/Fixtures/engine/llama")
  static let text = "The animal didn't cross the street because it was too tired."

  func options(_ ablate: [HeadChoice], mode: AblationMode = .zero) -> CompareOptions {
    var options = CompareOptions(texts: [Self.text])
    options.models = [.pretrained(nameOrPath: Self.llama, truncate: false)]
    options.attribution.ablate = ablate
    options.attribution.ablateMode = mode
    return options
  }

  @Test(arguments: [AblationMode.zero, .mean])
  func theAblatedTwinMatchesTransformers(mode: AblationMode) throws {
    let reference = try #require(
      try JSONSerialization.jsonObject(
        with: Data(
          contentsOf: URL(
            fileURLWithPath: packageFixture(
              "Tests/AttnvizModelTests/Fixtures/attribution/attribution-reference.json"))))
        as? [String: Any])
    let cases = try #require(reference["cases"] as? [[String: Any]])
    let llama = try #require(cases.first { $0["name"] as? String == "llama" })
    let ablations = try #require(llama["ablations"] as? [[String: Any]])
    let entry = try #require(
      ablations.first {
        ($0["heads"] as? [[Int]]) == [[0, 1]] && $0["mode"] as? String == mode.rawValue
      })
    let top = try #require(entry["top"] as? [[Double]])

    let options = options([HeadChoice(layer: 1, head: 2)], mode: mode)
    let panels = try comparePanels(options)
    #expect(panels.map(\.ablated) == [false, true])
    let plain = try ablationPanelRun(
      panels[0], options: options, followed: nil, progress: SilentProgress(), panels: 2)
    let ablated = try ablationPanelRun(
      panels[1], options: options, followed: plain.followed, progress: SilentProgress(),
      panels: 2)
    // Both follow the unablated prediction.
    #expect(ablated.followed.id == plain.followed.id)
    let model = try TransformerModel(folder: Self.llama)
    let logits = try #require(
      try model.forward(
        ids: try model.encode(Self.text).ids, request: ForwardRequest(logits: .last)
      )
      .logits)
    let p = NextTokenDistribution(logits: logits)
    #expect(plain.followed.id == p.argmax)
    #expect(abs(plain.followed.probability - p.probabilities[p.argmax]) < 1e-9)
    let expected = try #require(top.first { Int($0[0]) == ablated.followed.id })
    #expect(abs(ablated.followed.probability - expected[1]) < 1e-5)
    // Layer 1's own weights are the same; layer 2 reads what the head no longer writes.
    #expect(ablated.trace.layers[0].weights == plain.trace.layers[0].weights)
    #expect(ablated.trace.layers[1].weights != plain.trace.layers[1].weights)
  }

  @Test func refusalsSayWhatToDoInstead() throws {
    func message(_ options: CompareOptions) -> String {
      do {
        _ = try compare(options)
        return "accepted"
      } catch {
        return "\(error)"
      }
    }
    var last = options([HeadChoice(layer: 2, head: 1)])
    last.outputFolder = NSTemporaryDirectory() + "/attnviz-never-written"
    #expect(message(last).contains("heads of the last layer (2) change no attention"))
    var early = options([HeadChoice(layer: 1, head: 1)])
    early.layers = [1]
    #expect(message(early).contains("compare shows layer 1; give --layer 2 or later (up to 2)"))
    var builtin = options([HeadChoice(layer: 1, head: 1)])
    builtin.models = [.defaultBuiltin]
    #expect(message(builtin).contains("--ablate needs a pretrained decoder"))
    var target = options([])
    target.texts = ["a", "b"]
    target.attribution.target = " cat"
    #expect(message(target).contains("add --ablate"))
    var encoder = options([HeadChoice(layer: 1, head: 1)])
    encoder.models = [
      .pretrained(
        nameOrPath: packageFixture("Tests/AttnvizModelTests/Fixtures/tiny-bert"), truncate: false)
    ]
    encoder.layers = [2]
    #expect(message(encoder).contains("is an encoder"))
    #expect(!FileManager.default.fileExists(atPath: last.outputFolder))
  }
}

/// The contribution view's note for models whose attention output is normalised before the
/// stream (the model description says so): present for them, absent for pre-norm decoders.
@Suite struct ContributionExactnessTests {
  @Test func onlyPostAttentionNormsAreMarked() throws {
    let llama = try TransformerModel(folder: CompareAblationTests.llama)
    #expect(!llama.info.normalizesAttentionOutput && llama.hasAdditiveResidualStream)
    #expect(ContributionSummary.inexactNote(llama.info) == nil)
    var gemmaLike = llama.info
    gemmaLike.name = "g"
    gemmaLike.normalizesAttentionOutput = true
    let note = try #require(ContributionSummary.inexactNote(gemmaLike))
    #expect(note.hasPrefix("Not exact for g: its attention output passes a norm"))
  }
}
