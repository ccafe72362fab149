import Foundation

/// A PDF of pages that hold images, written by hand: the few objects the PDF reference needs
/// (catalog, page tree, pages, image XObjects, content streams, one standard font for an
/// invisible text layer) and a cross-reference table. PNG data goes in as it is: the zlib stream
/// of a PNG's IDAT chunks is a PDF `FlateDecode` stream whose rows carry PNG filter bytes, which
/// `/DecodeParms << /Predictor 15 … >>` tells the reader to undo. No dates, no IDs: the same
/// pages give the same bytes.
public struct PDFDocument: Sendable {
  public var title: String
  public var pages: [PDFPage] = []

  public init(title: String) { self.title = title }
}

/// One page: its size in points (1/72 inch) and what is drawn on it, in order.
public struct PDFPage: Sendable {
  public var width: Double
  public var height: Double
  public var images: [PDFPlacement] = []
  /// Text drawn invisibly (PDF text render mode 3) over the images: what the page says, for
  /// search, copy and `pdftotext`, while the images show it.
  public var hiddenText: [PDFHiddenLine] = []

  public init(width: Double, height: Double) {
    self.width = width
    self.height = height
  }
}

/// An image drawn into `frame` (points, origin at the page's top left), showing only `crop`
/// of it (image pixels, origin top left; nil: all of it).
public struct PDFPlacement: Sendable {
  public var image: PDFImage
  public var frame: PDFRect
  public var crop: PDFRect?

  public init(image: PDFImage, frame: PDFRect, crop: PDFRect? = nil) {
    self.image = image
    self.frame = frame
    self.crop = crop
  }
}

public struct PDFRect: Sendable, Equatable {
  public var x: Double
  public var y: Double
  public var width: Double
  public var height: Double

  public init(x: Double, y: Double, width: Double, height: Double) {
    self.x = x
    self.y = y
    self.width = width
    self.height = height
  }
}

/// A line of invisible text, its baseline at `y` points from the page's top.
public struct PDFHiddenLine: Sendable {
  public var text: String
  public var x: Double
  public var y: Double
  public var size: Double

  public init(_ text: String, x: Double, y: Double, size: Double) {
    self.text = text
    self.x = x
    self.y = y
    self.size = size
  }
}

/// A PNG's pixels as a PDF image: 8-bit grey or RGB, not interlaced, taken as they are; any other
/// PNG (alpha, palette, 16-bit, interlaced) is decoded, laid on white and encoded as RGB first.
public struct PDFImage: Sendable {
  public let width: Int
  public let height: Int
  /// 1 (grey) or 3 (RGB).
  let colors: Int
  /// The concatenated IDAT data: a zlib stream of filtered rows.
  let data: [UInt8]

  public init(png: [UInt8]) throws {
    if let direct = PDFImage(directPNG: png) {
      self = direct
      return
    }
    let decoded = try decodePNG(png)
    var rgba = decoded.rgba
    for i in stride(from: 0, to: rgba.count, by: 4) {
      let alpha = Int(rgba[i + 3])
      for c in 0..<3 {
        rgba[i + c] = UInt8((Int(rgba[i + c]) * alpha + 255 * (255 - alpha) + 127) / 255)
      }
      rgba[i + 3] = 255
    }
    let opaque = try encodePNG(width: decoded.width, height: decoded.height, rgba: rgba)
    guard let direct = PDFImage(directPNG: opaque) else {
      throw PNGError(message: "cannot put the image into the PDF")
    }
    self = direct
  }

  /// The PNG's own data when it is 8-bit grey or RGB and not interlaced, else nil.
  private init?(directPNG png: [UInt8]) {
    let signature: [UInt8] = [137, 80, 78, 71, 13, 10, 26, 10]
    guard png.count > 8 + 25, Array(png[0..<8]) == signature else { return nil }
    var offset = 8
    var header: (width: Int, height: Int, depth: UInt8, type: UInt8, interlace: UInt8)?
    var data: [UInt8] = []
    while offset + 12 <= png.count {
      let length = png[offset..<offset + 4].reduce(0) { $0 << 8 | Int($1) }
      let type = String(decoding: png[offset + 4..<offset + 8], as: UTF8.self)
      let start = offset + 8
      guard length >= 0, start + length + 4 <= png.count else { return nil }
      let body = png[start..<start + length]
      func number(_ at: Int) -> Int {
        body[start + at..<start + at + 4].reduce(0) { $0 << 8 | Int($1) }
      }
      switch type {
      case "IHDR" where length == 13:
        header = (number(0), number(4), body[start + 8], body[start + 9], body[start + 12])
      case "IDAT":
        data.append(contentsOf: body)
      case "IEND":
        offset = png.count
        continue
      default:
        break
      }
      offset = start + length + 4
    }
    guard let header, header.depth == 8, header.interlace == 0, !data.isEmpty,
      header.type == 0 || header.type == 2, header.width > 0, header.height > 0
    else { return nil }
    width = header.width
    height = header.height
    colors = header.type == 2 ? 3 : 1
    self.data = data
  }
}

extension PDFDocument {
  /// The document's bytes.
  public func bytes() -> [UInt8] {
    // The header, then a comment of four bytes above 127 that marks the file as binary.
    var out: [UInt8] = Array("%PDF-1.4\n".utf8) + [0x25, 0xE2, 0xE3, 0xCF, 0xD3, 0x0A]
    var offsets: [Int] = []
    func object(_ body: [UInt8]) {
      offsets.append(out.count)
      out += Array("\(offsets.count) 0 obj\n".utf8) + body + Array("\nendobj\n".utf8)
    }
    func object(_ text: String) { object(Array(text.utf8)) }
    func stream(_ dictionary: String, _ data: [UInt8]) {
      object(
        Array("<< \(dictionary) /Length \(data.count) >>\nstream\n".utf8) + data
          + Array("\nendstream".utf8))
    }

    // 1 catalog, 2 page tree, 3 font, 4 info; then per page: its images, its content, the page.
    var pageObjects: [Int] = []
    let firstPageObject = 5
    var next = firstPageObject
    var plan: [(images: [Int], content: Int, page: Int)] = []
    for page in pages {
      let images = page.images.indices.map { next + $0 }
      next += images.count
      plan.append((images, next, next + 1))
      pageObjects.append(next + 1)
      next += 2
    }
    object("<< /Type /Catalog /Pages 2 0 R >>")
    object(
      "<< /Type /Pages /Kids [\(pageObjects.map { "\($0) 0 R" }.joined(separator: " "))] "
        + "/Count \(pages.count) >>")
    object("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
    object("<< /Title \(pdfTextString(title)) /Producer (attnviz) /Creator (attnviz deck) >>")
    for (page, objects) in zip(pages, plan) {
      for placement in page.images {
        let image = placement.image
        let space = image.colors == 3 ? "/DeviceRGB" : "/DeviceGray"
        stream(
          "/Type /XObject /Subtype /Image /Width \(image.width) /Height \(image.height) "
            + "/ColorSpace \(space) /BitsPerComponent 8 /Filter /FlateDecode "
            + "/DecodeParms << /Predictor 15 /Colors \(image.colors) /BitsPerComponent 8 "
            + "/Columns \(image.width) >>", image.data)
      }
      stream("", Array(contentStream(page).utf8))
      let names = objects.images.enumerated().map { "/Im\($0.offset + 1) \($0.element) 0 R" }
      object(
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 \(number(page.width)) \(number(page.height))] "
          + "/Resources << /XObject << \(names.joined(separator: " ")) >> /Font << /F1 3 0 R >> >> "
          + "/Contents \(objects.content) 0 R >>")
    }
    let xref = out.count
    var table = "xref\n0 \(offsets.count + 1)\n0000000000 65535 f \n"
    for offset in offsets {
      let digits = String(offset)
      table += String(repeating: "0", count: 10 - digits.count) + digits + " 00000 n \n"
    }
    table += "trailer\n<< /Size \(offsets.count + 1) /Root 1 0 R /Info 4 0 R >>\n"
    table += "startxref\n\(xref)\n%%EOF\n"
    return out + Array(table.utf8)
  }

  /// Draws each image (clipped to its crop) and then the invisible text, in page coordinates
  /// (PDF's origin is the bottom left; ours the top left).
  func contentStream(_ page: PDFPage) -> String {
    var ops = ""
    for (index, placement) in page.images.enumerated() {
      let image = placement.image
      let frame = placement.frame
      let crop =
        placement.crop
        ?? PDFRect(x: 0, y: 0, width: Double(image.width), height: Double(image.height))
      // Points per image pixel, and where the whole image goes so that `crop` fills `frame`.
      let sx = frame.width / crop.width
      let sy = frame.height / crop.height
      let fullWidth = Double(image.width) * sx
      let fullHeight = Double(image.height) * sy
      let left = frame.x - crop.x * sx
      let top = frame.y - crop.y * sy
      let bottom = page.height - top - fullHeight
      ops += "q \(number(frame.x)) \(number(page.height - frame.y - frame.height)) "
      ops += "\(number(frame.width)) \(number(frame.height)) re W n\n"
      ops += "\(number(fullWidth)) 0 0 \(number(fullHeight)) \(number(left)) \(number(bottom)) cm "
      ops += "/Im\(index + 1) Do Q\n"
    }
    if !page.hiddenText.isEmpty {
      ops += "BT 3 Tr\n"
      for line in page.hiddenText {
        ops += "/F1 \(number(line.size)) Tf 1 0 0 1 \(number(line.x)) "
        ops += "\(number(page.height - line.y)) Tm \(winAnsiString(line.text)) Tj\n"
      }
      ops += "ET\n"
    }
    return ops
  }
}

/// A number as PDF writes it: at most three decimals, no exponent, no trailing zeros.
private func number(_ value: Double) -> String {
  let rounded = (value * 1000).rounded() / 1000
  if rounded == rounded.rounded() { return String(Int(rounded)) }
  var text = String(format: "%.3f", rounded)
  while text.hasSuffix("0") { text.removeLast() }
  return text
}

/// A text string for the document information: UTF-16BE with its byte-order mark, in hex, so
/// any character (→, ·, ᵀ) survives.
private func pdfTextString(_ text: String) -> String {
  let units = [0xFEFF] + text.utf16.map(Int.init)
  return "<" + units.map { String(format: "%04X", $0) }.joined() + ">"
}

/// A literal string in WinAnsiEncoding (the standard fonts' encoding) for the invisible text:
/// what it cannot hold is spelled out (→ as ->) or becomes "?"; control characters become spaces.
func winAnsiString(_ text: String) -> String {
  var bytes: [UInt8] = []
  for scalar in text.unicodeScalars {
    switch scalar.value {
    case 0x28, 0x29, 0x5C: bytes += [0x5C, UInt8(scalar.value)]
    case 0x20...0x7E: bytes.append(UInt8(scalar.value))
    case 0xA0...0xFF: bytes.append(UInt8(scalar.value))
    case 0x2018: bytes.append(0x91)
    case 0x2019: bytes.append(0x92)
    case 0x201C: bytes.append(0x93)
    case 0x201D: bytes.append(0x94)
    case 0x2022: bytes.append(0x95)
    case 0x2013: bytes.append(0x96)
    case 0x2014: bytes.append(0x97)
    case 0x2026: bytes.append(0x85)
    case 0x2192: bytes += Array("->".utf8)
    case 0x2190: bytes += Array("<-".utf8)
    case 0x221A: bytes += Array("sqrt".utf8)
    case 0x1D40: bytes.append(UInt8(ascii: "T"))
    case 0x2264: bytes += Array("<=".utf8)
    case 0x2265: bytes += Array(">=".utf8)
    case 0x2212: bytes.append(UInt8(ascii: "-"))
    case 0x00...0x1F, 0x7F...0x9F: bytes.append(0x20)
    default: bytes.append(UInt8(ascii: "?"))
    }
  }
  // Octal escapes for bytes above 127, so the content stream stays ASCII.
  var out = "("
  for byte in bytes {
    if byte >= 0x80 {
      let octal = String(byte, radix: 8)
      out += "\\" + String(repeating: "0", count: 3 - octal.count) + octal
    } else {
      out.append(Character(UnicodeScalar(byte)))
    }
  }
  return out + ")"
}
