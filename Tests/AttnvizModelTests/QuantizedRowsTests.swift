import Foundation
import Testing

@testable import AttnvizModel

/// Weights left in a GGUF file's block format and converted a row at a time by the products
/// (`QuantizedRows`) give the same floats, the same products and the same refusals as
/// converting the whole tensor first.
@Suite("GGUF weights used in their stored format")
struct QuantizedRowsTests {
  static func checkpoint(_ file: GGUFFile, permute: Bool = false) -> GGUFCheckpoint {
    GGUFCheckpoint(file: file, permuteQK: permute, heads: 4, kvHeads: 2)
  }

  /// Deterministic inputs in [−1, 1).
  static func inputs(_ count: Int, seed: UInt64 = 7) -> [Float] {
    var state = seed
    return (0..<count).map { _ in
      state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      return Float(Int(state >> 40) % 2000 - 1000) / 1000
    }
  }

  @Test(arguments: GGMLType.readable.map(\.name))
  func productsAreBitIdenticalToTheConvertedTensor(typeName: String) throws {
    let file = try GGUFFile(path: try GGUFTypesFixture.path)
    let name = "tensor.\(typeName)"
    let info = try #require(file.tensor(name))
    let matrix = try Self.checkpoint(file).matrix(name)
    #expect(matrix.quantized != nil)
    let floats = try file.floats(name)
    #expect(matrix.values.map(\.bitPattern) == floats.map(\.bitPattern))
    let (rows, columns) = (info.rowCount, info.rowLength)
    // 1 token (a decoding step) and 6 (the four-token kernel and its remainder).
    for t in [1, 6] {
      let x = Self.inputs(t * columns)
      let bias = Self.inputs(rows, seed: 3)
      let stored = linear(x, rows: t, weight: matrix, bias: bias, outputs: rows)
      let converted = linear(x, rows: t, weight: WeightMatrix(floats), bias: bias, outputs: rows)
      #expect(stored.map(\.bitPattern) == converted.map(\.bitPattern), "\(typeName), T = \(t)")
    }
  }

  /// llama.cpp's permuted Q and K rows come back in transformers' order through the row table.
  @Test func permutedRowsMatchTheUnpermutedTensor() throws {
    let file = try GGUFFile(path: try TinyLlamaGGUFTests.path)
    let checkpoint = Self.checkpoint(file, permute: true)
    for name in [
      "model.layers.0.self_attn.q_proj.weight", "model.layers.1.self_attn.k_proj.weight",
    ] {
      let matrix = try checkpoint.matrix(name)
      #expect(matrix.quantized?.order != nil, "\(name)")
      let floats = try checkpoint.float32(name)
      #expect(matrix.values == floats, "\(name)")
      // One token reads the permuted rows in place (CEngineKernels' quantised products).
      let columns = try #require(matrix.quantized?.columns)
      let rows = floats.count / columns
      let x = Self.inputs(columns)
      #expect(
        linear(x, rows: 1, weight: matrix, bias: nil, outputs: rows).map(\.bitPattern)
          == linear(x, rows: 1, weight: WeightMatrix(floats), bias: nil, outputs: rows)
          .map(\.bitPattern), "\(name)")
    }
  }

  /// A NaN or infinite scale is found by reading the scales alone, and named at the element the
  /// whole conversion finds first; a finite tensor is checked once.
  @Test(arguments: ["Q4_1", "Q8_0", "Q4_K", "Q6_K", "F16"])
  func nonFiniteValuesAreFoundWhereTheConversionFindsThem(typeName: String) throws {
    let original = try GGUFFile(path: try GGUFTypesFixture.path)
    let name = "tensor.\(typeName)"
    let info = try #require(original.tensor(name))
    // The middle block gets a NaN scale (for F16 the element itself), the last an infinite
    // one (the same block when there is one).
    let blocks = info.elementCount / info.type.block
    let scale = QuantizedRows.scaleOffsets(info.type)?.first ?? 0
    var bytes = Array(try Data(contentsOf: URL(fileURLWithPath: try GGUFTypesFixture.path)))
    let start = original.header.dataStart + info.offset
    let nan = start + blocks / 2 * info.type.typeSize + scale
    let infinity = start + (blocks - 1) * info.type.typeSize + scale
    (bytes[nan], bytes[nan + 1]) = (0x00, 0x7E)
    (bytes[infinity], bytes[infinity + 1]) = (0x00, 0x7C)
    let file = try GGUFFile(bytes: bytes, name: "bad.gguf")
    let floats = try file.floats(name)
    let expected = try #require(floats.firstIndex { !$0.isFinite })
    let found = try #require(try Self.checkpoint(file).matrix(name).quantized?.firstNonFinite())
    #expect(found.index == expected && found.value.isNaN == floats[expected].isNaN)
    #expect(!file.checkedTensors.contains(name))

    let clean = try Self.checkpoint(original).matrix(name)
    #expect(clean.quantized?.firstNonFinite() == nil)
    #expect(original.checkedTensors.contains(name))
  }
}
