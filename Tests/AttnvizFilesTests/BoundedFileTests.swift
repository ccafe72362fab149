import AttnvizFiles
import Foundation
import Testing

#if canImport(Glibc)
  import Glibc
#endif

@Suite("Bounded file reads: type checked before open, size bounded")
struct BoundedFileTests {
  let folder: String

  init() throws {
    folder =
      NSTemporaryDirectory() + "attnviz-files-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
  }

  func problem(_ body: () throws -> Void) -> FileReadError.Problem? {
    do {
      try body()
      return nil
    } catch {
      return (error as? FileReadError)?.problem
    }
  }

  @Test("a regular file is read whole; one over the limit is refused from its size")
  func regularFile() throws {
    let path = folder + "/text.txt"
    try Data("hello".utf8).write(to: URL(fileURLWithPath: path))
    #expect(try BoundedFile.read(path, what: "t", limit: 5) == Array("hello".utf8))
    #expect(problem { _ = try BoundedFile.read(path, what: "t", limit: 4) } == .tooLarge(limit: 4))
    // A sparse 3 GiB file is refused without reading (and without 3 GiB of memory).
    let sparse = folder + "/sparse"
    let fd = open(sparse, O_CREAT | O_WRONLY, 0o644)
    #expect(ftruncate(fd, 3 << 30) == 0)
    close(fd)
    #expect(
      problem { _ = try BoundedFile.read(sparse, what: "t", limit: 1 << 20) }
        == .tooLarge(limit: 1 << 20))
  }

  @Test("readStart reads the first bytes of a regular file only, never a FIFO or a device")
  func readStart() throws {
    let path = folder + "/model"
    try Data("GGUF and more".utf8).write(to: URL(fileURLWithPath: path))
    #expect(try BoundedFile.readStart(path, what: "t", count: 4) == Array("GGUF".utf8))
    #expect(try BoundedFile.readStart(path, what: "t", count: 100) == Array("GGUF and more".utf8))
    let fifo = folder + "/fifo-start"
    #expect(mkfifo(fifo, 0o600) == 0)
    #expect(
      problem { _ = try BoundedFile.readStart(fifo, what: "t", count: 4) }
        == .wrongKind(.pipe, .regularFile))
    #expect(
      problem { _ = try BoundedFile.readStart("/dev/zero", what: "t", count: 4) }
        == .wrongKind(.device, .regularFile))
  }

  @Test("a FIFO without a writer is refused as a model file and reads as empty text, no hang")
  func fifoWithoutWriter() throws {
    let fifo = folder + "/fifo"
    #expect(mkfifo(fifo, 0o600) == 0)
    #expect(
      problem { _ = try BoundedFile.read(fifo, what: "t", limit: 10) }
        == .wrongKind(.pipe, .regularFile))
    #expect(
      problem { try BoundedFile.checkRegularFile(fifo, what: "t") }
        == .wrongKind(.pipe, .regularFile))
    #expect(try BoundedFile.read(fifo, what: "t", limit: 10, source: .fileOrPipe) == [])
  }

  @Test("a pipe is read through /dev/fd like process substitution, at most limit + 1 bytes")
  func pipeThroughDevFD() throws {
    var ends: [Int32] = [0, 0]
    #expect(pipe(&ends) == 0)
    let message = Array("attention".utf8)
    #expect(write(ends[1], message, message.count) == message.count)
    close(ends[1])
    defer { close(ends[0]) }
    let bytes = try BoundedFile.read(
      "/dev/fd/\(ends[0])", what: "t", limit: 100, source: .fileOrPipe)
    #expect(bytes == message)

    var long: [Int32] = [0, 0]
    #expect(pipe(&long) == 0)
    let chunk = [UInt8](repeating: 0x61, count: 1000)
    #expect(write(long[1], chunk, chunk.count) == chunk.count)
    defer {
      close(long[0])
      close(long[1])
    }
    // The writer is still open: reading stops at limit + 1 bytes instead of waiting for EOF.
    #expect(
      problem {
        _ = try BoundedFile.read("/dev/fd/\(long[0])", what: "t", limit: 10, source: .fileOrPipe)
      }
        == .tooLarge(limit: 10))
  }

  @Test("folders, devices, missing and empty paths are named as such")
  func otherKinds() {
    #expect(
      problem { _ = try BoundedFile.read(folder, what: "t", limit: 10) }
        == .wrongKind(.folder, .regularFile))
    #expect(
      problem { _ = try BoundedFile.read("/dev/zero", what: "t", limit: 10, source: .fileOrPipe) }
        == .wrongKind(.device, .fileOrPipe))
    #expect(
      problem { _ = try BoundedFile.read(folder + "/nothing", what: "t", limit: 10) }
        == .system(ENOENT))
    #expect(problem { _ = try BoundedFile.read("", what: "t", limit: 10) } == .system(ENOENT))
    let error = FileReadError(
      path: "/dev/zero", what: "the text file", problem: .wrongKind(.device, .fileOrPipe))
    #expect(
      error.description == "the text file /dev/zero is a device, not a regular file or a pipe")
  }
}

@Suite("JSON structure checks before parsing")
struct JSONStructureTests {
  func problem(_ text: String, depth: Int = 64) -> JSONStructure.Problem? {
    do {
      _ = try JSONStructure(Array(text.utf8), maximumDepth: depth)
      return nil
    } catch {
      return error as? JSONStructure.Problem
    }
  }

  @Test("a repeated key is reported with its line, also when spelled with an escape")
  func duplicateKeys() {
    #expect(problem("{\"a\": 1,\n \"a\": 2}") == .duplicateKey("a", line: 2))
    #expect(problem("{\"a\": 1, \"\\u0061\": 2}") == .duplicateKey("a", line: 1))
    #expect(problem("{\"x\": {\"a\": 1}, \"y\": {\"a\": 1}}") == nil)
    #expect(
      problem("[{\"a\": 1}, {\"a\": 2, \"b\": [1, {\"b\": 2, \"b\": 3}]}]")
        == .duplicateKey("b", line: 1))
  }

  @Test("nesting deeper than the limit is refused without recursion")
  func depth() {
    let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
    #expect(problem(deep) == .tooDeep(limit: 64, line: 1))
    #expect(problem("[[[1]]]", depth: 3) == nil)
    #expect(problem("[[[[1]]]]", depth: 3) == .tooDeep(limit: 3, line: 1))
  }

  @Test("the top-level type is reported; broken structure is a syntax problem")
  func topLevel() throws {
    #expect(try JSONStructure(Array("[1, 2]".utf8)).topLevel == .array)
    #expect(try JSONStructure(Array(" {\"a\": [true, null, \"s\"]} ".utf8)).topLevel == .object)
    #expect(try JSONStructure([]).topLevel == .empty)
    #expect(problem("{\"a\": 1") == .syntax(line: 1))
    #expect(problem("{\"a\" 1}") == .syntax(line: 1))
    #expect(problem("[1,]x") != nil)
    #expect(problem("{\"a\": \"unterminated}") == .syntax(line: 1))
  }
}
