import Testing

@testable import AttnvizRender

/// The background fill and the pooled pixel memory every figure is drawn into.
@Suite struct PixelMemoryTests {
  @Test(
    "the fill sets every pixel, below, at and past its 64 KiB block",
    arguments: [1, 3, 16_383, 16_384, 16_385, 100_003])
  func fillSetsEveryPixel(count: Int) {
    let color = RGBA(12, 34, 56, 78)
    let base = UnsafeMutablePointer<UInt8>.allocate(capacity: count * 4 + 4)
    defer { base.deallocate() }
    base.initialize(repeating: 0xEE, count: count * 4 + 4)
    fillPixels(base, count: count, with: color)
    let pixels = UnsafeBufferPointer(start: base, count: count * 4)
    #expect(
      stride(from: 0, to: pixels.count, by: 4).allSatisfy {
        RGBA(pixels[$0], pixels[$0 + 1], pixels[$0 + 2], pixels[$0 + 3]) == color
      })
    #expect((0..<4).allSatisfy { base[count * 4 + $0] == 0xEE }, "nothing past the pixels")
  }

  @Test("buffers of 2 MiB and more start on a 2 MiB boundary; smaller ones are usable too")
  func alignment() throws {
    for byteCount in [100, 2 << 20, 9_000_001] {
      let address = try PixelBuffers.shared.withBuffer(byteCount: byteCount) { base in
        base[byteCount - 1] = 1
        return Int(bitPattern: base)
      }
      #expect(byteCount < 2 << 20 || address % (2 << 20) == 0)
    }
  }
}
