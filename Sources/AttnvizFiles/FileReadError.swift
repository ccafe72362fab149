#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// Why a file could not be read, said the way a user can act on: the path, what the file was
/// for, and the problem in words (not "not readable" for everything).
public struct FileReadError: Error, Equatable, Sendable, CustomStringConvertible {
  public enum Problem: Equatable, Sendable {
    case tooLarge(limit: Int)
    case wrongKind(FileKind, BoundedFile.Source)
    /// An errno from stat, open or read.
    case system(Int32)
    /// Anything else, said as a phrase that reads after the path ("cannot be memory-mapped …").
    case failed(String)
  }

  public var path: String
  /// "the weights file", "config.json", "the font" …
  public var what: String
  public var problem: Problem

  public init(path: String, what: String, problem: Problem) {
    self.path = path
    self.what = what
    self.problem = problem
  }

  /// The problem alone, e.g. "is a named pipe (FIFO), not a regular file".
  public var reason: String {
    switch problem {
    case .tooLarge(let limit):
      return "is larger than \(byteCount(limit)), the limit for \(what)"
    case .wrongKind(let kind, let source):
      let wanted = source == .fileOrPipe ? "a regular file or a pipe" : "a regular file"
      return "is \(kind.phrase), not \(wanted)"
    case .failed(let reason):
      return reason
    case .system(let code):
      switch code {
      case ENOENT: return path.isEmpty ? "is an empty path" : "does not exist; check the path"
      case EACCES, EPERM: return "cannot be read: permission denied"
      case ENOTDIR: return "does not exist: a part of the path is a file, not a folder"
      case ENAMETOOLONG: return "cannot be read: the name is too long"
      case ELOOP: return "cannot be read: too many symbolic links"
      case EISDIR: return "is a folder, not a file"
      default: return "cannot be read: \(String(cString: strerror(code)))"
      }
    }
  }

  public var description: String { "\(what) \(path) \(reason)" }
}

extension FileKind {
  var phrase: String {
    switch self {
    case .regular: "a regular file"
    case .folder: "a folder"
    case .pipe: "a named pipe (FIFO)"
    case .device: "a device"
    case .socket: "a socket"
    case .other: "a special file"
    }
  }
}

/// "1 MiB", "32 MiB", "512 KiB", "100 bytes".
public func byteCount(_ bytes: Int) -> String {
  if bytes >= 1 << 30 && bytes % (1 << 30) == 0 { return "\(bytes >> 30) GiB" }
  if bytes >= 1 << 20 && bytes % (1 << 20) == 0 { return "\(bytes >> 20) MiB" }
  if bytes >= 1 << 10 && bytes % (1 << 10) == 0 { return "\(bytes >> 10) KiB" }
  return "\(bytes) bytes"
}
