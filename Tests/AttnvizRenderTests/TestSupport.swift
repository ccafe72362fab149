import Foundation

@testable import AttnvizRender

/// One system-font FontSet and one built-in-only FontSet shared by all tests (opening faces is
/// cheap, but the glyph caches are worth sharing).
enum Fonts {
  static let system: FontSet = {
    do { return try FontSet() } catch { fatalError("FontSet() failed: \(error)") }
  }()
  static let builtIn: FontSet = {
    do { return try FontSet(searchSystemFonts: false) } catch {
      fatalError("FontSet(searchSystemFonts: false) failed: \(error)")
    }
  }()
}

/// Bounding box of pixels that differ from `background`, in device pixels (nil: none).
struct InkBox: Equatable {
  var minX: Int
  var minY: Int
  var maxX: Int
  var maxY: Int
}

func inkBox(
  _ image: DecodedPNG, background: RGBA, inX xs: Range<Int>? = nil, inY ys: Range<Int>? = nil
) -> InkBox? {
  var box: InkBox?
  for y in ys ?? 0..<image.height {
    for x in xs ?? 0..<image.width where image.pixel(x: x, y: y) != background {
      if var b = box {
        b.minX = min(b.minX, x)
        b.minY = min(b.minY, y)
        b.maxX = max(b.maxX, x)
        b.maxY = max(b.maxY, y)
        box = b
      } else {
        box = InkBox(minX: x, minY: y, maxX: x, maxY: y)
      }
    }
  }
  return box
}

/// Renders `scene` to PNG and decodes it again: every pixel test goes through the real encoder.
func roundTrip(_ scene: Scene, scale: Double, fonts: FontSet = Fonts.system) throws -> DecodedPNG {
  try decodePNG(renderPNG(scene, scale: scale, fonts: fonts))
}

/// A scene exercising every primitive, also written to $ATTNVIZ_RENDER_DEMO for a human to look at.
func demoScene() -> Scene {
  var scene = Scene(width: 360, height: 240, background: RGBA(250, 250, 245))
  scene.add(.rect(RectItem(x: 10, y: 10, width: 60, height: 40, fill: RGBA(68, 1, 84))))
  scene.add(
    .rect(
      RectItem(
        x: 80, y: 10, width: 60, height: 40, fill: RGBA(253, 231, 37), stroke: .black,
        strokeWidth: 1.5)))
  for (k, width) in [0.5, 1, 2, 4].enumerated() {
    let y = 70 + Double(k) * 12
    scene.add(.line(LineItem(from: Point(10, y), to: Point(140, y), color: .black, width: width)))
  }
  for (k, alpha) in [255, 160, 80].enumerated() {
    let x = 160 + Double(k) * 14
    scene.add(
      .line(
        LineItem(
          from: Point(x, 10), to: Point(x + 60, 110), color: RGBA(200, 30, 30, UInt8(alpha)),
          width: 3)))
  }
  scene.add(.text(TextItem("Attention: the cat sat", at: Point(10, 140), size: 12)))
  scene.add(
    .text(TextItem("Σ softmax(QKᵀ/√d) — Привет", at: Point(10, 162), size: 14, weight: .bold)))
  scene.add(.text(TextItem("middle", at: Point(100, 186), size: 16, anchor: .middle)))
  scene.add(.text(TextItem("end", at: Point(190, 210), size: 13, anchor: .end)))
  scene.add(.line(LineItem(from: Point(100, 176), to: Point(100, 192), color: RGBA(0, 0, 255))))
  scene.add(.line(LineItem(from: Point(190, 200), to: Point(190, 214), color: RGBA(0, 0, 255))))
  scene.add(.text(TextItem("rotated 90", at: Point(260, 220), size: 13, rotation: 90)))
  scene.add(
    .text(TextItem("slanted 45°", at: Point(280, 220), size: 13, weight: .bold, rotation: 45)))
  scene.add(.text(TextItem("tofu:\u{E000}\u{10FFFD}", at: Point(220, 140), size: 13)))
  return scene
}
