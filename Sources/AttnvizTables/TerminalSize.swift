#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The column count of the terminal on `fileDescriptor` (TIOCGWINSZ), or nil when it is not a
/// terminal or reports no size (some CI pseudo-terminals answer 0).
public func queryTerminalColumns(fileDescriptor: Int32 = STDOUT_FILENO) -> Int? {
  var size = winsize()
  guard ioctl(fileDescriptor, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 else { return nil }
  return Int(size.ws_col)
}
