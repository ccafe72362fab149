import AttnvizMath
import Foundation
import Testing

@testable import AttnvizModel

/// The largest |ours − reference| over all layers, heads, queries and keys, and where it is.
struct AttentionDiff: CustomStringConvertible {
  var value = 0.0
  var layer = 0
  var head = 0
  var query = 0
  var key = 0

  var description: String {
    "max |Δ| \(value) at layer \(layer) head \(head) query \(query) key \(key)"
  }

  /// `reference[l][h][q]` lists keys 0…q; later keys must be exactly 0 in `layers`.
  init(_ layers: [LayerTrace], _ reference: [[[[Double]]]]) {
    for (l, referenceLayer) in reference.enumerated() {
      for (h, referenceHead) in referenceLayer.enumerated() {
        let ours = layers[l].weights[h]
        for q in 0..<ours.rows {
          for k in 0..<ours.columns {
            let expected = k < referenceHead[q].count ? referenceHead[q][k] : 0
            let diff = abs(ours[q, k] - expected)
            if diff > value || diff.isNaN { (value, layer, head, query, key) = (diff, l, h, q, k) }
          }
        }
      }
    }
  }
}

@Suite("GPT-2 model against Hugging Face")
struct GPT2ModelTests {
  static let sentences = (try? TinyGPT2.reference()) ?? []

  func model(truncate: Bool = false) throws -> TransformerModel {
    try TransformerModel(folder: try TinyGPT2.folder.path, truncate: truncate)
  }

  @Test func describesItself() throws {
    let model = try model()
    var expected = ModelInfo(
      name: "tiny-gpt2", family: .transformer(.gpt2), layers: 2, heads: 4, dModel: 32, causal: true)
    expected.checkpointBytes = try expectedCheckpointBytes(TinyGPT2.folder.path, model)
    expected.checkpoint = try expectedFingerprint(TinyGPT2.folder.path)
    // A decoder with its final norm and head: explain ends with its next token.
    expected.predictsNextToken = true
    #expect(model.info == expected)
    #expect(model.config.maxPositions == 64)
    #expect(model.config.activation == .geluTanh)
    #expect(model.ignoredTensors.isEmpty)
  }

  @Test(arguments: sentences)
  func attentionEqualsHF(sentence: TinyGPT2.Sentence) throws {
    let trace = try model().trace(sentence.text)
    #expect(trace.tokens.map(\.id) == sentence.ids)
    #expect(trace.layers.count == 2)
    #expect(trace.layers.allSatisfy { $0.weights.count == 4 })
    let diff = AttentionDiff(trace.layers, try #require(sentence.attentions))
    #expect(diff.value < 1e-5, "\(diff)")
    if ProcessInfo.processInfo.environment["ATTNVIZ_PRINT_DIFFS"] != nil {
      print("\(sentence.ids.count) tokens: \(diff)")
    }
  }

  @Test(arguments: sentences)
  func rowsSumToOneAndNeverLookAhead(sentence: TinyGPT2.Sentence) throws {
    let trace = try model().trace(sentence.text)
    for layer in trace.layers {
      for weights in layer.weights {
        for q in 0..<weights.rows {
          #expect(abs(weights.row(q).reduce(0, +) - 1) < 1e-6)
          #expect(weights.row(q).dropFirst(q + 1).allSatisfy { $0 == 0 })
          #expect(weights.row(q).prefix(q + 1).allSatisfy { $0 > 0 })
        }
      }
    }
  }

  /// Causal attention at a position depends on earlier tokens only: a prefix of the text gives
  /// the top-left block of the full text's attention.
  @Test func prefixGivesTheSameAttention() throws {
    let model = try model()
    let full = try model.trace("The animal didn't cross the street because it was too tired.")
    let prefix = try model.trace("The animal didn't cross")
    let n = prefix.tokens.count
    #expect(full.tokens.prefix(n).elementsEqual(prefix.tokens))
    for (fullLayer, prefixLayer) in zip(full.layers, prefix.layers) {
      for (a, b) in zip(fullLayer.weights, prefixLayer.weights) {
        for q in 0..<n {
          for k in 0..<n { #expect(abs(a[q, k] - b[q, k]) < 1e-6) }
        }
      }
    }
  }

  @Test func firstLayerKeepsItsSteps() throws {
    let folder = try TinyGPT2.folder
    let file = try SafeTensorsFile(path: folder.appendingPathComponent("model.safetensors").path)
    let trace = try model().trace("Hello   world!")
    let ids = trace.tokens.compactMap(\.id)
    let steps = try #require(trace.layers[0].steps)
    #expect(trace.layers[1].steps == nil)
    let wte = try file.floats("transformer.wte.weight")
    let wpe = try file.floats("transformer.wpe.weight")
    for (t, id) in ids.enumerated() {
      #expect(Array(steps.embeddings.row(t)) == wte[(id * 32)..<(id * 32 + 32)].map(Double.init))
      #expect(
        Array(try #require(steps.positionalEncoding).row(t))
          == wpe[(t * 32)..<(t * 32 + 32)].map(Double.init))
    }
    // input = ln_1(wte + wpe), worked out here for the first token.
    let gain = try file.floats("transformer.h.0.ln_1.weight").map(Double.init)
    let shift = try file.floats("transformer.h.0.ln_1.bias").map(Double.init)
    let x = zip(steps.embeddings.row(0), try #require(steps.positionalEncoding).row(0)).map(+)
    let mean = x.reduce(0, +) / 32
    let sd = (x.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / 32 + 1e-5).squareRoot()
    for j in 0..<32 {
      #expect(abs(steps.input[0, j] - ((x[j] - mean) / sd * gain[j] + shift[j])) < 1e-5)
    }
    // Wq | Wk | Wv are the column thirds of c_attn (stored (in, out)).
    let cAttn = try file.floats("transformer.h.0.attn.c_attn.weight")
    #expect(steps.wq[3, 5] == Double(cAttn[3 * 96 + 5]))
    #expect(steps.wk[3, 5] == Double(cAttn[3 * 96 + 32 + 5]))
    #expect(steps.wv[3, 5] == Double(cAttn[3 * 96 + 64 + 5]))
    #expect(steps.weights == trace.layers[0].weights)
  }

  @Test func tooManyTokensIsAnErrorUnlessTruncating() throws {
    let text = String(repeating: "The animal didn't cross the street. ", count: 8)
    let count = try model().tokenizer.tokenize(text).count
    #expect(count > 64)
    #expect(throws: ModelError.tooManyTokens(count: count, limit: 64)) {
      try model().trace(text)
    }
    let trace = try model(truncate: true).trace(text)
    #expect(trace.tokens.count == 64)
    #expect(trace.truncatedFrom == count)
    #expect(trace.layers[0].weights[0].rows == 64)
    #expect(trace.text == text)
  }
}

@Suite("GPT-2 loader")
struct GPT2LoaderTests {
  func loadError(_ folder: URL) -> String {
    do {
      _ = try TransformerModel(folder: folder.path)
      return "no error"
    } catch {
      return "\(error)"
    }
  }

  @Test func missingTensorIsNamed() throws {
    let copy = try TinyGPT2.modifiedCopy(tensors: {
      $0.removeAll { $0.name == "transformer.h.1.mlp.c_fc.bias" }
    })
    defer { TinyGPT2.remove(copy) }
    let message = loadError(copy)
    #expect(message.contains("tensor \"transformer.h.1.mlp.c_fc.bias\" is missing"), "\(message)")
    #expect(message.contains(copy.path), "\(message)")
  }

  @Test func wrongShapeIsNamed() throws {
    let copy = try TinyGPT2.modifiedCopy(tensors: { tensors in
      let index = tensors.firstIndex { $0.name == "transformer.h.0.attn.c_attn.weight" }!
      tensors[index].shape = [32, 64]
      tensors[index].values = Array(tensors[index].values.prefix(32 * 64))
    })
    defer { TinyGPT2.remove(copy) }
    let message = loadError(copy)
    #expect(
      message.contains("tensor \"transformer.h.0.attn.c_attn.weight\" has shape [32, 64]"),
      "\(message)")
    #expect(message.contains("implies [32, 96]"), "\(message)")
  }

  @Test func wrongModelTypeIsNamed() throws {
    let copy = try TinyGPT2.modifiedCopy(editConfig: { $0["model_type"] = "bert" })
    defer { TinyGPT2.remove(copy) }
    let message = loadError(copy)
    #expect(message.contains("config.json field \"hidden_size\" is missing"), "\(message)")
  }

  @Test func unsupportedActivationIsNamed() throws {
    let copy = try TinyGPT2.modifiedCopy(editConfig: { $0["activation_function"] = "quick_gelu" })
    defer { TinyGPT2.remove(copy) }
    #expect(loadError(copy).contains("activation_function\" is \"quick_gelu\""))
  }

  @Test func unexpectedLayerIsAnError() throws {
    let copy = try TinyGPT2.modifiedCopy(tensors: {
      $0.append(
        (name: "transformer.h.2.ln_1.weight", shape: [32], values: .init(repeating: 1, count: 32)))
    })
    defer { TinyGPT2.remove(copy) }
    #expect(
      loadError(copy).contains("\"transformer.h.2.ln_1.weight\" is not part of a gpt2 with 2"))
  }

  @Test func vocabularyLargerThanTheEmbeddingsIsAnError() throws {
    let copy = try TinyGPT2.modifiedCopy(editConfig: { $0["vocab_size"] = 100 })
    defer { TinyGPT2.remove(copy) }
    #expect(
      loadError(copy).contains(
        "vocab.json has id 376 but the model has only 100 token embeddings"))
  }

  @Test func nonFiniteWeightsGiveAnErrorNotNaNFigures() throws {
    let copy = try TinyGPT2.modifiedCopy(tensors: { tensors in
      if let index = tensors.firstIndex(where: { $0.name == "transformer.wpe.weight" }) {
        tensors[index].values[40] = .nan  // position 1
      }
      if let index = tensors.firstIndex(where: { $0.name == "transformer.h.0.ln_2.weight" }) {
        tensors[index].values[3] = .infinity
      }
    })
    defer { TinyGPT2.remove(copy) }
    let model = try TransformerModel(folder: copy.path)
    // Found when the tensor is converted, named with its element: not blamed on overflowing
    // scores, and never turned into a row of zeros by softmax.
    #expect(throws: (any Error).self) { try model.trace("Hello world") }
    let message = errorText { try model.trace("Hello world") }
    #expect(message.contains("\"transformer.wpe.weight\" holds NaN at element 40"), "\(message)")
    // Position 0 is clean; the damaged ln_2 is found when the pass reads it.
    let ln2 = errorText { try model.trace("H") }
    #expect(ln2.contains("\"transformer.h.0.ln_2.weight\" holds an infinite value at element 3"))
  }

  @Test func missingFileIsNamed() throws {
    let copy = try TinyGPT2.modifiedCopy()
    defer { TinyGPT2.remove(copy) }
    try FileManager.default.removeItem(at: copy.appendingPathComponent("merges.txt"))
    #expect(
      loadError(copy).contains("a gpt2 folder needs tokenizer.json (or vocab.json and merges.txt)"))
  }

  /// GPT2Model checkpoints have no `transformer.` prefix and may carry mask buffers and heads.
  @Test func readsUnprefixedNamesAndSkipsBuffers() throws {
    let copy = try TinyGPT2.modifiedCopy(tensors: { tensors in
      for i in tensors.indices {
        tensors[i].name = String(tensors[i].name.dropFirst("transformer.".count))
      }
      let mask = (0..<(64 * 64)).map { Float($0 % 64 <= $0 / 64 ? 1 : 0) }
      tensors.append((name: "h.0.attn.bias", shape: [1, 1, 64, 64], values: mask))
      tensors.append((name: "h.1.attn.masked_bias", shape: [], values: [-1e4]))
      tensors.append(
        (name: "lm_head.weight", shape: [2, 32], values: .init(repeating: 0, count: 64)))
    })
    defer { TinyGPT2.remove(copy) }
    let model = try TransformerModel(folder: copy.path)
    #expect(model.ignoredTensors == ["h.0.attn.bias", "h.1.attn.masked_bias", "lm_head.weight"])
    let text = "Hello   world!"
    let original = try TransformerModel(folder: try TinyGPT2.folder.path).trace(text)
    #expect(try model.trace(text).layers == original.layers)
  }
}

/// The error a throwing call gives, as its message ("no error" when it does not throw).
func errorText(_ body: () throws -> Any) -> String {
  do {
    _ = try body()
    return "no error"
  } catch {
    return "\(error)"
  }
}
