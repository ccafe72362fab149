import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The temporaries and backups a run has created and not yet renamed or removed, so that an
/// interrupt (SIGINT, SIGTERM) can remove them before the process exits. The executable calls
/// `removeAllBeforeExit()` from its signal handler thread; the library never exits.
///
/// The renames of `OutputFolder` run while holding the same lock, so a signal during them waits
/// until the set is complete (or rolled back) before anything is removed.
public final class TemporaryFiles: @unchecked Sendable {
  // @unchecked: `paths` is only touched under `lock`.
  public static let shared = TemporaryFiles()

  private let lock = NSRecursiveLock()
  private var paths: Set<String> = []
  /// Whole folders to remove (the deck's staging folder).
  private var folders: Set<String> = []

  func register(_ path: String) {
    lock.lock()
    paths.insert(path)
    lock.unlock()
  }

  func forget(_ path: String) {
    lock.lock()
    paths.remove(path)
    lock.unlock()
  }

  /// Removes the file and forgets it.
  func discard(_ path: String) {
    lock.lock()
    if paths.remove(path) != nil { unlink(path) }
    lock.unlock()
  }

  func duringRenames<T>(_ body: () throws -> T) rethrows -> T {
    lock.lock()
    defer { lock.unlock() }
    return try body()
  }

  /// A temporary folder of the caller's, removed with everything in it on a signal.
  public func registerFolder(_ path: String) {
    lock.lock()
    folders.insert(path)
    lock.unlock()
  }

  public func forgetFolder(_ path: String) {
    lock.lock()
    folders.remove(path)
    lock.unlock()
  }

  /// Every path still registered, for tests.
  public var pending: [String] {
    lock.lock()
    defer { lock.unlock() }
    return paths.sorted()
  }

  /// Removes every registered file and keeps the lock, so no rename starts afterwards: call it
  /// only right before exiting.
  public func removeAllBeforeExit() {
    lock.lock()
    for path in paths { unlink(path) }
    paths.removeAll()
    for folder in folders { try? FileManager.default.removeItem(atPath: folder) }
    folders.removeAll()
  }
}
