import Foundation
import Testing

@testable import AttnvizRender

@Suite("Rasterizer")
struct RasterizerTests {
  @Test("PNG size is logical size × scale; background and rect interiors are exact")
  func sizeAndExactColours() throws {
    var scene = Scene(width: 40, height: 30, background: RGBA(10, 20, 30))
    scene.add(.rect(RectItem(x: 5, y: 5, width: 10, height: 8, fill: RGBA(200, 100, 50))))
    let image = try roundTrip(scene, scale: 2)
    #expect(image.width == 80 && image.height == 60)
    #expect(image.pixel(x: 0, y: 0) == RGBA(10, 20, 30))
    #expect(image.pixel(x: 79, y: 59) == RGBA(10, 20, 30))
    // Device rect is [10, 30) × [10, 26): both edges on pixel boundaries, so no blending.
    #expect(image.pixel(x: 10, y: 10) == RGBA(200, 100, 50))
    #expect(image.pixel(x: 29, y: 25) == RGBA(200, 100, 50))
    #expect(image.pixel(x: 30, y: 25) == RGBA(10, 20, 30))
    #expect(image.pixel(x: 9, y: 10) == RGBA(10, 20, 30))
  }

  @Test("rect edges snap to device pixels, so abutting cells tile without seams")
  func snappedEdges() throws {
    var scene = Scene(width: 10, height: 10)
    // At scale 1.5 the shared edge x = 3 lands at device 4.5: both cells snap it to 5.
    scene.add(.rect(RectItem(x: 0, y: 0, width: 3, height: 10, fill: RGBA(0, 0, 200))))
    scene.add(.rect(RectItem(x: 3, y: 0, width: 3, height: 10, fill: RGBA(0, 0, 100))))
    let image = try roundTrip(scene, scale: 1.5)
    #expect(image.pixel(x: 4, y: 5) == RGBA(0, 0, 200))
    #expect(image.pixel(x: 5, y: 5) == RGBA(0, 0, 100))
    #expect(image.pixel(x: 8, y: 5) == RGBA(0, 0, 100))  // 9 = 6 × 1.5 is outside
    #expect(image.pixel(x: 9, y: 5) == .white)
  }

  @Test("a rect thinner than a pixel keeps its exact coverage")
  func subpixelRect() throws {
    var scene = Scene(width: 10, height: 10)
    // Both edges snap to 3, so it keeps its exact quarter of column 2: alpha 0.25·255² =
    // 16256.25 → 16256, and white keeps (255·48769 + 32512) / 65025 = 191.75 → 191.
    scene.add(.rect(RectItem(x: 2.5, y: 0, width: 0.25, height: 10, fill: .black)))
    let image = try roundTrip(scene, scale: 1)
    #expect(image.pixel(x: 2, y: 5) == RGBA(191, 191, 191))
    #expect(image.pixel(x: 1, y: 5) == .white && image.pixel(x: 3, y: 5) == .white)
  }

  @Test("translucent fill is source-over: 50% red on white")
  func translucentFill() throws {
    var scene = Scene(width: 4, height: 4)
    scene.add(.rect(RectItem(x: 0, y: 0, width: 4, height: 4, fill: RGBA(255, 0, 0, 128))))
    let image = try roundTrip(scene, scale: 1)
    // 0·(128/255) + 255·(127/255) = 127 for green and blue.
    #expect(image.pixel(x: 1, y: 1) == RGBA(255, 127, 127))
  }

  @Test("rect stroke straddles the edge")
  func strokeStraddlesEdge() throws {
    var scene = Scene(width: 20, height: 20)
    scene.add(
      .rect(
        RectItem(
          x: 5, y: 5, width: 10, height: 10, fill: RGBA(0, 255, 0), stroke: .black,
          strokeWidth: 2)))
    let image = try roundTrip(scene, scale: 1)
    #expect(image.pixel(x: 4, y: 10) == .black)  // outside half
    #expect(image.pixel(x: 5, y: 10) == .black)  // inside half
    #expect(image.pixel(x: 6, y: 10) == RGBA(0, 255, 0))
    #expect(image.pixel(x: 3, y: 10) == .white)
    #expect(image.pixel(x: 4, y: 4) == .black)  // corner, no seam
  }

  @Test("a line colours its midpoint and nothing far from it")
  func lineCoverage() throws {
    var scene = Scene(width: 50, height: 50)
    scene.add(.line(LineItem(from: Point(5, 5), to: Point(45, 45), color: .black, width: 2)))
    scene.add(.line(LineItem(from: Point(0, 40), to: Point(20, 40), color: .black, width: 1)))
    let image = try roundTrip(scene, scale: 2)
    #expect(image.pixel(x: 50, y: 50) == .black)
    #expect(image.pixel(x: 80, y: 20) == .white)
    #expect(image.pixel(x: 50, y: 56) == .white)
    // Horizontal 1 px line at y = 40 → device rows 79 and 80 fully covered, 78 and 81 untouched.
    #expect(image.pixel(x: 20, y: 79) == .black && image.pixel(x: 20, y: 80) == .black)
    #expect(image.pixel(x: 20, y: 78) == .white && image.pixel(x: 20, y: 81) == .white)
    // Butt cap: nothing past x = 20 logical (device 40).
    #expect(image.pixel(x: 41, y: 79) == .white)
  }

  @Test("a 1 px horizontal line at scale 1 snaps to one full pixel row")
  func snappedHairline() throws {
    var scene = Scene(width: 20, height: 20)
    // Centred on y = 10 it would cover rows 9 and 10 by half each; its top edge 9.5 snaps
    // (halves up) to 10, so it fills row 10.
    scene.add(.line(LineItem(from: Point(2, 10), to: Point(18, 10), color: .black, width: 1)))
    let image = try roundTrip(scene, scale: 1)
    #expect(image.pixel(x: 10, y: 10) == .black)
    #expect(image.pixel(x: 10, y: 9) == .white && image.pixel(x: 10, y: 11) == .white)
    #expect(image.pixel(x: 2, y: 10) == .black && image.pixel(x: 17, y: 10) == .black)
    #expect(image.pixel(x: 1, y: 10) == .white && image.pixel(x: 18, y: 10) == .white)
  }

  @Test(
    "a slanted line carries the ink of its area",
    arguments: [(0.5, 60.0), (1, 60), (3, 60), (0.5, 25), (1, 10)])
  func diagonalInk(width: Double, rise: Double) throws {
    var scene = Scene(width: 100, height: 100)
    let end = Point(80, 20 + rise)
    scene.add(.line(LineItem(from: Point(20, 20), to: end, color: .black, width: width)))
    let image = try roundTrip(scene, scale: 1)
    var ink = 0.0
    for y in 0..<100 {
      for x in 0..<100 { ink += Double(255 - image.pixel(x: x, y: y).r) / 255 }
    }
    let expected = width * (60 * 60 + rise * rise).squareRoot()
    #expect(abs(ink - expected) / expected < 0.01, "ink \(ink), expected \(expected)")
  }

  @Test("two renders are byte-identical")
  func deterministic() throws {
    let first = try renderPNG(demoScene(), scale: 2, fonts: Fonts.system)
    let second = try renderPNG(demoScene(), scale: 2, fonts: try FontSet())
    #expect(first.count == second.count)
    #expect(first.elementsEqual(second))
    if let path = ProcessInfo.processInfo.environment["ATTNVIZ_RENDER_DEMO"] {
      try Data(first).write(to: URL(fileURLWithPath: path))
    }
  }

  @Test("concurrent renders sharing one FontSet give the same bytes")
  func concurrentRenders() async throws {
    let fonts = try FontSet()
    let expected = try renderPNG(demoScene(), scale: 1, fonts: fonts)
    let results = try await withThrowingTaskGroup(of: [UInt8].self) { group in
      for k in 0..<4 {
        // Different scales first, so the tasks fill the glyph cache at the same time.
        group.addTask {
          try renderPNG(demoScene(), scale: k == 0 ? 1 : 1.5 + Double(k), fonts: fonts)
        }
      }
      return try await group.reduce(into: []) { $0.append($1) }
    }
    #expect(results.filter { $0.elementsEqual(expected) }.count == 1)
    #expect(try renderPNG(demoScene(), scale: 1, fonts: fonts).elementsEqual(expected))
  }

  @Test("transparent background stays transparent outside items")
  func transparentBackground() throws {
    var scene = Scene(width: 4, height: 4, background: .clear)
    scene.add(.rect(RectItem(x: 0, y: 0, width: 2, height: 4, fill: RGBA(0, 0, 255, 128))))
    let image = try roundTrip(scene, scale: 1)
    #expect(image.pixel(x: 3, y: 0).a == 0)
    #expect(image.pixel(x: 0, y: 0) == RGBA(0, 0, 255, 128))
  }

  @Test("bad scales and sizes are errors, broken items are skipped")
  func badInput() throws {
    let scene = Scene(width: 10, height: 10)
    #expect(throws: RenderError.self) { try renderPNG(scene, scale: 0, fonts: Fonts.system) }
    #expect(throws: RenderError.self) { try renderPNG(scene, scale: .nan, fonts: Fonts.system) }
    let huge = Scene(width: 1e9, height: 10)
    #expect(throws: RenderError.self) { try renderPNG(huge, scale: 1, fonts: Fonts.system) }
    var broken = Scene(width: 10, height: 10)
    broken.add(.rect(RectItem(x: .nan, y: 0, width: 5, height: 5, fill: .black)))
    broken.add(.rect(RectItem(x: 0, y: 0, width: -5, height: 5, fill: .black)))
    broken.add(.line(LineItem(from: Point(0, 0), to: Point(.infinity, 5), color: .black)))
    broken.add(.text(TextItem("x", at: Point(1e300, -1e300), size: 1e300)))
    broken.add(.text(TextItem("x", at: Point(5, 5), size: 12, rotation: .nan)))
    let image = try roundTrip(broken, scale: 1)
    #expect(inkBox(image, background: .white) == nil)
  }
}
