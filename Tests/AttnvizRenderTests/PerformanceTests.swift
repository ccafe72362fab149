import Foundation
import Testing

@testable import AttnvizRender

/// Timing of a 512 × 512-token heatmap-sized scene. Runs only when ATTNVIZ_RENDER_PERF is set
/// (timings on a shared machine are not assertions); prints the numbers.
@Suite("Performance")
struct PerformanceTests {
  @Test(
    "512 × 512 cells with 1024 labels",
    .enabled(if: ProcessInfo.processInfo.environment["ATTNVIZ_RENDER_PERF"] != nil))
  func bigHeatmap() throws {
    let n = 512
    let cell = Double(ProcessInfo.processInfo.environment["CELL"] ?? "3") ?? 3
    var scene = Scene(width: 100 + Double(n) * cell, height: 100 + Double(n) * cell)
    for row in 0..<n {
      for column in 0..<n {
        let t =
          (row * 7 + column * 13) % 5 == 0
          ? 0.8 - Double(abs(row - column)) / 1024 : 0.02 * Double(column % 3)
        scene.add(
          .rect(
            RectItem(
              x: 90 + Double(column) * cell, y: 90 + Double(row) * cell, width: cell,
              height: cell, fill: ColorMap.viridis.color(at: t))))
      }
    }
    for k in 0..<n {
      let offset = 90 + (Double(k) + 0.5) * cell
      scene.add(.text(TextItem("tok\(k)", at: Point(88, offset + 1), size: 3, anchor: .end)))
      scene.add(.text(TextItem("tok\(k)", at: Point(offset + 1, 88), size: 3, rotation: 90)))
    }
    for k in 0..<2000 {
      let from = Point(10, 10 + Double(k % 500))
      scene.add(.line(LineItem(from: from, to: Point(80, Double(k % 300)), color: .black)))
    }
    let fonts = try FontSet()
    let demo = try renderPNG(demoScene(), scale: 2, fonts: fonts)
    print("perf: demo \(demo.count) bytes")
    var clock = ContinuousClock.now
    let image = try Rasterizer(fonts: fonts).render(scene, scale: 2)
    let rasterTime = ContinuousClock.now - clock
    for kind in ["none", "rect", "line", "text"] {
      var part = scene
      part.items = scene.items.filter {
        switch $0 {
        case .rect: kind == "rect"
        case .line: kind == "line"
        case .text: kind == "text"
        }
      }
      clock = ContinuousClock.now
      _ = try Rasterizer(fonts: fonts).render(part, scale: 2)
      print("perf: only \(kind) items: \(ContinuousClock.now - clock)")
    }
    clock = ContinuousClock.now
    let png = try encodePNG(width: image.width, height: image.height, rgba: image.rgba)
    let encodeTime = ContinuousClock.now - clock
    clock = ContinuousClock.now
    let svg = renderSVG(scene)
    let svgTime = ContinuousClock.now - clock
    print(
      "perf: \(image.width)×\(image.height) raster \(rasterTime), PNG encode \(encodeTime) "
        + "(\(png.count) bytes), SVG \(svgTime) (\(svg.utf8.count) bytes)")
  }
}
