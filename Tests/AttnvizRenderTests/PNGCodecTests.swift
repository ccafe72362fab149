import Testing

@testable import AttnvizRender

@Suite("PNG codec")
struct PNGCodecTests {
  @Test("encode then decode gives back the exact pixels, including alpha")
  func roundTripPixels() throws {
    let pixels: [UInt8] = [
      255, 0, 0, 255, 0, 255, 0, 128, 0, 0, 255, 0,
      1, 2, 3, 4, 250, 251, 252, 253, 9, 8, 7, 255,
    ]
    let png = try encodePNG(width: 3, height: 2, rgba: pixels)
    #expect(Array(png.prefix(8)) == [137, 80, 78, 71, 13, 10, 26, 10])
    let decoded = try decodePNG(png)
    #expect(decoded.width == 3 && decoded.height == 2)
    #expect(decoded.rgba == pixels)
    #expect(decoded.pixel(x: 1, y: 0) == RGBA(0, 255, 0, 128))
    #expect(try encodePNG(width: 3, height: 2, rgba: pixels) == png)
  }

  @Test("garbage and wrong sizes are errors with a message, not crashes")
  func errors() {
    #expect(throws: PNGError.self) { try decodePNG([]) }
    #expect(throws: PNGError.self) { try decodePNG(Array("not a png at all".utf8)) }
    #expect(throws: PNGError.self) { try encodePNG(width: 2, height: 2, rgba: [0, 0, 0, 0]) }
    #expect(throws: PNGError.self) { try encodePNG(width: 0, height: 2, rgba: []) }
    do {
      _ = try decodePNG([137, 80, 78, 71, 13, 10, 26, 10, 0, 0])
      Issue.record("a truncated PNG decoded")
    } catch let error as PNGError {
      #expect(error.message.hasPrefix("libpng could not decode the image: "))
      #expect(error.message.count > "libpng could not decode the image: ".count)
    } catch {
      Issue.record("unexpected error \(error)")
    }
  }
}
