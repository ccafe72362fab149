import Foundation

/// Why a scene could not be rasterised.
public enum RenderError: Error, Equatable, CustomStringConvertible {
  case invalidScale(Double)
  case invalidSize(width: Double, height: Double, scale: Double)

  public var description: String {
    switch self {
    case .invalidScale(let scale):
      "scale \(scale) is not usable: give a number from 0.1 to 16 (e.g. --scale 2)"
    case .invalidSize(let width, let height, let scale):
      "a \(width)×\(height) figure at scale \(scale) is not drawable: each side must come to "
        + "1…\(Rasterizer.maxSide) pixels and the whole to at most \(Rasterizer.maxPixels) pixels"
    }
  }
}

/// Draws a `Scene` into RGBA pixels at `scale` device pixels per logical pixel: exact box-filter
/// coverage for rectangles, separable box-filter coverage for lines, FreeType's anti-aliased
/// glyph masks for text, all composited "source over" in scene order.
public struct Rasterizer: Sendable {
  public static let maxSide = 32768
  public static let maxPixels = 1 << 28
  public let fonts: FontSet

  public init(fonts: FontSet) { self.fonts = fonts }

  public func render(_ scene: Scene, scale: Double) throws -> RasterImage {
    let (width, height) = try Self.pixelSize(of: scene, scale: scale)
    var image = RasterImage(width: width, height: height, fill: scene.background)
    image.rgba.withUnsafeMutableBufferPointer { buffer in
      guard let base = buffer.baseAddress else { return }
      draw(scene, scale: scale, into: PixelTarget(base: base, width: width, height: height))
    }
    return image
  }

  /// The device pixels of `scene` at `scale`, or why it cannot be drawn.
  static func pixelSize(of scene: Scene, scale: Double) throws -> (width: Int, height: Int) {
    guard scale.isFinite, scale >= 0.1, scale <= 16 else { throw RenderError.invalidScale(scale) }
    let width = (scene.width * scale).rounded()
    let height = (scene.height * scale).rounded()
    guard width.isFinite, height.isFinite, width >= 1, height >= 1,
      width <= Double(Self.maxSide), height <= Double(Self.maxSide),
      width * height <= Double(Self.maxPixels)
    else {
      throw RenderError.invalidSize(width: scene.width, height: scene.height, scale: scale)
    }
    return (Int(width), Int(height))
  }

  /// Draws the items over a target already filled with the background.
  func draw(_ scene: Scene, scale: Double, into target: PixelTarget) {
    for item in scene.items {
      switch item {
      case .rect(let rect): target.draw(rect, scale: scale)
      case .line(let line): target.draw(line, scale: scale)
      case .text(let text): target.draw(text, scale: scale, fonts: fonts)
      }
    }
  }
}

/// Renders `scene` and encodes it as PNG bytes; equal scenes give equal bytes.
///
/// The pixels are drawn straight into a buffer the encoder reads (libpng drops the alpha byte of
/// an opaque figure itself), and the buffer is reused by the next figure (`PixelBuffers`): fresh
/// full-size buffers cost more in page faults than the drawing did.
public func renderPNG(
  _ scene: Scene, scale: Double, fonts: FontSet, compression: PNGCompression = .figures,
  text: [PNGTextEntry] = []
) throws -> [UInt8] {
  let (width, height) = try Rasterizer.pixelSize(of: scene, scale: scale)
  return try PixelBuffers.shared.withBuffer(byteCount: width * height * 4) { base in
    fillPixels(base, count: width * height, with: scene.background)
    let target = PixelTarget(base: base, width: width, height: height)
    Rasterizer(fonts: fonts).draw(scene, scale: scale, into: target)
    // Source-over onto an opaque background stays opaque (`blend`).
    return try encodePNG(
      width: width, height: height,
      rgba: UnsafeBufferPointer(start: base, count: width * height * 4),
      opaque: scene.background.a == 255, compression: compression, text: text)
  }
}

/// The pixels being drawn into, for the duration of one render.
struct PixelTarget {
  let base: UnsafeMutablePointer<UInt8>
  let width: Int
  let height: Int

  @inline(__always)
  func pixel(_ x: Int, _ y: Int) -> UnsafeMutablePointer<UInt8> { base + (y * width + x) * 4 }
}

/// An axis-aligned box in device pixels.
struct DeviceBox {
  var x0: Double
  var y0: Double
  var x1: Double
  var y1: Double

  var isEmpty: Bool { !(x1 > x0 && y1 > y0) }

  /// Edges moved to the nearest device pixel boundary (halves round up), the way matplotlib
  /// snaps rectilinear paths: abutting heatmap cells then tile without light seams and cell
  /// colours are exact. An axis that would snap to nothing keeps its exact coverage.
  func snapped() -> DeviceBox {
    func snap(_ v: Double) -> Double { (v + 0.5).rounded(.down) }
    var result = self
    if snap(x1) > snap(x0) { (result.x0, result.x1) = (snap(x0), snap(x1)) }
    if snap(y1) > snap(y0) { (result.y0, result.y1) = (snap(y0), snap(y1)) }
    return result
  }

  /// Length of [a, b] ∩ [i, i + 1]: the box filter's coverage along one axis.
  @inline(__always)
  static func overlap(_ a: Double, _ b: Double, _ i: Int) -> Double {
    max(0, min(b, Double(i + 1)) - max(a, Double(i)))
  }
}

extension PixelTarget {
  func draw(_ rect: RectItem, scale: Double) {
    guard rect.x.isFinite, rect.y.isFinite, rect.width.isFinite, rect.height.isFinite,
      rect.width > 0, rect.height > 0
    else { return }
    let exact = DeviceBox(
      x0: rect.x * scale, y0: rect.y * scale, x1: (rect.x + rect.width) * scale,
      y1: (rect.y + rect.height) * scale)
    if rect.fill.a > 0 { fill(exact.snapped(), minus: nil, color: rect.fill) }
    // SVG strokes straddle the edge: half outside, half inside.
    guard let stroke = rect.stroke, stroke.a > 0, rect.strokeWidth.isFinite,
      rect.strokeWidth > 0
    else { return }
    let strokeWidth = rect.strokeWidth * scale
    let half = strokeWidth / 2
    var outer = DeviceBox(
      x0: exact.x0 - half, y0: exact.y0 - half, x1: exact.x1 + half, y1: exact.y1 + half)
    var inner = DeviceBox(
      x0: exact.x0 + half, y0: exact.y0 + half, x1: exact.x1 - half, y1: exact.y1 - half)
    // Hairline strokes keep exact coverage: snapping could round them away.
    if strokeWidth >= 1 {
      outer = outer.snapped()
      inner = inner.snapped()
    }
    fill(outer, minus: inner.isEmpty ? nil : inner, color: stroke)
  }

  /// Paints `box` less `hole` (which lies inside it) with exact area coverage per pixel, so a
  /// stroke ring has no seams at its corners.
  func fill(_ box: DeviceBox, minus hole: DeviceBox?, color: RGBA) {
    let left = max(0, deviceInt(box.x0.rounded(.down)))
    let right = min(width, deviceInt(box.x1.rounded(.up)))
    let top = max(0, deviceInt(box.y0.rounded(.down)))
    let bottom = min(height, deviceInt(box.y1.rounded(.up)))
    guard left < right, top < bottom else { return }
    // Columns wholly inside the box have coverage 1 across; only the edges need the overlap.
    let fullLeft = min(max(left, deviceInt(box.x0.rounded(.up))), right)
    let fullRight = max(min(right, deviceInt(box.x1.rounded(.down))), fullLeft)
    for y in top..<bottom {
      let rowCover = DeviceBox.overlap(box.y0, box.y1, y)
      let holeRow = hole.map { DeviceBox.overlap($0.y0, $0.y1, y) } ?? 0
      if holeRow == 0 {
        let alpha = alphaUnits(color, coverage: rowCover)
        if alpha >= fullAlpha {
          // An opaque run (most of every heatmap cell): what `blend` would write, stored at once.
          fillOpaque(row: y, columns: fullLeft..<fullRight, color: color)
        } else {
          for x in fullLeft..<fullRight { blend(pixel(x, y), color, alpha: alpha) }
        }
        blendEdge(columns: left..<fullLeft, row: y, rowCover: rowCover, box: box, color: color)
        blendEdge(columns: fullRight..<right, row: y, rowCover: rowCover, box: box, color: color)
        continue
      }
      for x in left..<right {
        var cover = rowCover * DeviceBox.overlap(box.x0, box.x1, x)
        if let hole { cover -= holeRow * DeviceBox.overlap(hole.x0, hole.x1, x) }
        blend(pixel(x, y), color, alpha: alphaUnits(color, coverage: cover))
      }
    }
  }

  /// Sets the pixels of one row to the opaque colour: the bytes `blend` writes at full alpha.
  private func fillOpaque(row y: Int, columns: Range<Int>, color: RGBA) {
    guard !columns.isEmpty else { return }
    let pattern = UInt32(color.r) | UInt32(color.g) << 8 | UInt32(color.b) << 16 | 255 << 24
    // Rebound only for the store: the buffer stays bytes for every other reader and writer.
    pixel(columns.lowerBound, y).withMemoryRebound(to: UInt32.self, capacity: columns.count) {
      $0.update(repeating: pattern.littleEndian, count: columns.count)
    }
  }

  @inline(__always)
  private func blendEdge(
    columns: Range<Int>, row y: Int, rowCover: Double, box: DeviceBox, color: RGBA
  ) {
    for x in columns {
      let cover = rowCover * DeviceBox.overlap(box.x0, box.x1, x)
      blend(pixel(x, y), color, alpha: alphaUnits(color, coverage: cover))
    }
  }
}
