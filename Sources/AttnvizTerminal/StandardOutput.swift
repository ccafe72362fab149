import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// Standard output as `generate` streams an answer into it: whether it is a terminal (then the
/// text is printed token by token), and unbuffered writes.
public enum StandardOutput {
  public static var isTerminal: Bool { isatty(STDOUT_FILENO) == 1 }

  public static func write(_ text: String) {
    guard !text.isEmpty else { return }
    FileHandle.standardOutput.write(Data(text.utf8))
  }
}
