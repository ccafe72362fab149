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

/// The writer's own container around igzip's stream: libpng frames the chunks, attnviz orders
/// them and splits the image data.
@Suite("PNG writer")
struct PNGWriterTests {
  /// Chunk types and data lengths in file order, every CRC checked.
  func chunks(_ png: [UInt8]) throws -> [(type: String, length: Int)] {
    var result: [(type: String, length: Int)] = []
    var offset = 8
    while offset < png.count {
      let length = png[offset..<offset + 4].reduce(0) { $0 << 8 | Int($1) }
      let type = String(decoding: png[offset + 4..<offset + 8], as: UTF8.self)
      let crc = png[offset + 8 + length..<offset + 12 + length].reduce(0) { $0 << 8 | Int($1) }
      #expect(crc == Int(crc32(png[offset + 4..<offset + 8 + length])), "\(type) CRC")
      result.append((type, length))
      offset += 12 + length
    }
    return result
  }

  /// The CRC-32 of PNG chunks (ISO 3309), bit by bit: an independent check of libpng's framing.
  func crc32(_ bytes: ArraySlice<UInt8>) -> UInt32 {
    var crc: UInt32 = 0xFFFF_FFFF
    for byte in bytes {
      crc ^= UInt32(byte)
      for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
    }
    return ~crc
  }

  /// Noise (seeded) that no deflate shrinks: its stream needs several 64 KiB IDAT chunks.
  func noise(width: Int, height: Int, opaque: Bool) -> [UInt8] {
    var state: UInt64 = 0x9E37_79B9_7F4A_7C15
    return (0..<width * height * 4).map { index in
      state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      return opaque && index % 4 == 3 ? 255 : UInt8(truncatingIfNeeded: state >> 56)
    }
  }

  @Test("IHDR, sRGB, IDAT chunks of at most 64 KiB, the text, IEND; pixels read back exactly")
  func layout() throws {
    for opaque in [true, false] {
      let pixels = noise(width: 300, height: 200, opaque: opaque)
      let png = try encodePNG(
        width: 300, height: 200, rgba: pixels,
        text: [PNGTextEntry(key: "Software", value: "attnviz"), PNGTextEntry(key: "k", value: "é")])
      let layout = try chunks(png)
      let idat = layout.filter { $0.type == "IDAT" }
      #expect(layout.map(\.type).prefix(3) == ["IHDR", "sRGB", "IDAT"])
      #expect(layout.map(\.type).suffix(3) == ["iTXt", "iTXt", "IEND"])
      #expect(layout.count == idat.count + 5)
      #expect(idat.count >= 3 && idat.allSatisfy { $0.length <= 65536 })
      #expect(idat.dropLast().allSatisfy { $0.length == 65536 })
      #expect(png[25] == (opaque ? 2 : 6), "colour type RGB when opaque, else RGBA")
      #expect(try decodePNG(png).rgba == pixels)
      #expect(textChunks(of: png)?.map(\.value) == ["attnviz", "é"])
      #expect(try encodePNG(width: 300, height: 200, rgba: pixels, text: []) != png)
    }
  }

  @Test("every igzip level gives the same pixels; the figures' level is 1")
  func levels() throws {
    let pixels = noise(width: 64, height: 48, opaque: true)
    for level: Int32 in 0...3 {
      let png = try encodePNG(
        width: 64, height: 48, rgba: pixels, compression: PNGCompression(level: level))
      #expect(try decodePNG(png).rgba == pixels)
    }
    #expect(PNGCompression.figures == PNGCompression(level: 1))
  }

  @Test("a level igzip lacks and a key PNG forbids are errors with a message")
  func refusals() {
    let pixels = [UInt8](repeating: 255, count: 16)
    #expect(throws: PNGError(message: "could not encode the image: igzip level 4 is not 0-3")) {
      try encodePNG(width: 2, height: 2, rgba: pixels, compression: PNGCompression(level: 4))
    }
    for key in [" lead", "trail ", "two  spaces", "tab\there", "del\u{7F}"] {
      #expect(
        throws: PNGError(message: "could not encode the image: a text key is not a PNG keyword")
      ) {
        try encodePNG(width: 2, height: 2, rgba: pixels, text: [PNGTextEntry(key: key, value: "v")])
      }
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
