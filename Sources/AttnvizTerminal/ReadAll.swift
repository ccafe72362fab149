import AttnvizKit
import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Reads a file descriptor to its end with plain `read(2)`, retrying when a signal interrupts
/// it (EINTR). Foundation's `readDataToEndOfFile()` traps on EINTR (a `try!` inside), which a
/// terminal resize (SIGWINCH) while reading standard input could trigger.
public func readAll(fileDescriptor: Int32, limit: Int = Int.max) throws -> Data {
  var data = Data()
  var buffer = [UInt8](repeating: 0, count: 1 << 16)
  while data.count <= limit {
    let count = buffer.withUnsafeMutableBytes { read(fileDescriptor, $0.baseAddress, $0.count) }
    if count == 0 { break }
    if count < 0 {
      if errno == EINTR { continue }
      throw AttnvizError.failure("cannot read standard input: \(String(cString: strerror(errno)))")
    }
    data.append(contentsOf: buffer[0..<count])
  }
  return data
}
