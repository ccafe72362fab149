import Foundation
import Testing

@testable import AttnvizRender

/// The hand-written PDF: a PNG's data goes in unchanged, every cross-reference offset points at
/// its object, and what a standard font cannot hold is spelled out.
@Suite struct PDFDocumentTests {
  func png(width: Int, height: Int, alpha: UInt8 = 255) throws -> [UInt8] {
    var rgba: [UInt8] = []
    for y in 0..<height {
      for x in 0..<width { rgba += [UInt8(x * 40 % 256), UInt8(y * 60 % 256), 128, alpha] }
    }
    return try encodePNG(width: width, height: height, rgba: rgba)
  }

  /// The IDAT data of an RGB PNG, exactly.
  func idat(_ png: [UInt8]) -> [UInt8] {
    var data: [UInt8] = []
    var offset = 8
    while offset + 8 <= png.count {
      let length = png[offset..<offset + 4].reduce(0) { $0 << 8 | Int($1) }
      let type = String(decoding: png[offset + 4..<offset + 8], as: UTF8.self)
      if type == "IDAT" { data += png[offset + 8..<offset + 8 + length] }
      offset += length + 12
    }
    return data
  }

  @Test func anRGBPNGGoesInAsItIsWithThePNGPredictor() throws {
    let bytes = try png(width: 5, height: 3)
    let image = try PDFImage(png: bytes)
    #expect(image.width == 5 && image.height == 3 && image.colors == 3)
    #expect(image.data == idat(bytes))
    var document = PDFDocument(title: "Q·Kᵀ → “x”")
    var page = PDFPage(width: 960, height: 540)
    page.images.append(
      PDFPlacement(
        image: image, frame: PDFRect(x: 10, y: 20, width: 500, height: 300),
        crop: PDFRect(x: 1, y: 1, width: 3, height: 2)))
    page.hiddenText.append(PDFHiddenLine("it → animal (0.68) \\ √d", x: 10, y: 30, size: 16))
    document.pages.append(page)
    let pdf = document.bytes()
    let text = String(decoding: pdf, as: UTF8.self)
    #expect(text.hasPrefix("%PDF-1.4\n"))
    #expect(text.hasSuffix("%%EOF\n"))
    #expect(
      text.contains(
        "/Filter /FlateDecode /DecodeParms << /Predictor 15 /Colors 3 /BitsPerComponent 8 /Columns 5 >>"
      ))
    #expect(text.contains("(it -> animal \\(0.68\\) \\\\ sqrtd) Tj"))
    // The title in UTF-16BE: the BOM, then "Q".
    #expect(text.contains("/Title <FEFF0051"))
    // The crop: the image scaled so its 3×2 crop fills 500×300 points, clipped to the frame.
    #expect(text.contains("q 10 220 500 300 re W n"))
    // Every offset of the cross-reference table starts its object.
    let xrefStart = try #require(text.range(of: "\nxref\n"))
    let entries = text[xrefStart.upperBound...].split(separator: "\n").dropFirst(2)
      .prefix { $0.hasSuffix(" n ") }
    #expect(entries.count == 7)
    for (index, entry) in entries.enumerated() {
      let offset = try #require(Int(entry.prefix(10)))
      let object = String(decoding: pdf[offset..<offset + 12], as: UTF8.self)
      #expect(object.hasPrefix("\(index + 1) 0 obj"), "\(object)")
    }
  }

  @Test func aPNGWithAlphaIsLaidOnWhite() throws {
    let image = try PDFImage(png: try png(width: 4, height: 2, alpha: 0))
    #expect(image.colors == 3)
    #expect(image.width == 4)
  }
}
