import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// A pseudo-terminal pair: the child writes to the slave side and sees a terminal (`isatty`), the
/// test reads what it wrote from the master side. Two of them keep a child's standard output and
/// standard error apart, which `script(1)` cannot.
final class PseudoTerminal: @unchecked Sendable {
  let master: Int32
  let slave: FileHandle
  private let reader = DispatchGroup()
  private var captured = Data()

  /// Linux's ioctls behind unlockpt(3) and ptsname(3), which Swift's Glibc module does not
  /// export (they need _XOPEN_SOURCE); the numbers are the same on x86_64 and arm64.
  // swift-format-ignore: AlwaysUseLowerCamelCase
  static let TIOCGPTN: UInt = 0x8004_5430
  // swift-format-ignore: AlwaysUseLowerCamelCase
  static let TIOCSPTLCK: UInt = 0x4004_5431

  init() throws {
    master = open("/dev/ptmx", O_RDWR | O_NOCTTY)
    var unlock: Int32 = 0
    var number: UInt32 = 0
    guard master >= 0, ioctl(master, Self.TIOCSPTLCK, &unlock) == 0,
      ioctl(master, Self.TIOCGPTN, &number) == 0
    else { throw POSIXError(.ENODEV) }
    let fd = open("/dev/pts/\(number)", O_RDWR | O_NOCTTY)
    guard fd >= 0 else { throw POSIXError(.ENODEV) }
    slave = FileHandle(fileDescriptor: fd, closeOnDealloc: true)
    // Keep the child's bytes as written: no "\n" → "\r\n" translation.
    var settings = termios()
    tcgetattr(fd, &settings)
    settings.c_oflag &= ~tcflag_t(OPOST)
    tcsetattr(fd, TCSANOW, &settings)
  }

  /// Starts draining the master side (a full terminal buffer would block the child).
  func startReading() {
    reader.enter()
    DispatchQueue.global().async { [self] in
      var buffer = [UInt8](repeating: 0, count: 65536)
      while true {
        let count = read(master, &buffer, buffer.count)
        // EIO once the last slave descriptor is closed: the child has exited.
        guard count > 0 else { break }
        captured.append(contentsOf: buffer[0..<count])
      }
      reader.leave()
    }
  }

  /// Call after the child exited and our slave copy is closed.
  func output() -> String {
    reader.wait()
    close(master)
    return String(decoding: captured, as: UTF8.self)
  }
}

extension Binary {
  /// Runs attnviz with standard error (and standard output unless `pipeStandardOutput`) on
  /// pseudo-terminals, as when a person runs it in a terminal window.
  static func runInTerminal(_ arguments: [String], pipeStandardOutput: Bool = false) throws -> Run {
    let outTerminal = pipeStandardOutput ? nil : try PseudoTerminal()
    let errTerminal = try PseudoTerminal()
    let process = Process()
    process.executableURL = url
    process.arguments = arguments
    var environment = ProcessInfo.processInfo.environment
    environment["NO_COLOR"] = "1"
    process.environment = environment
    let outPipe = Pipe()
    process.standardOutput = outTerminal?.slave ?? outPipe
    process.standardError = errTerminal.slave
    process.standardInput = FileHandle.nullDevice
    outTerminal?.startReading()
    errTerminal.startReading()
    try process.run()
    try outTerminal?.slave.close()
    try errTerminal.slave.close()
    let piped = outTerminal == nil ? readToEnd(outPipe.fileHandleForReading.fileDescriptor) : Data()
    process.waitUntilExit()
    let stdout = outTerminal?.output() ?? String(decoding: piped, as: UTF8.self)
    return Run(
      status: process.terminationStatus, stdout: stdout, stderr: errTerminal.output(),
      stdoutBytes: Data(stdout.utf8))
  }
}
