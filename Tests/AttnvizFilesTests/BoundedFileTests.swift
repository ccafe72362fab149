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

@Suite("The one strict JSON parser")
struct JSONValueTests {
  func problem(_ text: String, depth: Int = 64) -> JSONProblem? {
    do {
      _ = try JSONValue(parsing: Array(text.utf8), maximumDepth: depth)
      return nil
    } catch {
      return error
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
    // Byte for byte, not by canonical equivalence: é and e + U+0301 are two keys.
    #expect(problem("{\"\u{E9}\": 1, \"e\u{301}\": 2}") == nil)
  }

  @Test("nesting deeper than the limit is refused before the stack grows")
  func depth() {
    let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
    #expect(problem(deep) == .tooDeep(limit: 64, line: 1))
    #expect(problem("[[[1]]]", depth: 3) == nil)
    #expect(problem("[[[[1]]]]", depth: 3) == .tooDeep(limit: 3, line: 1))
  }

  @Test("values, members in file order with their lines, and syntax errors with the line")
  func values() throws {
    let value = try JSONValue(
      parsing: Array("\u{FEFF} {\"b\": [true, null, \"s\\n\"],\n\"a\": -1.5e2}".utf8))
    #expect(value.object?.map(\.key) == ["b", "a"])
    #expect(value.object?.map(\.line) == [1, 2])
    #expect(value["b"] == .array([.bool(true), .null, .string("s\n")]))
    #expect(value["a"]?.number == -150 && value.given("c") == nil)
    #expect(problem("") == .syntax(line: 1, expected: "a value"))
    #expect(problem("{\"a\": 1") == .syntax(line: 1, expected: "',' or '}' after a member"))
    #expect(problem("{\"a\" 1}") == .syntax(line: 1, expected: "':' after a key"))
    #expect(problem("[1,]x") == .syntax(line: 1, expected: "a value"))
    #expect(problem("[1]\nx") == .syntax(line: 2, expected: "nothing after the document"))
    #expect(problem("{\"a\": \"unterminated}") == .syntax(line: 1, expected: "a closing '\"'"))
    #expect(problem("[1e999]") == .syntax(line: 1, expected: "a finite number, not 1e999"))
    #expect(
      try JSONValue(parsing: Array("[9007199254740993, 2.0, 1e2]".utf8))
        == .array([.integer(9_007_199_254_740_993), .number(2), .number(100)]))
    #expect(
      JSONProblem.duplicateKey("a", line: 2).description
        == "repeats the key \"a\" on line 2 (each key may appear once in an object)")
  }
}
