import CLibPNG
import CPNGWriter
import Foundation

/// A failure reported by libpng, with libpng's own message.
public struct PNGError: Error, Equatable, CustomStringConvertible {
  public let message: String
  public var description: String { message }
}

/// A decoded image: `width × height` pixels, 4 bytes each (R, G, B, A; straight alpha), rows top
/// to bottom.
public struct DecodedPNG: Sendable, Equatable {
  public let width: Int
  public let height: Int
  public let rgba: [UInt8]

  /// The pixel at column `x`, row `y`.
  public func pixel(x: Int, y: Int) -> RGBA {
    let i = (y * width + x) * 4
    return RGBA(rgba[i], rgba[i + 1], rgba[i + 2], rgba[i + 3])
  }
}

/// How figure PNGs are compressed (zlib level and strategy, PNG row filters), chosen by
/// measurement on the gallery's figures (docs/performance.md, `make bench`).
public struct PNGCompression: Sendable, Equatable {
  /// zlib level, 0 (store) … 9 (smallest).
  public var level: Int32
  /// zlib strategy: 0 default, 1 filtered, 2 Huffman only, 3 run-length (RLE).
  public var strategy: Int32
  /// libpng filter mask: 0x08 none, 0x10 sub, 0x20 up, 0x40 average, 0x80 Paeth.
  public var filters: Int32

  public init(level: Int32, strategy: Int32, filters: Int32) {
    self.level = level
    self.strategy = strategy
    self.filters = filters
  }

  /// Figures: zlib level 3, default strategy, no row filters (what libpng's simplified API
  /// wrote with PNG_IMAGE_FLAG_FAST, so the bytes did not change). The sweep over the gallery
  /// (docs/performance.md) found no setting that is much faster: level 1, RLE or the "up" filter
  /// save at most a tenth of the encode time, and the "sub"/"Paeth" filters and level 6 cost more.
  public static let figures = PNGCompression(level: 3, strategy: 0, filters: 0x08)
}

/// Encodes 8-bit RGBA rows (straight alpha, top to bottom) as PNG. Opaque images are written as
/// RGB. No time chunk is written, so equal pixels (and text) give equal bytes.
public func encodePNG(
  width: Int, height: Int, rgba: [UInt8], compression: PNGCompression = .figures,
  text: [PNGTextEntry] = []
) throws -> [UInt8] {
  try rgba.withUnsafeBufferPointer {
    try encodePNG(
      width: width, height: height, rgba: $0, opaque: isOpaque($0), compression: compression,
      text: text)
  }
}

/// Encodes `rgba` straight from the caller's buffer (4 bytes a pixel even when `opaque`: libpng
/// skips the alpha byte of an RGB file itself), through our libpng writer (`CPNGWriter`), which
/// sets what the simplified API cannot: zlib's level and strategy, the row filters, and the text
/// chunks (uncompressed iTXt, after the image data: see `PNGTextEntry`).
func encodePNG(
  width: Int, height: Int, rgba: UnsafeBufferPointer<UInt8>, opaque: Bool,
  compression: PNGCompression, text: [PNGTextEntry] = []
) throws -> [UInt8] {
  guard width > 0, height > 0, width <= 1 << 20, height <= 1 << 20 else {
    throw PNGError(message: "cannot encode a \(width)×\(height) PNG: both sides must be 1…1048576")
  }
  guard rgba.count == width * height * 4, let base = rgba.baseAddress else {
    throw PNGError(
      message: "PNG pixel buffer holds \(rgba.count) bytes, expected \(width * height * 4)")
  }
  var output = attnviz_png_output()
  defer { attnviz_png_output_free(&output) }
  var message = [CChar](repeating: 0, count: 256)
  let settings = attnviz_png_compression(
    level: compression.level, strategy: compression.strategy, filters: compression.filters)
  // C copies of the entries, alive for the call; libpng copies them again into its info.
  let entries = text.filter { !$0.value.isEmpty }
  let strings = entries.map { (strdup($0.key), strdup($0.value)) }
  defer {
    for (key, value) in strings {
      free(key)
      free(value)
    }
  }
  let chunks = strings.map { attnviz_png_text(key: $0.0, text: $0.1) }
  let ok = chunks.withUnsafeBufferPointer { texts in
    attnviz_png_encode(
      base, UInt32(width), UInt32(height), opaque ? 1 : 0, settings, texts.baseAddress,
      texts.count, &output, &message, message.count)
  }
  guard ok != 0, let data = output.data else {
    let text = String(
      decoding: message.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    throw PNGError(
      message: "libpng could not encode the image: \(text.isEmpty ? "unknown error" : text)")
  }
  return Array(UnsafeBufferPointer(start: data, count: output.size))
}

func isOpaque(_ rgba: UnsafeBufferPointer<UInt8>) -> Bool {
  stride(from: 3, to: rgba.count, by: 4).allSatisfy { rgba[$0] == 255 }
}

/// Decodes any PNG libpng reads (palette, gray, 16-bit…) into 8-bit RGBA.
public func decodePNG(_ bytes: [UInt8]) throws -> DecodedPNG {
  var image = makeImage(width: 0, height: 0)
  let begun = bytes.withUnsafeBytes { data in
    png_image_begin_read_from_memory(&image, data.baseAddress, data.count)
  }
  guard begun != 0 else { throw failure(of: &image, doing: "decode") }
  let width = Int(image.width)
  let height = Int(image.height)
  let (byteCount, overflow) = (width * 4).multipliedReportingOverflow(by: height)
  guard !overflow, byteCount <= 1 << 31 else {
    png_image_free(&image)
    throw PNGError(message: "cannot decode PNG: \(width)×\(height) pixels is too large")
  }
  image.format = attnviz_png_format_rgba
  var rgba = [UInt8](repeating: 0, count: byteCount)
  let finished = rgba.withUnsafeMutableBytes { buffer in
    png_image_finish_read(&image, nil, buffer.baseAddress, 0, nil)
  }
  guard finished != 0 else { throw failure(of: &image, doing: "decode") }
  return DecodedPNG(width: width, height: height, rgba: rgba)
}

private func makeImage(width: Int, height: Int) -> png_image {
  var image = png_image()
  image.version = attnviz_png_image_version
  image.width = png_uint_32(width)
  image.height = png_uint_32(height)
  image.format = attnviz_png_format_rgba
  return image
}

/// The error libpng recorded in `image.message`; frees libpng's state.
private func failure(of image: inout png_image, doing verb: String) -> PNGError {
  let text = withUnsafeBytes(of: image.message) { raw in
    String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
  }
  png_image_free(&image)
  let reason = text.isEmpty ? "unknown error" : text
  return PNGError(message: "libpng could not \(verb) the image: \(reason)")
}
