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

/// The 8 MiB limit on a PNG text chunk (`maximumTextChunk`) that `attnviz info` reads (issue
/// #27: a crafted 210 MB figure made `info --rerun` reach 2.6 GiB): a chunk of exactly the limit
/// is read, one byte more is skipped unread, and the chunks after it are still read.
@Suite struct PNGTextChunkLimitTests {
  /// A chunk as `textChunks` reads it: length, type, data, and four bytes of CRC (not checked).
  func chunk(_ type: String, _ data: [UInt8]) -> [UInt8] {
    let length = UInt32(data.count)
    return [24, 16, 8, 0].map { UInt8(truncatingIfNeeded: length >> $0) } + Array(type.utf8)
      + data + [0, 0, 0, 0]
  }

  func text(_ key: String, size: Int) -> [UInt8] {
    let head = Array(key.utf8) + [0]
    return head + Array(repeating: UInt8(ascii: "x"), count: size - head.count)
  }

  @Test func chunksOverTheLimitAreSkippedUnread() throws {
    #expect(maximumTextChunk == 8 << 20)
    let png =
      [137, 80, 78, 71, 13, 10, 26, 10] + chunk("IHDR", Array(repeating: 0, count: 13))
      + chunk("tEXt", text("at-limit", size: maximumTextChunk))
      + chunk("tEXt", text("over-limit", size: maximumTextChunk + 1))
      + chunk("tEXt", text("after", size: 10)) + chunk("IEND", [])
    let entries = try #require(textChunks(of: png))
    #expect(entries.map(\.key) == ["at-limit", "after"])
    #expect(entries.first?.value.utf8.count == maximumTextChunk - "at-limit".utf8.count - 1)
    #expect(entries.last?.value == "xxxx")
  }
}
