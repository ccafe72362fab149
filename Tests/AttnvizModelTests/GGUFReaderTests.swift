import AttnvizFiles
import Foundation
import Testing

@testable import AttnvizModel

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

@Suite("GGUF reader")
struct GGUFReaderTests {
  func fixtureBytes() throws -> [UInt8] {
    Array(try Data(contentsOf: URL(fileURLWithPath: try GGUFTypesFixture.path)))
  }

  /// The reason of the error `body` throws, or a note that it threw none.
  func reason(_ body: () throws -> Void) -> String {
    do {
      try body()
      return "(no error)"
    } catch let error as GGUFError {
      return error.description
    } catch {
      return "(other error \(error))"
    }
  }

  @Test func metadataOfEveryValueType() throws {
    let header = try GGUFFile(path: try GGUFTypesFixture.path).header
    #expect(header.version == 3)
    #expect(header.alignment == 32)
    #expect(header.value("general.architecture")?.stringValue == "llama")
    #expect(header.value("test.uint8") == .uint(200, type: .uint8))
    #expect(header.value("test.int8") == .int(-100, type: .int8))
    #expect(header.value("test.uint16") == .uint(60000, type: .uint16))
    #expect(header.value("test.int16") == .int(-30000, type: .int16))
    #expect(header.value("test.uint32") == .uint(4_000_000_000, type: .uint32))
    #expect(header.value("test.int32") == .int(-2_000_000_000, type: .int32))
    #expect(header.value("test.float32") == .float(0.125, type: .float32))
    #expect(header.value("test.uint64") == .uint(1 << 63 + 5, type: .uint64))
    #expect(header.value("test.uint64")?.intValue == nil)
    #expect(header.value("test.int64") == .int(-(1 << 62), type: .int64))
    #expect(header.value("test.float64")?.doubleValue == 1e-300)
    #expect(header.value("test.bool") == .bool(true))
    #expect(header.value("test.string") == .string("héllo 東京"))
    #expect(header.value("test.strings")?.arrayValue?.strings == ["a", "", "Ġthe", "<|im_end|>"])
    #expect(header.value("test.ints")?.arrayValue?.ints == [1, -2, 3])
    #expect(header.value("test.floats")?.arrayValue?.floats == [0.5, -1.25])
    #expect(header.value("test.bools")?.arrayValue == .bools([true, false]))
    #expect(header.keys.first == "general.architecture")
  }

  @Test func versionTwoReadsLikeVersionThree() throws {
    var bytes = try fixtureBytes()
    bytes[4] = 2
    let file = try GGUFFile(bytes: bytes)
    #expect(file.header.version == 2)
    #expect(try file.floats("tensor.Q8_0").count == 3 * 64)
  }

  @Test func otherVersionsAndMagicAreRefused() throws {
    var bytes = try fixtureBytes()
    bytes[4] = 1
    #expect(reason { _ = try GGUFFile(bytes: bytes) }.contains("GGUF version 1"))
    bytes[4...7] = [0, 0, 0, 3]
    #expect(reason { _ = try GGUFFile(bytes: bytes) }.contains("big-endian"))
    bytes[4...7] = [9, 0, 0, 0]
    #expect(reason { _ = try GGUFFile(bytes: bytes) }.contains("version 9"))
    #expect(
      reason { _ = try GGUFFile(bytes: Array("PK\u{3}\u{4}rest".utf8)) }
        .contains("does not start with \"GGUF\""))
  }

  /// Every prefix of a valid file that cuts into its last tensor is refused with a GGUFError
  /// (no trap, no read past the end); only the writer's padding after it may go.
  @Test func everyTruncationIsAnError() throws {
    let bytes = try fixtureBytes()
    let header = try GGUFFile(bytes: bytes).header
    let end = header.dataStart + header.tensors.map { $0.offset + $0.byteCount }.max()!
    #expect(end > bytes.count - 32)
    for length in 0..<end {
      let message = reason { try GGUFFile.check(bytes: Array(bytes[0..<length])) }
      #expect(message.hasPrefix("GGUF file"), "length \(length): \(message)")
    }
    try GGUFFile.check(bytes: bytes)
  }

  @Test func countsTheFileCannotHoldAreRefusedBeforeAllocating() throws {
    var builder = GGUFBuilder()
    builder.declaredMetadataCount = 1 << 60
    #expect(
      reason { _ = try GGUFFile(bytes: builder.bytes) }.contains(
        "claims 1152921504606846976 metadata entries"))
    builder = GGUFBuilder()
    builder.declaredTensorCount = UInt64.max
    #expect(reason { _ = try GGUFFile(bytes: builder.bytes) }.contains("tensors, more than"))
    builder = GGUFBuilder()
    builder.add("huge.array", type: 9, GGUFBuilder.u32(8) + GGUFBuilder.u64(1 << 40))
    #expect(
      reason { _ = try GGUFFile(bytes: builder.bytes) }
        .contains("key \"huge.array\" claims 1099511627776 elements of STRING"))
    builder = GGUFBuilder()
    builder.add("long.string", type: 8, GGUFBuilder.u64(UInt64.max) + [65])
    #expect(
      reason { _ = try GGUFFile(bytes: builder.bytes) }.contains(
        "claims 18446744073709551615 bytes"))
  }

  @Test func malformedMetadataIsRefused() throws {
    var builder = GGUFBuilder()
    builder.addString("a", "x")
    builder.addString("a", "y")
    #expect(reason { _ = try GGUFFile(bytes: builder.bytes) }.contains("key \"a\" appears twice"))
    builder = GGUFBuilder()
    builder.add("weird", type: 13, [0])
    #expect(reason { _ = try GGUFFile(bytes: builder.bytes) }.contains("unknown value type 13"))
    builder = GGUFBuilder()
    builder.add("nested", type: 9, GGUFBuilder.u32(9) + GGUFBuilder.u64(1))
    #expect(reason { _ = try GGUFFile(bytes: builder.bytes) }.contains("arrays of arrays"))
    builder = GGUFBuilder()
    builder.add("flag", type: 7, [2])
    #expect(reason { _ = try GGUFFile(bytes: builder.bytes) }.contains("BOOL of value 2"))
    for alignment: UInt32 in [0, 48] {
      builder = GGUFBuilder()
      builder.addUInt32("general.alignment", alignment)
      #expect(reason { _ = try GGUFFile(bytes: builder.bytes) }.contains("power of two"))
    }
  }

  @Test func customAlignmentIsFollowed() throws {
    var builder = GGUFBuilder()
    builder.alignment = 64
    builder.addUInt32("general.alignment", 64)
    builder.addTensor(
      "a", [2], type: 0,
      bytes: GGUFBuilder.u32(Float(1).bitPattern) + GGUFBuilder.u32(Float(-2).bitPattern))
    builder.addTensor("b", [1], type: 0, bytes: GGUFBuilder.u32(Float(3).bitPattern))
    let file = try GGUFFile(bytes: builder.bytes)
    #expect(file.header.dataStart % 64 == 0)
    #expect(file.tensor("b")?.offset == 64)
    #expect(try file.floats("a") == [1, -2])
    #expect(try file.floats("b") == [3])
  }

  @Test func impossibleTensorsAreRefused() throws {
    let four = [UInt8](repeating: 0, count: 4)
    func header(_ change: (inout GGUFBuilder) -> Void) -> String {
      var builder = GGUFBuilder()
      change(&builder)
      return reason { _ = try GGUFFile(bytes: builder.bytes) }
    }
    #expect(
      header { $0.addTensor("t", [1], type: 99, bytes: four) }
        .contains("tensor \"t\" has the unknown ggml type 99; attnviz reads F32, F16, BF16, Q8_0"))
    #expect(
      header { $0.addTensor("t", [1, 1, 1, 1, 1], type: 0, bytes: four) }
        .contains("has 5 dimensions"))
    #expect(
      header { $0.addTensor("t", [16], type: 2, bytes: four) }
        .contains("rows of 16 elements, not a multiple of the Q4_0 block of 32"))
    #expect(
      header { $0.addTensor("t", [1 << 62, 1 << 62], type: 0, bytes: four) }
        .contains("too large to exist"))
    #expect(
      header { $0.addTensor("t", [1], type: 0, bytes: four, offset: 4) }
        .contains("not a multiple of the alignment 32"))
    #expect(
      header { $0.addTensor("t", [2], type: 0, bytes: four) }
        .contains("the file is truncated"))
    #expect(
      header { $0.addTensor("t", [1], type: 0, bytes: four, offset: 1 << 40) }
        .contains("needs data bytes 1099511627776"))
    #expect(
      header {
        $0.addTensor("t", [16], type: 0, bytes: [UInt8](repeating: 0, count: 64))
        $0.addTensor("u", [1], type: 0, bytes: four, offset: 32)
      }.contains("tensor \"u\" begins at data byte 32, inside tensor \"t\""))
    #expect(
      header {
        $0.addTensor("t", [1], type: 0, bytes: four)
        $0.addTensor("t", [1], type: 0, bytes: four)
      }.contains("tensor \"t\" appears twice"))
  }

  @Test func typesWithoutADequantiserAreNamed() throws {
    var builder = GGUFBuilder()
    builder.addTensor("q2", [256], type: 16, bytes: [UInt8](repeating: 0, count: 66))
    let file = try GGUFFile(bytes: builder.bytes)
    let message = reason { _ = try file.floats("q2") }
    #expect(
      message.contains(
        "tensor \"q2\" has type IQ2_XXS; attnviz reads F32, F16, BF16, Q8_0, Q4_0, Q4_1, Q5_0, Q5_1, Q2_K, Q3_K, Q4_K, Q5_K, Q6_K, IQ4_NL, IQ4_XS"
      ))
    #expect(reason { _ = try file.floats("nope") }.contains("tensor \"nope\" is not in the file"))
  }

  /// Only the first `maximumHeaderBytes` of a file are parsed as its header (metadata and tensor
  /// table), so a header cannot make the reader allocate without bound: a sparse file whose
  /// metadata claims a UINT8 array of 100 million elements (800 MB once they are UInt64s) is
  /// refused from its header, however large the file is.
  /// Issue #27: a checkpoint header listing 1.2 million tiny tensors took a minute to read. At
  /// most `FileLimits.tensors` (262,144) tensors, checked from the count before any is read; the
  /// safetensors header checks its count once parsed, before any entry is examined.
  @Test func tensorCountsAreLimited() throws {
    let count = UInt64(FileLimits.tensors + 1)
    let gguf =
      Array("GGUF".utf8) + GGUFBuilder.u32(3) + GGUFBuilder.u64(count) + GGUFBuilder.u64(0)
      + [UInt8](repeating: 0, count: Int(count) * 24)
    #expect(
      reason { _ = try gguf.withUnsafeBytes { try GGUFHeader(bytes: $0, file: "t.gguf") } }
        == "GGUF file t.gguf: lists 262145 tensors, more than the limit of 262144 tensors a "
        + "checkpoint file may list (real models list a few thousand at most)")
    var json = "{"
    for index in 0..<FileLimits.tensors + 1 { json += "\"t\(index)\":{}," }
    json += "\"__metadata__\":{}}"
    var bytes = Array(json.utf8)
    bytes = (0..<8).map { UInt8(truncatingIfNeeded: bytes.count >> (8 * $0)) } + bytes
    let folder = FileManager.default.temporaryDirectory
      .appendingPathComponent("attnviz-st-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    let path = folder.appendingPathComponent("model.safetensors").path
    try Data(bytes).write(to: URL(fileURLWithPath: path))
    #expect(throws: (any Error).self) { _ = try SafeTensorsFile(path: path) }
    do {
      _ = try SafeTensorsFile(path: path)
    } catch {
      #expect(
        "\(error)".contains(
          "lists 262145 tensors, more than the limit of 262144 tensors a checkpoint file may list"),
        "\(error)")
    }
  }

  @Test func headersAreBoundedInSize() throws {
    let bytes = try fixtureBytes()
    let limited = reason {
      _ = try bytes.withUnsafeBytes { try GGUFHeader(bytes: $0, file: "t.gguf", headerLimit: 1024) }
    }
    #expect(
      limited
        == "GGUF file t.gguf: has a header (metadata and tensor table) larger than 1 KiB, the "
        + "most attnviz reads (real ones are under 20 MB); the file is corrupted or not a model")
    // A file that ends before the limit is truncated, not too large.
    let cut = Array(bytes.prefix(500))
    #expect(
      reason {
        _ = try cut.withUnsafeBytes { try GGUFHeader(bytes: $0, file: "t.gguf", headerLimit: 1024) }
      }.contains("is truncated"))

    var builder = GGUFBuilder()
    builder.add("huge", type: 9, GGUFBuilder.u32(0) + GGUFBuilder.u64(100_000_000))
    let folder = FileManager.default.temporaryDirectory
      .appendingPathComponent("attnviz-gguf-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    let path = folder.appendingPathComponent("huge.gguf").path
    try Data(builder.bytes).write(to: URL(fileURLWithPath: path))
    #expect(truncate(path, off_t(builder.bytes.count + 100_000_000)) == 0)
    #expect(
      reason { _ = try GGUFFile(path: path) }.hasSuffix(
        "has a header (metadata and tensor table) larger than 64 MiB, the most attnviz reads "
          + "(real ones are under 20 MB); the file is corrupted or not a model"))
  }

  @Test func nonRegularFilesAreRefusedWithoutOpeningThem() throws {
    let folder = FileManager.default.temporaryDirectory
      .appendingPathComponent("attnviz-gguf-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    let fifo = folder.appendingPathComponent("pipe.gguf").path
    #expect(mkfifo(fifo, 0o600) == 0)
    // Opening a FIFO for reading blocks until a writer comes; the reader must not open it.
    // The same words as every other file attnviz reads (BoundedFile).
    #expect(
      reason { _ = try GGUFFile(path: fifo) }.hasSuffix(
        "pipe.gguf: is a named pipe (FIFO), not a regular file"))
    #expect(
      reason { _ = try GGUFFile(path: folder.path) }.hasSuffix(": is a folder, not a regular file"))
    #expect(
      reason { _ = try GGUFFile(path: "/dev/zero") }
        == "GGUF file /dev/zero: is a device, not a regular file")
    #expect(
      reason { _ = try GGUFFile(path: folder.appendingPathComponent("none").path) }
        .hasSuffix("none: does not exist; check the path"))
    let empty = folder.appendingPathComponent("empty.gguf")
    try Data().write(to: empty)
    #expect(reason { _ = try GGUFFile(path: empty.path) }.contains("is empty"))
  }
}
