#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

// The C library's read(2), named apart from the `read` methods below.
#if canImport(Glibc)
  private let systemRead = Glibc.read
#elseif canImport(Musl)
  private let systemRead = Musl.read
#elseif canImport(Darwin)
  private let systemRead = Darwin.read
#endif

/// Reading a file attnviz was pointed at (text, weights, config, vocabulary, font, model), with
/// its type checked by `stat` before anything opens it and its size bounded:
///
/// - a regular file larger than `limit` is refused from its size, before one byte is read;
/// - a pipe (`<(…)`, `/dev/stdin` fed by a pipe, a named FIFO) is read only when the caller
///   allows it, and never more than `limit + 1` bytes: the extra byte tells "too long" apart;
/// - a folder, a device (`/dev/zero`, a terminal) or a socket is refused with its name.
///
/// The file is opened with `O_NONBLOCK`, so a FIFO nobody writes to cannot hang the open (a
/// blocking open waits for a writer forever); the flag is cleared before reading, so a slow
/// writer is waited for as `cat` would. The type is checked again on the open descriptor, in
/// case the path was swapped between `stat` and `open`.
public enum BoundedFile {
  /// What may be read besides a regular file.
  public enum Source: Sendable {
    /// Only a regular file: what is memory-mapped or must be re-read (models, fonts, configs).
    case regularFile
    /// A regular file or a pipe (`--file`, `--weights`): reading a pipe is a Unix habit.
    case fileOrPipe
  }

  /// The file's bytes, at most `limit` of them. `what` names the file in messages
  /// ("the weights file", "config.json").
  public static func read(
    _ path: String, what: String, limit: Int, source: Source = .regularFile
  ) throws -> [UInt8] {
    let kind = try kindOf(path, what: what)
    try check(kind, path: path, what: what, source: source)
    if case .regular(let size) = kind, size > limit {
      throw FileReadError(path: path, what: what, problem: .tooLarge(limit: limit))
    }
    let bytes = try withDescriptor(path, what: what, source: source) { descriptor in
      try readUpTo(min(limit, Int.max - 1) + 1, from: descriptor, path: path, what: what)
    }
    guard bytes.count <= limit else {
      throw FileReadError(path: path, what: what, problem: .tooLarge(limit: limit))
    }
    return bytes
  }

  /// The first `count` bytes of a regular file (all of it when it is shorter), with the same
  /// checks as `read`: for telling a file's format from its magic (GGUF) without reading it.
  public static func readStart(_ path: String, what: String, count: Int) throws -> [UInt8] {
    try check(try kindOf(path, what: what), path: path, what: what, source: .regularFile)
    return try withDescriptor(path, what: what, source: .regularFile) { descriptor in
      try readUpTo(count, from: descriptor, path: path, what: what)
    }
  }

  /// Opens `path` without blocking (a FIFO without a writer), checks the type again on the
  /// descriptor, restores blocking reads and hands the descriptor to `body`.
  static func withDescriptor<T>(
    _ path: String, what: String, source: Source, _ body: (Int32) throws -> T
  ) throws -> T {
    let descriptor = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
    guard descriptor >= 0 else {
      throw FileReadError(path: path, what: what, problem: .system(errno))
    }
    defer { close(descriptor) }
    var status = stat()
    guard fstat(descriptor, &status) == 0 else {
      throw FileReadError(path: path, what: what, problem: .system(errno))
    }
    try check(FileKind(status), path: path, what: what, source: source)
    let flags = fcntl(descriptor, F_GETFL)
    if flags >= 0 { _ = fcntl(descriptor, F_SETFL, flags & ~O_NONBLOCK) }
    return try body(descriptor)
  }

  /// Checks that `path` is a regular file of at most `limit` bytes without reading it, for files
  /// that a library opens itself (FreeType) or that are memory-mapped. Returns its size.
  @discardableResult
  public static func checkRegularFile(
    _ path: String, what: String, limit: Int = Int.max
  ) throws -> Int {
    let kind = try kindOf(path, what: what)
    try check(kind, path: path, what: what, source: .regularFile)
    guard case .regular(let size) = kind else { return 0 }
    guard size <= limit else {
      throw FileReadError(path: path, what: what, problem: .tooLarge(limit: limit))
    }
    return size
  }

  /// The last component of `path` ("tokenizer.json"), for `what` in messages about files a
  /// model folder holds: "… is larger than 64 MiB, the limit for tokenizer.json".
  public static func name(_ path: String) -> String {
    path.split(separator: "/").last.map(String.init) ?? path
  }

  /// What is at `path` (following links), or why it cannot be examined.
  public static func kindOf(_ path: String, what: String) throws -> FileKind {
    guard !path.isEmpty else {
      throw FileReadError(path: path, what: what, problem: .system(ENOENT))
    }
    var status = stat()
    guard stat(path, &status) == 0 else {
      throw FileReadError(path: path, what: what, problem: .system(errno))
    }
    return FileKind(status)
  }

  static func check(
    _ kind: FileKind, path: String, what: String, source: Source
  ) throws {
    switch (kind, source) {
    case (.regular, _), (.pipe, .fileOrPipe): return
    default: throw FileReadError(path: path, what: what, problem: .wrongKind(kind, source))
    }
  }

  /// Reads until end of file or `count` bytes, retrying reads a signal interrupted.
  static func readUpTo(
    _ count: Int, from descriptor: Int32, path: String, what: String
  ) throws -> [UInt8] {
    var bytes: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: min(1 << 16, max(count, 1)))
    while bytes.count < count {
      let wanted = min(buffer.count, count - bytes.count)
      let got = buffer.withUnsafeMutableBytes { systemRead(descriptor, $0.baseAddress, wanted) }
      if got == 0 { break }
      if got < 0 {
        if errno == EINTR { continue }
        throw FileReadError(path: path, what: what, problem: .system(errno))
      }
      bytes.append(contentsOf: buffer[0..<got])
    }
    return bytes
  }
}

/// The type of a file, as `stat` reports it.
public enum FileKind: Equatable, Sendable {
  case regular(size: Int)
  case folder
  case pipe
  case device
  case socket
  case other

  init(_ status: stat) {
    switch status.st_mode & S_IFMT {
    case S_IFREG: self = .regular(size: Int(status.st_size))
    case S_IFDIR: self = .folder
    case S_IFIFO: self = .pipe
    case S_IFCHR, S_IFBLK: self = .device
    case S_IFSOCK: self = .socket
    default: self = .other
    }
  }
}

/// The most attnviz reads of each kind of file. Each is far above any real file of the kind and
/// small enough that reading and parsing it stays within the memory budget.
public enum FileLimits {
  /// A hand-written weights file (`--weights`): d_model 512 with a large vocabulary is ~20 MB.
  /// JSON parsing takes ~18 bytes of memory per byte of file.
  public static let weightsFile = 32 << 20
  /// `config.json`, `tokenizer_config.json`, `model.safetensors.index.json` (a shard index: a
  /// few hundred KB for the largest models), an Ollama manifest, the hub cache's `refs/main`: a
  /// few KB in practice.
  public static let configFile = 16 << 20
  /// `vocab.txt`, `vocab.json`, `merges.txt`, `tokenizer.json`: GPT-2's are 1 MB, the largest
  /// common tokenizer.json files ~35 MB.
  public static let vocabularyFile = 64 << 20
  /// `--font`: CJK collections reach ~100 MB.
  public static let fontFile = 512 << 20
  /// A deck file (`attnviz deck`): TOML listing a lecture's figures, a few KB; the same limit as
  /// the text of `--file`.
  public static let deckFile = 1 << 20
  /// A figure read by `attnviz info`, or read back by `attnviz deck` from the entry that made
  /// it (figures, tables, pages): attnviz's PNGs are a few MB, its largest SVGs (the model view
  /// of a long text) tens of MB.
  public static let figureFile = 256 << 20
  /// A safetensors file's JSON header: the format's own limit (`MAX_HEADER_SIZE` in
  /// safetensors).
  public static let safeTensorsHeader = 100_000_000
  /// The most of a GGUF file's start parsed as its header (metadata and tensor table). Real
  /// headers are under 20 MB (a 262 144-token vocabulary with its scores, types and merges).
  /// Parsed, a header takes at most 8 times its size (a UINT8 array becomes UInt64s), so a
  /// hostile file cannot make the reader allocate more than about 512 MiB, however large it is.
  public static let ggufHeader = 64 << 20
  /// The most tensors one checkpoint file (a safetensors file or shard, a GGUF file) may list.
  /// Real files list a few hundred to a few thousand (Gemma 3 270M: 236; a shard of a large
  /// mixture of experts, which lists each expert's matrices apart, tens of thousands); a header
  /// of 1.2 million tiny tensors took a minute and 0.9 GB to read and check.
  public static let tensors = 1 << 18
}
