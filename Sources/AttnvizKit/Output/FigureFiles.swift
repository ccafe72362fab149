import AttnvizRender
import Foundation

/// The one place scenes become figure files: each scene as `stem.png` and/or `stem.svg`, in the
/// scenes' order (PNG before SVG per scene), at the options' scale and carrying their provenance.
/// The main job, explain and pe all write through here.
package func figureFiles(
  _ scenes: [(stem: String, scene: Scene)], png: Bool, svg: Bool, options: FigureOptions,
  fonts: FontSet
) throws -> [OutputFile] {
  let pngs = png ? try encodeFigures(scenes.map(\.scene), options: options, fonts: fonts) : []
  var files: [OutputFile] = []
  for (index, (stem, scene)) in scenes.enumerated() {
    if png { files.append(OutputFile(name: stem + ".png", contents: pngs[index])) }
    if svg { files.append(options.svgFile(stem + ".svg", scene)) }
  }
  return files
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

package func loadFonts(_ path: String?) throws -> FontSet {
  do {
    return try FontSet(fontPath: path)
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
