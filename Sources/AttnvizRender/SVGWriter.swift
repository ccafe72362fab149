/// The same scene as standalone SVG 1.1: one element per item, real `<text>` (selectable,
/// searchable), sizes in logical pixels, no external references. Equal scenes give equal text.
/// `metadata` (how the figure was made) goes into a `<metadata>` element right after the root
/// element opens, each entry as `<attnviz:entry key="…">…</attnviz:entry>`, escaped by the one
/// XML rule, as a PNG carries the same entries in text chunks.
public func renderSVG(_ scene: Scene, metadata: [PNGTextEntry] = []) -> String {
  var all: [UInt8] = []
  all.reserveCapacity(200 + scene.items.count * 90)
  writeSVG(scene, metadata: metadata) { all += $0 }
  return String(decoding: all, as: UTF8.self)
}

/// The namespace of the metadata entries in an SVG.
public let svgMetadataNamespace = "https://attnviz.invalid/metadata"

/// `renderSVG` in pieces of about a megabyte handed to `emit`, so a figure of a quarter of a
/// million cells can go to a file without its whole text in memory.
public func writeSVG(
  _ scene: Scene, metadata: [PNGTextEntry] = [], _ emit: ([UInt8]) throws -> Void
) rethrows {
  let chunk = 1 << 20
  var out = SVGWriter()
  out.bytes.reserveCapacity(min(chunk, 200 + scene.items.count * 90) + 4096)
  out.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n")
  out.append("<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\"")
  out.attribute("width", scene.width)
  out.attribute("height", scene.height)
  out.append(" viewBox=\"0 0 ")
  out.number(scene.width)
  out.append(" ")
  out.number(scene.height)
  out.append("\">\n")
  if !metadata.isEmpty {
    out.append("<metadata xmlns:attnviz=\"\(svgMetadataNamespace)\">\n")
    for entry in metadata {
      out.append("<attnviz:entry key=\"")
      out.escaped(entry.key)
      out.append("\">")
      out.escaped(entry.value)
      out.append("</attnviz:entry>\n")
    }
    out.append("</metadata>\n")
  }
  out.append("<rect class=\"background\" x=\"0\" y=\"0\"")
  out.attribute("width", scene.width)
  out.attribute("height", scene.height)
  out.paint("fill", scene.background)
  out.append("/>\n")
  for item in scene.items {
    switch item {
    case .rect(let rect): out.rect(rect)
    case .line(let line): out.segment(line)
    case .text(let text): out.text(text)
    }
    if out.bytes.count >= chunk {
      try emit(out.bytes)
      out.bytes.removeAll(keepingCapacity: true)
    }
  }
  out.append("</svg>\n")
  try emit(out.bytes)
}

/// Writes SVG straight into UTF-8 bytes: a 512 × 512 heatmap is a quarter of a million elements.
struct SVGWriter {
  static let fontFamily = "DejaVu Sans, Verdana, Arial, sans-serif"
  var bytes: [UInt8] = []

  mutating func rect(_ rect: RectItem) {
    let values = [rect.x, rect.y, rect.width, rect.height]
    guard values.allSatisfy(\.isFinite), rect.width > 0, rect.height > 0 else { return }
    append("<rect")
    classAttribute(rect.role)
    attribute("x", rect.x)
    attribute("y", rect.y)
    attribute("width", rect.width)
    attribute("height", rect.height)
    paint("fill", rect.fill)
    if let stroke = rect.stroke, rect.strokeWidth.isFinite, rect.strokeWidth > 0 {
      paint("stroke", stroke)
      attribute("stroke-width", rect.strokeWidth)
    }
    // Like the rasteriser's snapping: viewers then tile abutting cells without seams.
    append(" shape-rendering=\"crispEdges\"/>\n")
  }

  mutating func segment(_ item: LineItem) {
    let values = [item.from.x, item.from.y, item.to.x, item.to.y, item.width]
    guard values.allSatisfy(\.isFinite), item.width > 0 else { return }
    append("<line")
    classAttribute(item.role)
    attribute("x1", item.from.x)
    attribute("y1", item.from.y)
    attribute("x2", item.to.x)
    attribute("y2", item.to.y)
    paint("stroke", item.color)
    attribute("stroke-width", item.width)
    append(" stroke-linecap=\"butt\"/>\n")
  }

  mutating func text(_ item: TextItem) {
    let values = [item.position.x, item.position.y, item.size, item.rotation]
    guard values.allSatisfy(\.isFinite), item.size > 0 else { return }
    append("<text")
    classAttribute(item.role)
    attribute("x", item.position.x)
    attribute("y", item.position.y)
    append(" font-family=\"\(Self.fontFamily)\"")
    attribute("font-size", item.size)
    if item.weight == .bold { append(" font-weight=\"bold\"") }
    if item.anchor != .start { append(" text-anchor=\"\(item.anchor.rawValue)\"") }
    paint("fill", item.color)
    // SVG rotates clockwise (y points down); the scene's angles are counter-clockwise.
    if (item.rotation * 100).rounded() != 0 {
      append(" transform=\"rotate(")
      number(-item.rotation)
      append(" ")
      number(item.position.x)
      append(" ")
      number(item.position.y)
      append(")\"")
    }
    // Keeps leading, trailing and repeated spaces (tokens like " the"), as the PNG draws them.
    append(" xml:space=\"preserve\">")
    escaped(item.string)
    append("</text>\n")
  }

  mutating func append(_ string: String) { bytes.append(contentsOf: string.utf8) }

  mutating func attribute(_ name: String, _ value: Double) {
    append(" ")
    append(name)
    append("=\"")
    number(value)
    bytes.append(UInt8(ascii: "\""))
  }

  /// ` fill="#rrggbb"` plus `fill-opacity` when the colour is translucent; `none` when clear.
  mutating func paint(_ property: String, _ color: RGBA) {
    append(" ")
    append(property)
    if color.a == 0 {
      append("=\"none\"")
      return
    }
    append("=\"#")
    for channel in [color.r, color.g, color.b] {
      bytes.append(Self.hexDigits[Int(channel >> 4)])
      bytes.append(Self.hexDigits[Int(channel & 15)])
    }
    bytes.append(UInt8(ascii: "\""))
    if color.a != 255 {
      append(" \(property)-opacity=\"")
      number(Double(color.a) / 255, decimals: 3)
      bytes.append(UInt8(ascii: "\""))
    }
  }

  mutating func classAttribute(_ role: String?) {
    guard let role, !role.isEmpty else { return }
    append(" class=\"")
    escaped(role)
    bytes.append(UInt8(ascii: "\""))
  }

  private static let hexDigits = Array("0123456789abcdef".utf8)

  /// The text by the one XML rule (`escapeXML`): the five specials escaped, unsafe scalars as
  /// U+FFFD (drawn the same in the PNG, see `displayScalars`), so any text is legal XML.
  mutating func escaped(_ string: String) {
    append(escapeXML(string))
  }

  mutating func number(_ value: Double, decimals: Int = 2) {
    Self.write(value, decimals: decimals, into: &bytes)
  }

  /// `value` rounded to `decimals` places, trailing zeros dropped, never "-0" or an exponent:
  /// 12 → "12", 0.5 → "0.5", 1/3 → "0.33", -0.001 → "0".
  static func format(_ value: Double, decimals: Int = 2) -> String {
    var bytes: [UInt8] = []
    write(value, decimals: decimals, into: &bytes)
    return String(decoding: bytes, as: UTF8.self)
  }

  /// `format`, appending the digits without building strings.
  static func write(_ value: Double, decimals: Int, into bytes: inout [UInt8]) {
    let digitsAfterPoint = min(max(decimals, 0), 6)
    var power: UInt64 = 1
    for _ in 0..<digitsAfterPoint { power *= 10 }
    let clamped = value.isFinite ? min(max(value, -1e12), 1e12) : 0
    let scaled = Int64((clamped * Double(power)).rounded())
    if scaled == 0 {
      bytes.append(UInt8(ascii: "0"))
      return
    }
    if scaled < 0 { bytes.append(UInt8(ascii: "-")) }
    let magnitude = scaled.magnitude
    appendDigits(magnitude / power, into: &bytes)
    var fraction = magnitude % power
    var places = digitsAfterPoint
    while places > 0 && fraction % 10 == 0 {
      fraction /= 10
      places -= 1
    }
    guard places > 0 else { return }
    bytes.append(UInt8(ascii: "."))
    var divisor: UInt64 = 1
    for _ in 1..<places { divisor *= 10 }
    while divisor > 0 {
      bytes.append(UInt8(ascii: "0") + UInt8(fraction / divisor % 10))
      divisor /= 10
    }
  }

  private static func appendDigits(_ value: UInt64, into bytes: inout [UInt8]) {
    if value >= 10 { appendDigits(value / 10, into: &bytes) }
    bytes.append(UInt8(ascii: "0") + UInt8(value % 10))
  }
}
