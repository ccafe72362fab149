import AttnvizRender
import AttnvizStyle
import Foundation

/// The one place scenes become figure files: each scene as `stem.png` and/or `stem.svg`, in the
/// scenes' order (PNG before SVG per scene), at the options' scale and carrying their provenance.
/// The main job, explain and pe all write through here.
package func figureFiles(
  _ scenes: [(stem: String, scene: Scene)], png: Bool, svg: Bool, options: FigureOptions,
  fonts: FontSet
) throws -> [OutputFile] {
  if png { try checkPixels(scenes.map(\.scene), options: options) }
  let pngs = png ? try encodeFigures(scenes.map(\.scene), options: options, fonts: fonts) : []
  var files: [OutputFile] = []
  for (index, (stem, scene)) in scenes.enumerated() {
    if png { files.append(OutputFile(name: stem + ".png", contents: pngs[index])) }
    if svg { files.append(options.svgFile(stem + ".svg", scene)) }
  }
  return files
}

/// The most device pixels the PNG figures of one job may hold together. Drawing and compressing
/// costs time in proportion to the pixels; the default job's figures at the default scale hold
/// far fewer (see docs/robustness.md for the measured numbers), and the rasteriser's own limit of
/// 2^28 pixels a figure still applies to each.
let maximumRunPixels = 1 << 28

/// Refuses, before anything is drawn, PNG figures that together hold more than
/// `maximumRunPixels` device pixels (`--scale 8` on 300 tokens made a dozen figures of up to
/// 2^28 pixels each and took minutes): a usage error saying what makes them fewer.
func checkPixels(_ scenes: [Scene], options: FigureOptions) throws {
  var total = 0.0
  for scene in scenes {
    let scale = options.pngScale(scene)
    total += (scene.width * scale).rounded() * (scene.height * scale).rounded()
  }
  guard total > Double(maximumRunPixels) else { return }
  let scale = options.scale ?? options.pngScale(scenes[0])
  // The scale at which the same figures fit (pixels grow with its square).
  let fitting = (scale * (Double(maximumRunPixels) / total).squareRoot() * 10).rounded(.down) / 10
  let remedy =
    options.scale != nil && fitting >= 1
    ? "give --scale \(formatFixed(fitting, decimals: 1)) or less, "
    : (options.scale != nil ? "give a smaller --scale, " : "")
  let count = scenes.count == 1 ? "1 PNG figure" : "\(scenes.count) PNG figures"
  throw AttnvizError.usage(
    "the \(count) of this run would hold \(formatFixed(total / 1e6, decimals: 0)) million pixels "
      + "together at scale \(formatFixed(scale, decimals: 1)), more than the limit of "
      + "\(formatFixed(Double(maximumRunPixels) / 1e6, decimals: 0)) million a run may draw; "
      + remedy + "draw fewer figures (--view, --layer, --head) or write --format svg")
}

/// Rasterises and encodes the scenes on all cores (a model run makes a dozen figures); the
/// results keep the scenes' order, so the output does not depend on scheduling.
func encodeFigures(_ scenes: [Scene], options: FigureOptions, fonts: FontSet) throws -> [[UInt8]] {
  let results = ResultSlots<[UInt8]>(count: scenes.count)
  DispatchQueue.concurrentPerform(iterations: scenes.count) { index in
    let scale = options.pngScale(scenes[index])
    results.set(
      index,
      Result { try encodeFigure(scenes[index], scale: scale, fonts: fonts, text: options.pngText) })
  }
  return try results.values()
}

/// One slot per concurrent task; each task writes only its own slot, under a lock.
final class ResultSlots<Value>: @unchecked Sendable {
  private var slots: [Result<Value, Error>?]
  private let lock = NSLock()

  init(count: Int) { slots = Array(repeating: nil, count: count) }

  func set(_ index: Int, _ result: Result<Value, Error>) {
    lock.lock()
    slots[index] = result
    lock.unlock()
  }

  func values() throws -> [Value] {
    try slots.map { slot in
      guard let slot else { throw AttnvizError.failure("a figure was not drawn") }
      return try slot.get()
    }
  }
}

/// The fonts of a run's figures: `--font`, then DejaVu, then the fallbacks installed on the
/// system or in the user's font folders.
package func loadFonts(_ figure: FigureOptions) throws -> FontSet {
  do {
    return try FontSet(fontPath: figure.fontPath, home: figure.fontHome)
  } catch {
    throw AttnvizError.failure("\(error)")
  }
}

func encodeFigure(
  _ scene: Scene, scale: Double, fonts: FontSet, text: [PNGTextEntry] = []
) throws -> [UInt8] {
  do {
    return try renderPNG(scene, scale: scale, fonts: fonts, text: text)
  } catch {
    throw AttnvizError.failure("cannot encode a PNG: \(error)")
  }
}
