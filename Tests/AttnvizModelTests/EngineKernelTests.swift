import AttnvizMath
import CEngineKernels
import Foundation
import Testing

@testable import AttnvizModel

@Suite struct EngineKernelTests {
  /// Small integers, so every product and sum below is exact in Float32.
  func integers(_ count: Int, seed: UInt64) -> [Float] {
    var rng = SplitMix64(seed: seed)
    return (0..<count).map { _ in Float(Int(rng.next() % 19) - 9) }
  }

  /// Token counts around the four-token blocks, widths around the SIMD lanes, and enough
  /// multiply-adds to take the multi-core path.
  @Test(arguments: [(1, 1, 1), (3, 5, 7), (4, 8, 2), (5, 17, 65), (9, 33, 130), (17, 384, 200)])
  func linearIsXTimesWTransposedPlusBias(t: Int, inputs: Int, outputs: Int) {
    let x = integers(t * inputs, seed: 1)
    let w = integers(outputs * inputs, seed: 2)
    let b = integers(outputs, seed: 3)
    var expected = [Float](repeating: 0, count: t * outputs)
    for i in 0..<t {
      for o in 0..<outputs {
        expected[i * outputs + o] =
          (0..<inputs).reduce(Float(0)) { $0 + x[i * inputs + $1] * w[o * inputs + $1] } + b[o]
      }
    }
    #expect(linear(x, rows: t, weight: w, bias: b, outputs: outputs) == expected)
    let noBias = linear(x, rows: t, weight: w, bias: nil, outputs: outputs)
    #expect(zip(noBias, expected).enumerated().allSatisfy { $1.0 + b[$0 % outputs] == $1.1 })
  }

  /// Gaussians of mixed scale, so that a product summed in another order gives other bits.
  func gaussians(_ count: Int, seed: UInt64) -> [Float] {
    var rng = SplitMix64(seed: seed)
    return (0..<count).map { i in Float(rng.nextGaussian()) * (i % 7 == 0 ? 1000 : 0.001) }
  }

  /// The AVX kernels (CEngineKernels) give the bits of the Swift ones, `dot4` and `dot`, for
  /// every width around the lanes and the real models' widths; the models' references then
  /// hold on either. Runs where the CPU has AVX (x86-64 since 2011).
  @Test(
    .enabled(if: kernelsAVX, "the CPU has no AVX: only the Swift kernels run"),
    arguments: [0, 1, 7, 8, 9, 15, 16, 17, 23, 31, 33, 64, 576, 896, 1536, 4864, 4867])
  func avxKernelsGiveTheSwiftKernelsBits(count: Int) {
    let n = 5
    let x = gaussians(4 * count, seed: UInt64(count))
    let w = gaussians(n * count, seed: UInt64(count) + 100)
    var sums4 = [Float](repeating: .nan, count: 4 * n)
    var sums1 = [Float](repeating: .nan, count: n)
    x.withUnsafeBufferPointer { xs in
      w.withUnsafeBufferPointer { ws in
        guard let xp = xs.baseAddress ?? UnsafePointer(bitPattern: 16),
          let wp = ws.baseAddress ?? UnsafePointer(bitPattern: 16)
        else { return }
        attnviz_dot4_avx(xp, count, wp, count, n, count, &sums4)
        attnviz_dot1_avx(xp, wp, count, n, count, &sums1)
        // The data tells the orders apart: `dot` and `dot4`, which add in different orders,
        // differ somewhere on the wide rows.
        if count >= 576 {
          #expect(
            (0..<n).contains {
              dot(xp, wp + $0 * count, count: count)
                != dot4(xp, stride: count, wp + $0 * count, count: count).0
            })
        }
        for o in 0..<n {
          let s = dot4(xp, stride: count, wp + o * count, count: count)
          #expect(
            [sums4[4 * o], sums4[4 * o + 1], sums4[4 * o + 2], sums4[4 * o + 3]].map(\.bitPattern)
              == [s.0, s.1, s.2, s.3].map(\.bitPattern), "dot4, row \(o), width \(count)")
          #expect(
            sums1[o].bitPattern == dot(xp, wp + o * count, count: count).bitPattern,
            "dot, row \(o), width \(count)")
        }
      }
    }
  }

  @Test func normsAndActivations() {
    // Row (3, 4): RMS = √12.5; LayerNorm: mean 3.5, variance 0.25.
    let rms = rmsNorm([3, 4], columns: 2, weight: [1, 2], epsilon: 0)
    #expect(abs(rms[0] - 3 / Float(12.5).squareRoot()) < 1e-6)
    #expect(abs(rms[1] - 8 / Float(12.5).squareRoot()) < 1e-6)
    let ln = layerNorm([3, 4], columns: 2, weight: [1, 2], bias: [0.5, 0], epsilon: 0)
    #expect(ln == [-0.5, 2])
    var x: [Float] = [-1, 0, 2]
    activate(&x, .silu)
    #expect(abs(x[0] - (-1 / (1 + exp(1)))) < 1e-6 && x[1] == 0)
    var g: [Float] = [1]
    activate(&g, .gelu)
    #expect(abs(g[0] - 0.841_344_7) < 1e-6)  // Φ(1)
    var t: [Float] = [1]
    activate(&t, .geluTanh)
    #expect(abs(t[0] - 0.841_192) < 1e-6)
  }

  /// Rotate-half: pair i of a head is (x[i], x[i + D/2]), turned by position · θ^(−2i/D).
  @Test func rotaryTurnsEachPairByItsAngle() {
    let rope = RotaryEmbedding(positions: 3, headDim: 4, theta: 100, scaling: .none)
    var x: [Float] = Array(repeating: 0, count: 3 * 4)
    for p in 0..<3 {
      x[p * 4] = 1
      x[p * 4 + 1] = 1
    }  // x₁ = (1, 1), x₂ = (0, 0)
    rope.apply(&x, heads: 1)
    for p in 0..<3 {
      for (i, frequency) in [1.0, 0.1].enumerated() {
        let angle = Double(p) * frequency
        #expect(abs(Double(x[p * 4 + i]) - cos(angle)) < 1e-6)
        #expect(abs(Double(x[p * 4 + 2 + i]) - sin(angle)) < 1e-6)
      }
    }
  }

  /// Llama 3's rescaling (factor 8, low 1, high 4, 64 original positions): wavelengths below
  /// 16 keep their frequency, above 64 are divided by 8, between are interpolated.
  @Test func llama3ScalingHasThreeRegimes() {
    let scaling = TransformerConfig.RopeScaling.llama3(
      factor: 8, lowFrequencyFactor: 1, highFrequencyFactor: 4, originalMaxPositions: 64)
    let plain = RotaryEmbedding.frequencies(headDim: 8, theta: 10_000, scaling: .none)
    let scaled = RotaryEmbedding.frequencies(headDim: 8, theta: 10_000, scaling: scaling)
    #expect(
      plain.map { Double($0) }.enumerated().allSatisfy {
        abs($1 - pow(1e-4, Double($0) / 4)) < 1e-7
      })
    #expect(scaled[0] == plain[0])  // wavelength 6.3
    let smooth = (64 / (2 * Double.pi / Double(plain[1])) - 1) / 3  // wavelength 62.8
    let expected = (1 - smooth) * Double(plain[1]) / 8 + smooth * Double(plain[1])
    #expect(abs(Double(scaled[1]) - expected) < 1e-7)
    #expect(scaled[2] == plain[2] / 8 && scaled[3] == plain[3] / 8)
  }

  /// Grouped-query attention is attention with each key/value head repeated for its query
  /// heads; the window and the causal mask give exact zeros.
  @Test func groupedQueryAttentionEqualsRepeatedHeads() {
    let (t, h, g, d) = (6, 4, 2, 3)
    let q = integers(t * h * d, seed: 5).map { $0 / 9 }
    let k = integers(t * g * d, seed: 6).map { $0 / 9 }
    let v = integers(t * g * d, seed: 7).map { $0 / 9 }
    let grouped = AttentionKernel(
      t: t, heads: h, kvHeads: g, headDim: d, mask: AttentionMask(causal: true, window: 3))
    let config = TransformerConfig(
      architecture: .llama, layers: 1, hidden: h * d, heads: h, kvHeads: g, intermediate: 1,
      normEpsilon: 1e-5, maxPositions: 8, vocabularySize: 1)
    let recorder = StepsRecorder(config: config, tokens: t)
    let full = AttentionKernel(
      t: t, heads: h, kvHeads: h, headDim: d, mask: AttentionMask(causal: true, window: 3))
    let a = grouped(q: q, k: k, v: v, keepScores: true)
    let b = full(
      q: q, k: recorder.repeatHeads(k, rows: false), v: recorder.repeatHeads(v, rows: false),
      keepScores: false)
    #expect(a.weights == b.weights && a.output == b.output)
    for head in a.weights {
      for i in 0..<t {
        let row = head[(i * t)..<((i + 1) * t)]
        #expect(abs(row.reduce(0, +) - 1) < 1e-12)
        for j in 0..<t where j > i || i - j >= 3 { #expect(row[i * t + j] == 0) }
      }
    }
    // The kept scores: raw = Q_h·K_gᵀ, scaled = raw / √D.
    let raw = a.raw?[3][2 * t + 1] ?? .nan
    let expected = (0..<d).reduce(Float(0)) {
      $0 + q[(2 * h + 3) * d + $1] * k[(1 * g + 1) * d + $1]
    }
    #expect(abs(raw - expected) < 1e-6)
    #expect(abs((a.scaled?[3][2 * t + 1] ?? .nan) - expected / Float(3).squareRoot()) < 1e-6)
  }

  /// `trace(_:stepsLayer:)` keeps the asked-for layer's intermediates, consistent with its
  /// weights: scores from the recorded Q and K (repeated per query head), softmax of them.
  @Test func stepsOfAnyLayerAreConsistent() throws {
    let reference = try BertReference.load(
      try EngineReferenceTests.folder("llama").appendingPathComponent("reference.json"))
    let ids = reference.cases[0].ids
    let model = try EngineReferenceTests.model("llama", ids: ids)
    let trace = try model.trace("x", stepsLayer: 1)
    #expect(trace.layers[0].steps == nil)
    let steps = try #require(trace.layers[1].steps)
    #expect(steps.weights == trace.layers[1].weights)
    #expect(steps.k.columns == 32 && steps.wk.rows == 32 && steps.wk.columns == 32)
    #expect(steps.positionalEncoding == nil)
    let d = 8
    for h in 0..<4 {
      let qh = steps.q.columns((h * d)..<((h + 1) * d))
      let kh = steps.k.columns((h * d)..<((h + 1) * d))
      let raw = qh * kh.transposed
      let difference = zip(raw.values, steps.rawScores[h].values).map { abs($0 - $1) }.max() ?? 1
      #expect(difference < 1e-4, "head \(h): \(difference)")
    }
    // Heads 0 and 1 share key/value head 0.
    #expect(steps.k.columns(0..<8) == steps.k.columns(8..<16))
    #expect(try model.trace("x").layers[0].steps != nil)
    #expect(try model.trace("x", stepsLayer: nil).layers.allSatisfy { $0.steps == nil })
  }
}
