#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// A whole file mapped read-only, the one way attnviz maps a file (safetensors, GGUF): the path
/// is checked with `stat` before it is opened (a FIFO or device would block the open), opened
/// close-on-exec and non-blocking, checked again with `fstat` after (in case it changed in
/// between), and unmapped when the last reference goes. A buffer handed in (tests, fuzzing) is
/// copied into memory the object owns. An empty file gives empty `bytes`, for the format to
/// name ("a GGUF file starts with …").
public final class MappedFile: @unchecked Sendable {
  // @unchecked: the bytes are never written after `init`.
  public let bytes: UnsafeRawBufferPointer
  private let mapped: Bool

  /// Maps `path`; `what` names the file in errors ("model file", "GGUF file"). Throws
  /// `FileReadError`.
  public init(path: String, what: String) throws {
    func fail(_ reason: String) -> FileReadError {
      FileReadError(path: path, what: what, problem: .failed(reason))
    }
    try BoundedFile.checkRegularFile(path, what: what)
    let descriptor = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
    guard descriptor >= 0 else {
      throw fail("cannot be opened (\(String(cString: strerror(errno)))); check the path")
    }
    defer { close(descriptor) }
    var status = stat()
    guard fstat(descriptor, &status) == 0 else {
      throw fail("cannot be examined (\(String(cString: strerror(errno))))")
    }
    guard (status.st_mode & S_IFMT) == S_IFREG else { throw fail("is not a regular file") }
    let size = Int(status.st_size)
    mapped = size > 0
    guard size > 0 else {
      bytes = UnsafeRawBufferPointer(start: nil, count: 0)
      return
    }
    let address = mmap(nil, size, PROT_READ, MAP_PRIVATE, descriptor, 0)
    guard let address, address != MAP_FAILED else {
      throw fail("cannot be memory-mapped (\(String(cString: strerror(errno))))")
    }
    bytes = UnsafeRawBufferPointer(start: address, count: size)
  }

  /// Copies `data` into memory owned by the object, 64-byte aligned.
  public init(copying data: [UInt8]) {
    let buffer = UnsafeMutableRawBufferPointer.allocate(
      byteCount: max(data.count, 1), alignment: 64)
    data.withUnsafeBytes { source in
      if let base = source.baseAddress, let target = buffer.baseAddress {
        target.copyMemory(from: base, byteCount: source.count)
      }
    }
    bytes = UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(buffer)[0..<data.count])
    mapped = false
  }

  deinit {
    guard let address = bytes.baseAddress else { return }
    if mapped {
      munmap(UnsafeMutableRawPointer(mutating: address), bytes.count)
    } else {
      UnsafeMutableRawPointer(mutating: address).deallocate()
    }
  }
}
