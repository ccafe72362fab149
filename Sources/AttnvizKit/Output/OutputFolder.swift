import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// A file the run wants to write: a fixed name (never derived from the input text) and its bytes,
/// or a function that produces them piece by piece while the file is written (`stream`), for
/// documents too large to hold in memory (the attention JSON of a long text).
public struct OutputFile: Equatable, Sendable {
  public typealias Stream = @Sendable (_ emit: (String) throws -> Void) throws -> Void
  public var name: String
  public var contents: [UInt8]
  public var stream: Stream?

  public init(name: String, contents: [UInt8]) {
    precondition(!name.contains("/") && !name.hasPrefix("."), "output names are plain file names")
    self.name = name
    self.contents = contents
  }

  public init(name: String, text: String) {
    self.init(name: name, contents: Array(text.utf8))
  }

  public init(name: String, stream: @escaping Stream) {
    self.init(name: name, contents: [])
    self.stream = stream
  }

  /// The bytes, produced in full (tests and small files).
  public func bytes() throws -> [UInt8] {
    guard let stream else { return contents }
    var out: [UInt8] = []
    try stream { out += Array($0.utf8) }
    return out
  }

  public static func == (a: OutputFile, b: OutputFile) -> Bool {
    a.name == b.name && (try? a.bytes()) == (try? b.bytes())
  }
}

/// Writes a run's files into `--out` all or nothing: every file first goes to a hidden temporary
/// name in the same folder, and only when all of them are written are they renamed into place
/// (rename is atomic within a folder). On any failure the temporaries are removed, so an error
/// never leaves a half-written or partial set of figures. No other file in the folder is touched.
public struct OutputFolder: Sendable {
  public let path: String

  public init(path: String) {
    self.path = path
  }

  /// Writes `files` and returns their paths, in the order given.
  @discardableResult
  public func write(_ files: [OutputFile]) throws -> [String] {
    try createIfMissing()
    let token = "\(ProcessInfo.processInfo.processIdentifier)"
    var staged: [(temporary: String, final: String)] = []
    do {
      for file in files {
        let final = (path as NSString).appendingPathComponent(file.name)
        let temporary = (path as NSString).appendingPathComponent(".\(file.name).\(token).tmp")
        if let stream = file.stream {
          try writeStreamed(stream, to: temporary)
        } else {
          try writeExclusively(file.contents, to: temporary)
        }
        staged.append((temporary, final))
      }
      for (index, entry) in staged.enumerated() {
        guard rename(entry.temporary, entry.final) == 0 else {
          let reason = String(cString: strerror(errno))
          for leftover in staged[index...] { unlink(leftover.temporary) }
          throw AttnvizError.failure("cannot write \(entry.final): \(reason)")
        }
      }
    } catch {
      for entry in staged { unlink(entry.temporary) }
      throw error
    }
    return staged.map(\.final)
  }

  func createIfMissing() throws {
    var isDirectory: ObjCBool = false
    if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) {
      guard isDirectory.boolValue else {
        throw AttnvizError.failure("--out \(path) is a file, not a folder; name a folder")
      }
      return
    }
    do {
      try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    } catch {
      throw AttnvizError.failure(
        "cannot create the output folder \(path); check that its parent exists and is writable, or choose another --out"
      )
    }
  }

  /// O_EXCL: never follow or overwrite something already at the temporary name.
  func writeExclusively(_ bytes: [UInt8], to file: String) throws {
    let fd = try openExclusively(file)
    defer { close(fd) }
    try writeAll(bytes, fd: fd, file: file)
  }

  /// Writes what `stream` emits in chunks of about 1 MiB, so memory stays bounded however large
  /// the file grows. A failure removes the partial file.
  func writeStreamed(_ stream: OutputFile.Stream, to file: String) throws {
    let fd = try openExclusively(file)
    defer { close(fd) }
    var buffer: [UInt8] = []
    buffer.reserveCapacity(1 << 20)
    do {
      try stream { piece in
        buffer += piece.utf8
        if buffer.count >= 1 << 20 {
          try writeAll(buffer, fd: fd, file: file)
          buffer.removeAll(keepingCapacity: true)
        }
      }
      try writeAll(buffer, fd: fd, file: file)
    } catch {
      unlink(file)
      throw error
    }
  }

  func openExclusively(_ file: String) throws -> Int32 {
    let fd = open(file, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
    guard fd >= 0 else {
      throw AttnvizError.failure(
        "cannot write into \(path): \(String(cString: strerror(errno))); choose a writable --out")
    }
    return fd
  }

  func writeAll(_ bytes: [UInt8], fd: Int32, file: String) throws {
    var offset = 0
    while offset < bytes.count {
      let written = bytes[offset...].withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
      guard written > 0 else {
        let reason = String(cString: strerror(errno))
        unlink(file)
        throw AttnvizError.failure("cannot write into \(path): \(reason)")
      }
      offset += written
    }
  }
}
