import AttnvizFiles
import AttnvizMath
import Foundation
import Testing

@testable import AttnvizModel

/// Builds safetensors files byte by byte in a temporary folder, so every test states exactly
/// what is on disk.
struct SafeTensorsFixture {
  let folder: URL

  init() throws {
    folder = FileManager.default.temporaryDirectory
      .appendingPathComponent("attnviz-safetensors-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
  }

  /// Writes `length` (default: the header's own length) + header + data and returns the path.
  func write(
    _ name: String, header: String, data: [UInt8], declaredLength: UInt64? = nil
  ) throws -> String {
    let headerBytes = Array(header.utf8)
    let length = declaredLength ?? UInt64(headerBytes.count)
    var bytes = (0..<8).map { UInt8(truncatingIfNeeded: length >> (8 * $0)) }
    bytes += headerBytes + data
    let url = folder.appendingPathComponent(name)
    try Data(bytes).write(to: url)
    return url.path
  }

  func remove() { try? FileManager.default.removeItem(at: folder) }
}

func littleEndianBytes(_ floats: [Float]) -> [UInt8] {
  floats.flatMap { f in (0..<4).map { UInt8(truncatingIfNeeded: f.bitPattern >> (8 * $0)) } }
}

func littleEndianBytes(_ halves: [UInt16]) -> [UInt8] {
  halves.flatMap { [UInt8(truncatingIfNeeded: $0), UInt8(truncatingIfNeeded: $0 >> 8)] }
}

@Suite("SafeTensors reader")
struct SafeTensorsTests {
  static let f32Values: [Float] = [1.5, -2, 0.1, 3.4e38, 0, -0.25]
  // F16 bit patterns and their exact values.
  static let f16Bits: [UInt16] = [0x3C00, 0xC000, 0x3555, 0x0001, 0x7BFF, 0xFC00]
  static let f16Values: [Float] = [1, -2, 0.333251953125, 0x1p-24, 65504, -.infinity]
  static let bf16Bits: [UInt16] = [0x3F80, 0xC0A0, 0x4049]
  static let bf16Values: [Float] = [1, -5, 3.140625]

  /// Three tensors, written deliberately out of offset order in the header, plus metadata and
  /// an I64 buffer like BERT's `position_ids`.
  func writeValidFile(_ fixture: SafeTensorsFixture) throws -> String {
    let data =
      littleEndianBytes(Self.f32Values) + littleEndianBytes(Self.f16Bits)
      + littleEndianBytes(Self.bf16Bits) + [UInt8](repeating: 7, count: 16)
    let header = """
      {"__metadata__": {"format": "pt"},
       "b.half": {"dtype": "F16", "shape": [6], "data_offsets": [24, 36]},
       "a.matrix": {"dtype": "F32", "shape": [2, 3], "data_offsets": [0, 24]},
       "c.brain": {"dtype": "BF16", "shape": [3], "data_offsets": [36, 42]},
       "d.ids": {"dtype": "I64", "shape": [1, 2], "data_offsets": [42, 58]}}
      """
    return try fixture.write("valid.safetensors", header: header, data: data)
  }

  @Test func readsEveryFloatTypeExactly() throws {
    let fixture = try SafeTensorsFixture()
    defer { fixture.remove() }
    let file = try SafeTensorsFile(path: writeValidFile(fixture))
    #expect(file.tensorNames == ["a.matrix", "b.half", "c.brain", "d.ids"])
    #expect(file.shape(of: "a.matrix") == [2, 3])
    #expect(file.shape(of: "nope") == nil)
    #expect(try file.floats("a.matrix") == Self.f32Values)
    #expect(try file.floatsAllowingNonFinite("b.half") == Self.f16Values)
    // What a model reads refuses the -inf, naming the tensor and the element.
    let infinite = #expect(throws: SafeTensorsError.self) { try file.floats("b.half") }
    #expect(
      infinite?.description.contains("\"b.half\" holds an infinite value at element 5") == true)
    #expect(try file.floats("c.brain") == Self.bf16Values)
    let matrix = try file.matrix("a.matrix", expectedShape: [2, 3])
    #expect(matrix.rows == 2 && matrix.columns == 3)
    #expect(matrix[1, 0] == Double(Float(3.4e38)) && matrix[0, 2] == Double(Float(0.1)))
    #expect(try file.vector("c.brain", expectedLength: 3) == [1, -5, 3.140625])
  }

  @Test func halfNaNStaysNaN() {
    #expect(floatFromHalf(0x7E00).isNaN)
    #expect(floatFromHalf(0x8000) == 0 && floatFromHalf(0x8000).sign == .minus)
    #expect(floatFromHalf(0x03FF) == Float(0x03FF) * 0x1p-24)  // largest subnormal
  }

  @Test func wrongShapeAndMissingTensorAreNamed() throws {
    let fixture = try SafeTensorsFixture()
    defer { fixture.remove() }
    let file = try SafeTensorsFile(path: writeValidFile(fixture))
    let shapeError = #expect(throws: SafeTensorsError.self) {
      try file.matrix("a.matrix", expectedShape: [3, 2])
    }
    #expect(shapeError?.tensor == "a.matrix")
    #expect(shapeError?.description.contains("[2, 3]") == true)
    let missingError = #expect(throws: SafeTensorsError.self) {
      try file.vector("zzz", expectedLength: 3)
    }
    #expect(missingError?.description.contains("\"zzz\" is not in the file") == true)
    let dtypeError = #expect(throws: SafeTensorsError.self) { try file.floats("d.ids") }
    #expect(dtypeError?.description.contains("dtype I64") == true)
  }

  /// Each corruption and a phrase its message must contain.
  static let corruptions:
    [(
      name: String, header: String, data: [UInt8], length: UInt64?,
      expected: String
    )] = [
      ("header length too big", "{}", [], 1 << 40, "more than the format's limit"),
      ("header length past the end", "{}", [], 64, "the file is truncated"),
      ("not JSON", "{\"a\": [1, ", [], nil, "not a JSON object"),
      ("JSON array, not object", "[1, 2, 3]", [], nil, "not a JSON object"),
      (
        "truncated data", #"{"w": {"dtype": "F32", "shape": [4], "data_offsets": [0, 16]}}"#,
        [UInt8](repeating: 0, count: 10), nil, "the file is truncated"
      ),
      (
        "overlapping offsets",
        #"{"a": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]},"#
          + #" "b": {"dtype": "F32", "shape": [2], "data_offsets": [4, 12]}}"#,
        [UInt8](repeating: 0, count: 12), nil, "overlaps it"
      ),
      (
        "gap between tensors",
        #"{"a": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4]},"#
          + #" "b": {"dtype": "F32", "shape": [1], "data_offsets": [8, 12]}}"#,
        [UInt8](repeating: 0, count: 12), nil, "leaves a gap"
      ),
      (
        "shape × size mismatch", #"{"w": {"dtype": "F32", "shape": [3], "data_offsets": [0, 8]}}"#,
        [UInt8](repeating: 0, count: 8), nil, "cover 8 bytes"
      ),
      (
        "overflowing shape",
        #"{"w": {"dtype": "F32", "shape": [4611686018427387904, 4], "data_offsets": [0, 8]}}"#,
        [UInt8](repeating: 0, count: 8), nil, "too large to exist"
      ),
      (
        "bad dtype", #"{"w": {"dtype": "Q7", "shape": [1], "data_offsets": [0, 4]}}"#,
        [0, 0, 0, 0], nil, "unknown dtype \"Q7\""
      ),
      (
        "negative shape", #"{"w": {"dtype": "F32", "shape": [-1], "data_offsets": [0, 4]}}"#,
        [0, 0, 0, 0], nil, "non-negative integers"
      ),
      (
        "offsets reversed", #"{"w": {"dtype": "F32", "shape": [1], "data_offsets": [4, 0]}}"#,
        [0, 0, 0, 0], nil, "0 ≤ begin ≤ end"
      ),
      ("entry not an object", #"{"w": 3}"#, [], nil, "must be an object"),
      (
        "trailing bytes", #"{"w": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4]}}"#,
        [0, 0, 0, 0, 9, 9], nil, "2 bytes after the last tensor"
      ),
    ]

  @Test(arguments: 0..<corruptions.count)
  func corruptFileGivesAClearError(index: Int) throws {
    let c = Self.corruptions[index]
    let fixture = try SafeTensorsFixture()
    defer { fixture.remove() }
    let path = try fixture.write(
      "bad.safetensors", header: c.header, data: c.data,
      declaredLength: c.length)
    let error = #expect(throws: SafeTensorsError.self, "\(c.name)") {
      try SafeTensorsFile(path: path)
    }
    #expect(error?.file == path)
    #expect(
      error?.description.contains(c.expected) == true, "\(c.name): \(String(describing: error))")
  }

  @Test func tooShortEmptyAndMissingFiles() throws {
    let fixture = try SafeTensorsFixture()
    defer { fixture.remove() }
    let short = fixture.folder.appendingPathComponent("short").path
    try Data([1, 2, 3]).write(to: URL(fileURLWithPath: short))
    let empty = fixture.folder.appendingPathComponent("empty").path
    try Data().write(to: URL(fileURLWithPath: empty))
    for (path, phrase) in [
      (short, "3 bytes long"), (empty, "is empty"),
      (fixture.folder.appendingPathComponent("absent").path, "does not exist"),
      (fixture.folder.path, "not a regular file"),
    ] {
      let error = #expect(throws: SafeTensorsError.self) { try SafeTensorsFile(path: path) }
      #expect(error?.description.contains(phrase) == true, "\(String(describing: error))")
    }
  }

  /// Every prefix of a valid file is refused cleanly: the length, header and data checks cover
  /// every way a download can stop short.
  @Test func everyTruncationIsRefused() throws {
    let fixture = try SafeTensorsFixture()
    defer { fixture.remove() }
    let valid = try Data(contentsOf: URL(fileURLWithPath: writeValidFile(fixture)))
    for length in 0..<valid.count {
      let path = fixture.folder.appendingPathComponent("cut\(length)").path
      try valid.prefix(length).write(to: URL(fileURLWithPath: path))
      #expect(throws: SafeTensorsError.self, "prefix of \(length) bytes") {
        try SafeTensorsFile(path: path)
      }
    }
  }
}

@Suite("SafeTensors reader on damaged files")
struct SafeTensorsDamageTests {
  /// Random byte changes in a valid file (seeded, so any failure reproduces): each damaged file
  /// is either refused with a SafeTensorsError or read in full, never a crash.
  @Test func randomDamageNeverCrashes() throws {
    let fixture = try SafeTensorsFixture()
    defer { fixture.remove() }
    let valid = try Data(
      contentsOf: URL(fileURLWithPath: SafeTensorsTests().writeValidFile(fixture)))
    var rng = SplitMix64(seed: 7)
    var refused = 0
    for attempt in 0..<300 {
      var bytes = [UInt8](valid)
      for _ in 0..<(1 + Int(rng.next() % 4)) {
        let position = Int(rng.next() % UInt64(bytes.count))
        bytes[position] = UInt8(truncatingIfNeeded: rng.next())
      }
      let path = fixture.folder.appendingPathComponent("damaged\(attempt)").path
      try Data(bytes).write(to: URL(fileURLWithPath: path))
      do {
        let file = try SafeTensorsFile(path: path)
        for name in file.tensorNames { _ = try? file.floats(name) }
      } catch is SafeTensorsError {
        refused += 1
      }
    }
    #expect(refused > 100)  // most header damage is caught; data damage only changes values
  }
}
