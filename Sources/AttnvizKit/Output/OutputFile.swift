#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

// The C library's write(2), named apart from the `write` methods of the types below.
#if canImport(Glibc)
  private let systemWrite = Glibc.write
#elseif canImport(Darwin)
  private let systemWrite = Darwin.write
#endif

/// A file the run wants to write: a fixed name (never derived from the input text) and its bytes,
/// either in memory or produced as a stream (large JSON and SVG are written piece by piece into
/// the temporary file, never held whole in memory).
public struct OutputFile: Sendable {
  public enum Body: Sendable {
    case bytes([UInt8])
    case stream(@Sendable (inout ByteSink) throws -> Void)
  }

  public var name: String
  public var body: Body

  public init(name: String, body: Body) {
    precondition(!name.contains("/") && !name.hasPrefix("."), "output names are plain file names")
    self.name = name
    self.body = body
  }

  public init(name: String, contents: [UInt8]) {
    self.init(name: name, body: .bytes(contents))
  }

  public init(name: String, text: String) {
    self.init(name: name, contents: Array(text.utf8))
  }

  public init(name: String, stream: @escaping @Sendable (inout ByteSink) throws -> Void) {
    self.init(name: name, body: .stream(stream))
  }

  /// The whole file in memory (tests, the deck's index page). The producers of streamed files
  /// (JSON, SVG) fail only when their sink does, and a memory sink never does.
  public var contents: [UInt8] {
    switch body {
    case .bytes(let bytes): return bytes
    case .stream(let produce):
      var sink = ByteSink.memory()
      try? produce(&sink)
      return sink.collected
    }
  }
}

/// Where streamed output goes: a file descriptor (buffered, 1 MiB at a time) or memory.
public struct ByteSink {
  let descriptor: Int32?
  var buffer: [UInt8] = []
  /// Bytes written so far, for the output-size notes.
  public private(set) var count = 0
  static let flushSize = 1 << 20

  init(descriptor: Int32?) {
    self.descriptor = descriptor
    buffer.reserveCapacity(descriptor == nil ? 0 : Self.flushSize + 4096)
  }

  static func memory() -> ByteSink { ByteSink(descriptor: nil) }

  var collected: [UInt8] { buffer }

  public mutating func write(_ string: String) throws {
    try write(bytes: string.utf8)
  }

  public mutating func write<S: Sequence>(bytes: S) throws where S.Element == UInt8 {
    let before = buffer.count
    buffer.append(contentsOf: bytes)
    count += buffer.count - before
    if descriptor != nil, buffer.count >= Self.flushSize { try flush() }
  }

  mutating func flush() throws {
    guard let descriptor else { return }
    try writeFully(buffer, to: descriptor)
    buffer.removeAll(keepingCapacity: true)
  }
}

/// Writes all of `bytes`, retrying short writes and EINTR; throws the errno otherwise.
func writeFully(_ bytes: [UInt8], to descriptor: Int32) throws {
  var offset = 0
  while offset < bytes.count {
    let written = bytes[offset...].withUnsafeBytes {
      systemWrite(descriptor, $0.baseAddress, $0.count)
    }
    if written < 0 && errno == EINTR { continue }
    guard written > 0 else { throw SystemError(code: written < 0 ? errno : EIO) }
    offset += written
  }
}

/// An errno, said in words by `OutputFolder`.
struct SystemError: Error {
  var code: Int32
}
