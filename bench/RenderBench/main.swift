// `make bench` part two: where a figure's time goes, and the PNG compression choice.
//
//   swift run -c release attnviz-render-bench sweep samples/*/*.png   # level × strategy × filters
//   swift run -c release attnviz-render-bench raster                    # a 512 × 512-cell scene
//
// Prints timings; asserts nothing (timings on a shared machine are not assertions). This was
// Tests/AttnvizRenderTests/PerformanceTests.swift, which ran only with an environment variable.
import AttnvizRender
import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// Processor time of this process in milliseconds: on a shared machine wall-clock time measures
/// the neighbours as much as the code.
func cpuMilliseconds() -> Double {
  var time = timespec()
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &time)
  return Double(time.tv_sec) * 1000 + Double(time.tv_nsec) / 1e6
}

/// A stand-in for ContinuousClock that reads processor time.
enum CPUClock {
  static var now: Double { cpuMilliseconds() }
}

/// Re-encodes the decoded figures with each compression choice: total bytes and the median of
/// `runs` encode times of the whole set.
func sweep(_ paths: [String], runs: Int = 5) throws {
  let images = try paths.map { try decodePNG(Array(try Data(contentsOf: URL(fileURLWithPath: $0)))) }
  let pixels = images.reduce(0) { $0 + $1.width * $1.height }
  print("\(images.count) figures, \(pixels / 1000) kpixels")
  print("level strategy filters   bytes      CPU ms (median of \(runs))")
  let filterSets: [(String, Int32)] = [
    ("none", 0x08), ("sub", 0x10), ("up", 0x20), ("paeth", 0x80), ("all", 0xF8),
  ]
  let strategies: [(String, Int32)] = [("default", 0), ("filtered", 1), ("rle", 3)]
  for level: Int32 in [1, 2, 3, 6] {
    for (strategyName, strategy) in strategies {
      for (filterName, filters) in filterSets {
        let compression = PNGCompression(level: level, strategy: strategy, filters: filters)
        var bytes = 0
        var times: [Double] = []
        for _ in 0..<runs {
          let clock = CPUClock.now
          bytes = try images.reduce(0) {
            $0 + (try encodePNG(width: $1.width, height: $1.height, rgba: $1.rgba,
              compression: compression)).count
          }
          times.append(CPUClock.now - clock)
        }
        let median = times.sorted()[times.count / 2]
        let name = "\(level)     \(strategyName.padding(toLength: 9, withPad: " ", startingAt: 0))"
          + filterName.padding(toLength: 7, withPad: " ", startingAt: 0)
        print("\(name) \(String(bytes).padding(toLength: 10, withPad: " ", startingAt: 0)) "
          + String(format: "%.1f", median))
      }
    }
  }
}

/// The old PerformanceTests scene: 512 × 512 cells, 1024 labels, 2000 lines, drawn at scale 2.
func raster() throws {
  let n = 512
  let cell = 3.0
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
  var clock = CPUClock.now
  let image = try Rasterizer(fonts: fonts).render(scene, scale: 2)
  let rasterTime = CPUClock.now - clock
  clock = CPUClock.now
  let png = try encodePNG(width: image.width, height: image.height, rgba: image.rgba)
  let encodeTime = CPUClock.now - clock
  clock = CPUClock.now
  let direct = try renderPNG(scene, scale: 2, fonts: fonts)
  let directTime = CPUClock.now - clock
  clock = CPUClock.now
  let svg = renderSVG(scene)
  let svgTime = CPUClock.now - clock
  print(
    "\(image.width)×\(image.height): raster \(String(format: "%.0f", rasterTime)) ms, "
      + "encode \(String(format: "%.0f", encodeTime)) ms (\(png.count) bytes), "
      + "renderPNG \(String(format: "%.0f", directTime)) ms (\(direct.count) bytes), "
      + "SVG \(String(format: "%.0f", svgTime)) ms (\(svg.utf8.count) bytes)")
}

let arguments = Array(CommandLine.arguments.dropFirst())
do {
  switch arguments.first {
  case "sweep": try sweep(Array(arguments.dropFirst()))
  case "raster": try raster()
  default:
    print("usage: attnviz-render-bench sweep FILE.png ... | raster")
    exit(2)
  }
} catch {
  print("attnviz-render-bench: \(error)")
  exit(1)
}
