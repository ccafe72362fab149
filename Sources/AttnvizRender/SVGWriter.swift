/// The same scene as standalone SVG 1.1: one element per item, real `<text>` (selectable,
/// searchable), sizes in logical pixels, no external references. Equal scenes give equal text.
public func renderSVG(_ scene: Scene) -> String {
  var out = SVGWriter()
  let w = SVGWriter.number(scene.width)
  let h = SVGWriter.number(scene.height)
  out.line("<?xml version=\"1.0\" encoding=\"UTF-8\"?>")
  out.line(
    "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"\(w)\" height=\"\(h)\" "
      + "viewBox=\"0 0 \(w) \(h)\">")
  out.line(
    "<rect class=\"background\" x=\"0\" y=\"0\" width=\"\(w)\" height=\"\(h)\""
      + SVGWriter.paint("fill", scene.background) + "/>")
  for item in scene.items {
    switch item {
    case .rect(let rect): out.rect(rect)
    case .line(let line): out.segment(line)
    case .text(let text): out.text(text)
    }
  }
  out.line("</svg>")
  return out.text
}

struct SVGWriter {
  static let fontFamily = "DejaVu Sans, Verdana, Arial, sans-serif"
  private(set) var text = ""

  mutating func line(_ string: String) {
    text += string
    text += "\n"
  }

  mutating func rect(_ rect: RectItem) {
    let values = [rect.x, rect.y, rect.width, rect.height]
    guard values.allSatisfy(\.isFinite), rect.width > 0, rect.height > 0 else { return }
    var element = "<rect" + Self.classAttribute(rect.role)
    element += " x=\"\(Self.number(rect.x))\" y=\"\(Self.number(rect.y))\""
    element += " width=\"\(Self.number(rect.width))\" height=\"\(Self.number(rect.height))\""
    element += Self.paint("fill", rect.fill)
    if let stroke = rect.stroke, rect.strokeWidth.isFinite, rect.strokeWidth > 0 {
      element += Self.paint("stroke", stroke)
      element += " stroke-width=\"\(Self.number(rect.strokeWidth))\""
    }
    line(element + "/>")
  }

  mutating func segment(_ item: LineItem) {
    let values = [item.from.x, item.from.y, item.to.x, item.to.y, item.width]
    guard values.allSatisfy(\.isFinite), item.width > 0 else { return }
    var element = "<line" + Self.classAttribute(item.role)
    element += " x1=\"\(Self.number(item.from.x))\" y1=\"\(Self.number(item.from.y))\""
    element += " x2=\"\(Self.number(item.to.x))\" y2=\"\(Self.number(item.to.y))\""
    element += Self.paint("stroke", item.color)
    element += " stroke-width=\"\(Self.number(item.width))\" stroke-linecap=\"butt\""
    line(element + "/>")
  }

  mutating func text(_ item: TextItem) {
    let values = [item.position.x, item.position.y, item.size, item.rotation]
    guard values.allSatisfy(\.isFinite), item.size > 0 else { return }
    let x = Self.number(item.position.x)
    let y = Self.number(item.position.y)
    var element = "<text" + Self.classAttribute(item.role) + " x=\"\(x)\" y=\"\(y)\""
    element += " font-family=\"\(Self.fontFamily)\" font-size=\"\(Self.number(item.size))\""
    if item.weight == .bold { element += " font-weight=\"bold\"" }
    if item.anchor != .start { element += " text-anchor=\"\(item.anchor.rawValue)\"" }
    element += Self.paint("fill", item.color)
    let angle = Self.number(item.rotation)
    // SVG rotates clockwise (y points down); the scene's angles are counter-clockwise.
    if angle != "0" { element += " transform=\"rotate(\(Self.number(-item.rotation)) \(x) \(y))\"" }
    // Keeps leading, trailing and repeated spaces (tokens like " the"), as the PNG draws them.
    element += " xml:space=\"preserve\">"
    line(element + Self.escape(String(String.UnicodeScalarView(displayScalars(item.string))))
      + "</text>")
  }

  /// ` fill="#rrggbb"` plus `fill-opacity` when the colour is translucent.
  static func paint(_ property: String, _ color: RGBA) -> String {
    var result = " \(property)=\"#\(hex(color.r))\(hex(color.g))\(hex(color.b))\""
    if color.a != 255 {
      result += " \(property)-opacity=\"\(number(Double(color.a) / 255, decimals: 3))\""
    }
    return result
  }

  static func classAttribute(_ role: String?) -> String {
    guard let role, !role.isEmpty else { return "" }
    return " class=\"\(escape(String(String.UnicodeScalarView(displayScalars(role)))))\""
  }

  private static func hex(_ value: UInt8) -> String {
    let digits = Array("0123456789abcdef")
    return String([digits[Int(value >> 4)], digits[Int(value & 15)]])
  }

  /// Escapes the five XML specials; control characters were already replaced by
  /// `displayScalars`.
  static func escape(_ string: String) -> String {
    var result = ""
    result.reserveCapacity(string.utf8.count)
    for scalar in string.unicodeScalars {
      switch scalar {
      case "&": result += "&amp;"
      case "<": result += "&lt;"
      case ">": result += "&gt;"
      case "\"": result += "&quot;"
      case "'": result += "&apos;"
      default: result.unicodeScalars.append(scalar)
      }
    }
    return result
  }

  /// `value` rounded to `decimals` places, trailing zeros dropped, never "-0" or an exponent:
  /// 12 → "12", 0.5 → "0.5", 1/3 → "0.33", -0.001 → "0".
  static func number(_ value: Double, decimals: Int = 2) -> String {
    guard value.isFinite else { return "0" }
    var power = 1.0
    for _ in 0..<decimals { power *= 10 }
    let clamped = min(max(value, -1e12), 1e12)
    let scaled = Int64((clamped * power).rounded())
    if scaled == 0 { return "0" }
    let magnitude = scaled.magnitude
    let whole = magnitude / UInt64(power)
    var fraction = String(magnitude % UInt64(power))
    fraction = String(repeating: "0", count: max(0, decimals - fraction.count)) + fraction
    while fraction.hasSuffix("0") { fraction.removeLast() }
    let sign = scaled < 0 ? "-" : ""
    return fraction.isEmpty ? "\(sign)\(whole)" : "\(sign)\(whole).\(fraction)"
  }
}
