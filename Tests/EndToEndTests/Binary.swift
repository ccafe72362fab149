import Foundation

/// Runs the built `attnviz` binary (next to the test bundle in .build/<config>/) and captures
/// what a user would see.
struct Run {
  var status: Int32
  var stdout: String
  var stderr: String
  var stdoutBytes: Data
}

enum Binary {
  /// The line every run of the built-in layer prints on standard error before its paths.
  static let untrainedNote =
    "note: the built-in layer is random and untrained; --model shows a trained model's attention "
    + "(attnviz models lists them)\n"

  static var url: URL {
    if let path = ProcessInfo.processInfo.environment["ATTNVIZ_BINARY"] {
      return URL(fileURLWithPath: path)
    }
    let bundle = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
    var folder = bundle.deletingLastPathComponent()
    // swift-testing may run from inside the .xctest bundle folder.
    while !FileManager.default.fileExists(atPath: folder.appendingPathComponent("attnviz").path),
      folder.pathComponents.count > 2
    {
      folder = folder.deletingLastPathComponent()
    }
    return folder.appendingPathComponent("attnviz")
  }

  /// The package root, from this file's path.
  static var packageRoot: URL {
    URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .deletingLastPathComponent()
  }

  @discardableResult
  static func run(
    _ arguments: [String], stdin: String? = nil, in directory: URL? = nil,
    environment extra: [String: String] = [:]
  ) throws -> Run {
    var environment = ProcessInfo.processInfo.environment
    environment["COLUMNS"] = nil
    environment["NO_COLOR"] = nil
    for (key, value) in extra { environment[key] = value }
    return try runProcess(url, arguments, environment: environment, stdin: stdin, in: directory)
  }

}

/// Runs `executable` with exactly `environment`, feeding `stdin` (or nothing), and captures
/// both output streams.
func runProcess(
  _ executable: URL, _ arguments: [String], environment: [String: String], stdin: String? = nil,
  in directory: URL? = nil
) throws -> Run {
  let process = Process()
  process.executableURL = executable
  process.arguments = arguments
  process.environment = environment
  if let directory { process.currentDirectoryURL = directory }
  let out = Pipe()
  let err = Pipe()
  let input = Pipe()
  process.standardOutput = out
  process.standardError = err
  process.standardInput = input
  // A child that exits before reading all its input must not kill the test run with SIGPIPE.
  signal(SIGPIPE, SIG_IGN)
  try process.run()
  // Feed standard input and drain standard error on their own threads, so neither a large input
  // nor a large output can fill a pipe and block the child.
  let errData = DataBox()
  let group = DispatchGroup()
  group.enter()
  DispatchQueue.global().async {
    let writer = input.fileHandleForWriting
    if let stdin { try? writer.write(contentsOf: Data(stdin.utf8)) }
    try? writer.close()
    group.leave()
  }
  group.enter()
  DispatchQueue.global().async {
    errData.data = readToEnd(err.fileHandleForReading.fileDescriptor)
    group.leave()
  }
  let outData = readToEnd(out.fileHandleForReading.fileDescriptor)
  group.wait()
  process.waitUntilExit()
  return Run(
    status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
    stderr: String(decoding: errData.data, as: UTF8.self), stdoutBytes: outData)
}

/// `read(2)` to the end, retrying on EINTR: Foundation's `readDataToEndOfFile()` traps when a
/// signal (SIGCHLD from another test's child) interrupts it.
func readToEnd(_ fd: Int32) -> Data {
  var data = Data()
  var buffer = [UInt8](repeating: 0, count: 1 << 16)
  while true {
    let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
    if count > 0 {
      data.append(contentsOf: buffer[0..<count])
    } else if count == 0 || errno != EINTR {
      return data
    }
  }
}

/// Written by one reader thread, read after `group.wait()`.
final class DataBox: @unchecked Sendable {
  var data = Data()
}

/// A fresh temporary folder, removed by the caller's `defer`.
func temporaryFolder() throws -> URL {
  let url = FileManager.default.temporaryDirectory.appendingPathComponent(
    "attnviz-e2e-\(UUID().uuidString)")
  try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
  return url
}

func listing(_ folder: URL) -> [String] {
  ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).sorted()
}
