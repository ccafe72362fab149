import AttnvizFiles

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// The bytes of a GGUF file: a read-only memory mapping of a file on disk, or a buffer handed in
/// (tests, fuzzing). Freed or unmapped when the last reference goes.
final class GGUFStorage: @unchecked Sendable {
  // @unchecked: the bytes are never written after `init`.
  let bytes: UnsafeRawBufferPointer
  private let mapped: Bool

  /// Copies `data` into memory owned by the storage.
  init(copying data: [UInt8]) {
    let buffer = UnsafeMutableRawBufferPointer.allocate(
      byteCount: max(data.count, 1),
      alignment: 64)
    data.withUnsafeBytes { source in
      if let base = source.baseAddress, let target = buffer.baseAddress {
        target.copyMemory(from: base, byteCount: source.count)
      }
    }
    bytes = UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(buffer)[0..<data.count])
    mapped = false
  }

  /// Maps the file at `path`. The path is checked with `stat` before it is opened
  /// (`BoundedFile.checkRegularFile`), so a FIFO or device never blocks the open and is named,
  /// and again with `fstat` after, in case it changed in between. There is no size limit: the
  /// file is mapped, not read; only its header is parsed whole (`GGUFHeader.maximumHeaderBytes`)
  /// and only the tensors a run needs are converted.
  init(path: String) throws {
    func fail(_ reason: String) -> GGUFError { GGUFError(file: path, reason: reason) }
    do {
      try BoundedFile.checkRegularFile(path, what: "GGUF file")
    } catch let error as FileReadError {
      throw fail(error.reason)
    }
    var status = stat()
    let descriptor = open(path, O_RDONLY | O_NONBLOCK)
    guard descriptor >= 0 else {
      throw fail("cannot be opened (\(String(cString: strerror(errno)))); check the path")
    }
    defer { close(descriptor) }
    guard fstat(descriptor, &status) == 0, (status.st_mode & S_IFMT) == S_IFREG else {
      throw fail("is not a regular file")
    }
    let size = Int(status.st_size)
    guard size > 0 else { throw fail("is empty; a GGUF file starts with \"GGUF\"") }
    let address = mmap(nil, size, PROT_READ, MAP_PRIVATE, descriptor, 0)
    guard let address, address != MAP_FAILED else {
      throw fail("cannot be memory-mapped (\(String(cString: strerror(errno))))")
    }
    bytes = UnsafeRawBufferPointer(start: address, count: size)
    mapped = true
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
