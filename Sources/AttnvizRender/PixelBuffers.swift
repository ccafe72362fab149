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
    if !idle.isEmpty { idle.removeFirst().deallocate() }
    return UnsafeMutableBufferPointer<UInt8>.allocate(capacity: byteCount)
  }

  private func give(_ buffer: UnsafeMutableBufferPointer<UInt8>) {
    lock.lock()
    defer { lock.unlock() }
    if buffer.count > Self.largestKept || idle.count >= Self.mostKept {
      buffer.deallocate()
    } else {
      idle.append(buffer)
    }
  }
}
