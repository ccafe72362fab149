import AttnvizFiles
import Foundation
import Testing

@testable import AttnvizModel

/// Fixtures/gguf/types.gguf, written by the `gguf` package (scripts/reference/make_gguf_fixtures.py),
/// and the floats `gguf.quants.dequantize` gives for each of its tensors.
enum GGUFTypesFixture {
  static var url: URL {
    get throws {
      guard let fixtures = Bundle.module.url(forResource: "Fixtures", withExtension: nil) else {
        throw GGUFError(file: "Fixtures", reason: "are not in the test bundle")
      }
      return fixtures.appendingPathComponent("gguf")
    }
  }

  static var path: String { get throws { try url.appendingPathComponent("types.gguf").path } }

  struct Expected: Decodable {
    var type: String
    var shape: [Int]
    var bits: [UInt32]
  }

  static func expected() throws -> [String: Expected] {
    let data = try Data(contentsOf: try url.appendingPathComponent("types-expected.json"))
    return try JSONDecoder().decode([String: Expected].self, from: data)
  }
}

@Suite("GGUF dequantisers against gguf.quants.dequantize")
struct GGUFDequantizeTests {
  @Test(arguments: GGMLType.readable.map(\.name))
  func tensorMatchesGGUFPyBitForBit(typeName: String) throws {
    let file = try GGUFFile(path: try GGUFTypesFixture.path)
    let name = "tensor.\(typeName)"
    let expected = try #require(try GGUFTypesFixture.expected()[name])
    let info = try #require(file.tensor(name))
    #expect(info.type.name == typeName)
    #expect(info.shape == expected.shape)
    let floats = try file.floats(name)
    #expect(floats.count == expected.bits.count)
    let mismatches = zip(floats, expected.bits).enumerated().filter {
      $0.element.0.bitPattern != $0.element.1
    }
    #expect(
      mismatches.isEmpty,
      "\(mismatches.count) of \(floats.count) differ, first at \(mismatches.first?.offset ?? -1)")
  }

  @Test func rowsAreTheMatchingSliceOfTheWholeTensor() throws {
    let file = try GGUFFile(path: try GGUFTypesFixture.path)
    for name in ["tensor.Q4_1", "tensor.Q6_K", "tensor.F16"] {
      let info = try #require(file.tensor(name))
      let all = try file.floats(name)
      let last = info.rowCount - 1
      let rows = try file.rows(name, [last, 0])
      #expect(rows == Array(all[(last * info.rowLength)...]) + Array(all[..<info.rowLength]))
    }
    #expect(throws: GGUFError.self) { try file.rows("tensor.Q4_1", [3]) }
  }
}
