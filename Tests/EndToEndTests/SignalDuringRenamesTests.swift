import Foundation
import Testing

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

#if DEBUG || ATTNVIZ_TEST_HOOKS
  private let binaryPausesBetweenRenames = true
#else
  private let binaryPausesBetweenRenames = false
#endif

/// SIGTERM and SIGINT that arrive between two of the final renames into `--out` (issue #27: "a
/// partly replaced output folder"). A debug build, or `make test`'s release build (compiled with
/// -DATTNVIZ_TEST_HOOKS, as these tests are), waits `ATTNVIZ_TEST_RENAME_PAUSE` microseconds
/// before each rename but the first, so the signal lands there for certain; the folder must then
/// hold the complete new set, byte for byte, and no hidden file. A release build without the
/// hooks (a bare `swift test -c release`) has no pause to aim at, so the suite is disabled there.
@Suite(
  .serialized,
  .enabled(
    if: binaryPausesBetweenRenames,
    "a release build without -DATTNVIZ_TEST_HOOKS does not pause between renames: use make test")
)
struct SignalDuringRenamesTests {
  static let arguments = ["--quiet", "--format", "png,svg,csv,json", "--view", "heatmap"]

  /// The inode of each file of `names` in `folder` (0 when missing).
  func inodes(_ names: [String], in folder: URL) -> [UInt64] {
    names.map { name in
      var status = stat()
      guard stat(folder.appendingPathComponent(name).path, &status) == 0 else { return 0 }
      return UInt64(status.st_ino)
    }
  }

  func contents(_ folder: URL) throws -> [String: Data] {
    var result: [String: Data] = [:]
    for name in listing(folder) {
      result[name] = try Data(contentsOf: folder.appendingPathComponent(name))
    }
    return result
  }

  @Test(.serialized, arguments: [(SIGTERM, Int32(143)), (SIGINT, Int32(130))])
  func aSignalBetweenRenamesLeavesTheWholeNewSet(signal: Int32, code: Int32) throws {
    let folder = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    // The same words in two folders (figures record their command): the old set in `here`,
    // and the new set written undisturbed in `there`.
    let here = folder.appendingPathComponent("here")
    let there = folder.appendingPathComponent("there")
    for place in [here, there] {
      try FileManager.default.createDirectory(at: place, withIntermediateDirectories: true)
    }
    let out = here.appendingPathComponent("out")
    let expected = there.appendingPathComponent("out")
    let old = try Binary.run(Self.arguments + ["--out", "out", "the cat sat on the mat"], in: here)
    #expect(old.status == 0, "\(old.stderr)")
    let new = try Binary.run(Self.arguments + ["--out", "out", "a dog ran far away"], in: there)
    #expect(new.status == 0, "\(new.stderr)")
    let names = listing(expected)
    try #require(names.count >= 4 && names == listing(out), "\(names) \(listing(out))")
    let oldInodes = inodes(names, in: out)

    let process = Process()
    process.executableURL = Binary.url
    process.arguments = Self.arguments + ["--out", "out", "a dog ran far away"]
    process.currentDirectoryURL = here
    process.environment = ProcessInfo.processInfo.environment.merging(
      ["ATTNVIZ_TEST_RENAME_PAUSE": "400000"]) { $1 }
    process.standardOutput = FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    try process.run()
    // Wait for the first rename (a final name now points at a new file), then signal.
    var renamed = 0
    while process.isRunning && renamed == 0 {
      renamed = zip(inodes(names, in: out), oldInodes).filter { $0 != $1 }.count
      if renamed == 0 { usleep(2000) }
    }
    kill(process.processIdentifier, signal)
    process.waitUntilExit()
    #expect(renamed > 0 && renamed < names.count, "signalled after \(renamed) of \(names.count)")
    #expect(process.terminationReason == .exit)
    #expect(process.terminationStatus == code)
    // The whole new set, nothing hidden left over.
    #expect(listing(out) == names, "\(listing(out))")
    #expect(try contents(out) == contents(expected))
  }
}
