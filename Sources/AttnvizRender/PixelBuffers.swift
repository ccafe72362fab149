import Foundation

/// Pixel memory reused from one figure to the next. A 1240 × 1200 figure at scale 2 needs 6 MB;
/// allocated fresh for each figure, its pages are faulted in and zeroed by the kernel every time,
/// which cost more than drawing the figure did. Figures are drawn on all cores, so the pool
/// hands out one buffer per concurrent figure and keeps a few for the next ones.
final class PixelBuffers: @unchecked Sendable {
  static let shared = PixelBuffers()
  /// Larger buffers (a 500-token figure) are freed after use rather than kept for the process.
  static let largestKept = 64 << 20
  static let mostKept = 4

  private let lock = NSLock()
  private var idle: [UnsafeMutableBufferPointer<UInt8>] = []

  /// Runs `body` with at least `byteCount` bytes of uninitialised memory, returned to the pool
  /// afterwards; the memory is only valid inside `body`.
  func withBuffer<T>(
    byteCount: Int, _ body: (UnsafeMutablePointer<UInt8>) throws -> T
  ) throws -> T {
    let buffer = take(max(byteCount, 1))
    defer { give(buffer) }
    guard let base = buffer.baseAddress else { throw PNGError(message: "no pixel memory") }
    return try body(base)
  }

  private func take(_ byteCount: Int) -> UnsafeMutableBufferPointer<UInt8> {
    lock.lock()
    defer { lock.unlock() }
    if let index = idle.firstIndex(where: { $0.count >= byteCount }) {
      return idle.remove(at: index)
    }
    // Too small for this figure: drop one so the pool does not grow with every size.
    if !idle.isEmpty { Self.release(idle.removeFirst()) }
    return Self.allocate(byteCount)
  }

  private func give(_ buffer: UnsafeMutableBufferPointer<UInt8>) {
    lock.lock()
    defer { lock.unlock() }
    if buffer.count > Self.largestKept || idle.count >= Self.mostKept {
      Self.release(buffer)
    } else {
      idle.append(buffer)
    }
  }

  /// Buffers of 2 MiB and more start on a 2 MiB boundary and ask for transparent huge pages
  /// (where the kernel grants them on request): a fresh figure's tens of megabytes are then
  /// faulted in 2 MiB at a time instead of 4 KiB, which took a tenth of the default job's time.
  private static let hugePage = 2 << 20

  private static func allocate(_ byteCount: Int) -> UnsafeMutableBufferPointer<UInt8> {
    var memory: UnsafeMutableRawPointer?
    let alignment = byteCount >= hugePage ? hugePage : 64
    guard posix_memalign(&memory, alignment, byteCount) == 0, let memory else {
      return UnsafeMutableBufferPointer(start: nil, count: 0)
    }
    #if os(Linux)
      if alignment == hugePage { _ = madvise(memory, byteCount, MADV_HUGEPAGE) }
    #endif
    return UnsafeMutableBufferPointer(
      start: memory.bindMemory(to: UInt8.self, capacity: byteCount), count: byteCount)
  }

  private static func release(_ buffer: UnsafeMutableBufferPointer<UInt8>) {
    free(buffer.baseAddress)
  }
}
