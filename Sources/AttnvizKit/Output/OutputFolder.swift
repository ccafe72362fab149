import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

// The C library's rename(2), named apart from anything called `rename` below.
#if canImport(Glibc)
  private let systemRename = Glibc.rename
#elseif canImport(Darwin)
  private let systemRename = Darwin.rename
#endif

/// Writes a run's files into `--out` as one set. The guarantee, exactly:
///
/// 1. Every file is first written to a hidden temporary name in the same folder
///    (`.NAME.RANDOM.tmp`, created with `O_EXCL`: a random suffix never meets a leftover, and
///    nothing already at the name is followed or overwritten).
/// 2. Only when all are written are they renamed into place. Before that, each file being
///    replaced gets a hard-link backup; if any rename fails (a folder with an output's name,
///    a sticky folder holding another user's file), the renames done are undone from the
///    backups, so the folder holds the old set again, and the error says so.
/// 3. On any error, and on SIGINT/SIGTERM (see `TemporaryFiles`), the temporaries are removed.
///    A signal arriving during the renames waits for them to finish.
///
/// 4. Folders the run created for `--out` (it and its missing parents) are removed again when
///    the run fails or is interrupted before the renames, if they are still empty.
///
/// Only a crash between two renames (SIGKILL, power loss) can leave a mix of old and new files,
/// plus hidden temporaries. No other file in the folder is touched.
public struct OutputFolder: Sendable {
  public let path: String

  public init(path: String) {
    self.path = path
  }

  /// Microseconds to wait before each rename but the first: only the end-to-end test that sends
  /// SIGTERM between two renames sets it (`ATTNVIZ_TEST_RENAME_PAUSE`, read by debug builds and
  /// `make test`'s release build only).
  nonisolated(unsafe) public static var pauseBetweenRenames: UInt32 = 0

  /// Writes `files` and returns their paths, in the order given, with each file's size.
  @discardableResult
  public func write(_ files: [OutputFile]) throws -> [String] {
    try writeWithSizes(files).map(\.path)
  }

  public func writeWithSizes(_ files: [OutputFile]) throws -> [(path: String, size: Int)] {
    let created = try createIfMissing()
    var staged: [(temporary: String, final: String, size: Int)] = []
    var succeeded = false
    defer {
      for entry in staged { TemporaryFiles.shared.discard(entry.temporary) }
      TemporaryFiles.shared.keepFolders(created, removing: !succeeded)
    }
    for file in files {
      let final = (path as NSString).appendingPathComponent(file.name)
      let (temporary, size) = try writeTemporary(file)
      staged.append((temporary, final, size))
    }
    try TemporaryFiles.shared.duringRenames {
      try renameAllOrNothing(staged.map { ($0.temporary, $0.final) })
      succeeded = true
    }
    return staged.map { ($0.final, $0.size) }
  }

  /// Writes one file under a fresh hidden name; returns the name and the bytes written.
  func writeTemporary(_ file: OutputFile) throws -> (String, Int) {
    let (temporary, descriptor) = try createTemporary(for: file.name, suffix: "tmp")
    defer { close(descriptor) }
    do {
      switch file.body {
      case .bytes(let bytes):
        try writeFully(bytes, to: descriptor)
        return (temporary, bytes.count)
      case .stream(let produce):
        var sink = ByteSink(descriptor: descriptor)
        try produce(&sink)
        try sink.flush()
        return (temporary, sink.count)
      }
    } catch let error as SystemError {
      TemporaryFiles.shared.discard(temporary)
      throw AttnvizError.failure("cannot write into \(path): \(describe(error.code))")
    } catch {
      TemporaryFiles.shared.discard(temporary)
      throw error
    }
  }

  /// `.NAME.RANDOM.SUFFIX`, created with O_EXCL and registered for removal on a signal.
  func createTemporary(for name: String, suffix: String) throws -> (String, Int32) {
    var generator = SystemRandomNumberGenerator()
    for _ in 0..<16 {
      let random = String(generator.next() as UInt64, radix: 36)
      let temporary = (path as NSString).appendingPathComponent(".\(name).\(random).\(suffix)")
      TemporaryFiles.shared.register(temporary)
      let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
      if descriptor >= 0 { return (temporary, descriptor) }
      let code = errno
      TemporaryFiles.shared.forget(temporary)
      if code == EEXIST { continue }
      throw AttnvizError.failure(
        "cannot write into \(path): \(describe(code)); choose a writable --out")
    }
    throw AttnvizError.failure(
      "cannot write into \(path): no free temporary name; clean the folder")
  }

  /// Renames each temporary over its final name; on a failure, puts the replaced files back.
  /// `move` is `rename(2)`; tests pass one that fails on a chosen file.
  func renameAllOrNothing(
    _ pairs: [(temporary: String, final: String)],
    move: (String, String) -> Int32 = { systemRename($0, $1) }
  ) throws {
    for (_, final) in pairs {
      var status = stat()
      if lstat(final, &status) == 0, (status.st_mode & S_IFMT) == S_IFDIR {
        throw AttnvizError.failure(
          "cannot write \(final): a folder has that name; move it away or choose another --out "
            + "(no file was changed)")
      }
    }
    var backups: [String?] = []
    defer { for case let backup? in backups { TemporaryFiles.shared.discard(backup) } }
    for (_, final) in pairs { backups.append(try backup(of: final)) }
    for (index, pair) in pairs.enumerated() {
      if index > 0, Self.pauseBetweenRenames > 0 { usleep(Self.pauseBetweenRenames) }
      guard move(pair.temporary, pair.final) != 0 else { continue }
      let reason = describe(errno)
      for done in (0..<index).reversed() {
        if let backup = backups[done] {
          rename(backup, pairs[done].final)
          TemporaryFiles.shared.forget(backup)
          backups[done] = nil
        } else {
          unlink(pairs[done].final)
        }
      }
      throw AttnvizError.failure(
        "cannot write \(pair.final): \(reason); no file in \(path) was changed")
    }
  }

  /// A hard link to `final` under a hidden name, or nil when there is nothing to keep.
  func backup(of final: String) throws -> String? {
    var status = stat()
    guard lstat(final, &status) == 0 else { return nil }
    let name = (final as NSString).lastPathComponent
    var generator = SystemRandomNumberGenerator()
    for _ in 0..<16 {
      let backup = (path as NSString).appendingPathComponent(
        ".\(name).\(String(generator.next() as UInt64, radix: 36)).old")
      TemporaryFiles.shared.register(backup)
      if link(final, backup) == 0 { return backup }
      let code = errno
      TemporaryFiles.shared.forget(backup)
      if code == EEXIST { continue }
      throw AttnvizError.failure(
        "cannot replace \(final): \(describe(code)); remove it or choose another --out "
          + "(no file was changed)")
    }
    return nil
  }

  /// Creates `--out` and its missing parents, one at a time, so a failure can say which part
  /// failed and why, and remove the folders it created. Returns the folders created, outermost
  /// first, each registered to be removed (when still empty) if the process is interrupted;
  /// the caller keeps or removes them with `TemporaryFiles.keepFolders`.
  @discardableResult
  public func createIfMissing() throws -> [String] {
    let problem = { (reason: String) in
      AttnvizError.failure("cannot create the output folder \(self.path): \(reason)")
    }
    guard !path.isEmpty else { throw AttnvizError.usage("--out is empty; name a folder") }
    if path.utf8.count >= Int(PATH_MAX) {
      throw problem("the name is too long (\(path.utf8.count) bytes; the limit is \(PATH_MAX - 1))")
    }
    if let long = path.split(separator: "/").first(where: { $0.utf8.count > Int(NAME_MAX) }) {
      throw problem(
        "the name is too long (a part of it is \(long.utf8.count) bytes; the limit is \(NAME_MAX))")
    }
    var status = stat()
    if stat(path, &status) == 0 {
      guard (status.st_mode & S_IFMT) == S_IFDIR else {
        throw AttnvizError.failure("--out \(path) is a file, not a folder; name a folder")
      }
      return []
    }
    var created: [String] = []
    var prefix = path.hasPrefix("/") ? "/" : ""
    for part in path.split(separator: "/") {
      prefix += (prefix.isEmpty || prefix.hasSuffix("/") ? "" : "/") + part
      if stat(prefix, &status) == 0 {
        guard (status.st_mode & S_IFMT) == S_IFDIR else {
          for folder in created.reversed() { rmdir(folder) }
          throw problem("\(prefix) is a file, not a folder; choose another --out")
        }
        continue
      }
      guard mkdir(prefix, 0o777) == 0 || errno == EEXIST else {
        let reason = describe(errno)
        for folder in created.reversed() { rmdir(folder) }
        throw problem("\(reason) (at \(prefix)); choose another --out")
      }
      created.append(prefix)
      TemporaryFiles.shared.registerEmptyFolder(prefix)
    }
    return created
  }
}

/// An errno in words, for messages about `--out`.
func describe(_ code: Int32) -> String {
  switch code {
  case EACCES, EPERM: "permission denied"
  case ENOSPC: "no space left on the device"
  case EDQUOT: "the disk quota is exceeded"
  case EROFS: "the file system is read-only"
  case ENAMETOOLONG: "the name is too long"
  case ENOTDIR: "a part of the path is a file, not a folder"
  case ENOENT: "a part of the path does not exist"
  case EISDIR: "a folder has that name"
  case ELOOP: "too many symbolic links"
  default: String(cString: strerror(code))
  }
}
