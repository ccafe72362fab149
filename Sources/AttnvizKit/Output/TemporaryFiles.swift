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
  /// Folders created for `--out`, removed on a signal when still empty, innermost first.
  private var emptyFolders: [String] = []

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

  /// Runs the renames under the lock. A signal that arrived meanwhile is waiting for the lock;
  /// this thread then waits for it to end the process, so the exit status says the run was
  /// interrupted (130, 143) even though the set is complete, instead of racing it to exit 0.
  func duringRenames<T>(_ body: () throws -> T) rethrows -> T {
    lock.lock()
    let result: T
    do {
      result = try body()
    } catch {
      lock.unlock()
      parkIfInterrupted()
      throw error
    }
    lock.unlock()
    parkIfInterrupted()
    return result
  }

  private let interruptLock = NSLock()
  private var interrupted = false

  /// Called by the signal handler first, before it waits for the renames.
  public func noteInterrupt() {
    interruptLock.lock()
    interrupted = true
    interruptLock.unlock()
  }

  private func parkIfInterrupted() {
    interruptLock.lock()
    let wait = interrupted
    interruptLock.unlock()
    // The handler holds the lock from here on and exits the process.
    while wait { sleep(1) }
  }

  /// A temporary folder of the caller's, removed with everything in it on a signal.
  public func registerFolder(_ path: String) {
    lock.lock()
    folders.insert(path)
    lock.unlock()
  }

  /// A folder the run created, removed (only when empty) if the run is interrupted.
  func registerEmptyFolder(_ path: String) {
    lock.lock()
    emptyFolders.append(path)
    lock.unlock()
  }

  /// Forgets the folders `createIfMissing` made; with `removing`, removes those still empty
  /// (innermost first), as a failed run leaves no empty `--out` behind.
  public func keepFolders(_ created: [String], removing: Bool) {
    lock.lock()
    defer { lock.unlock() }
    emptyFolders.removeAll { created.contains($0) }
    if removing { for folder in created.reversed() { rmdir(folder) } }
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
    for folder in emptyFolders.reversed() { rmdir(folder) }
    emptyFolders.removeAll()
  }
}
