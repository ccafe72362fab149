import AttnvizRender

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// An axis-aligned box in logical pixels (y down), used to measure what a layout has drawn.
struct Box: Equatable {
  var minX: Double
  var minY: Double
  var maxX: Double
  var maxY: Double

  var width: Double { maxX - minX }
  var height: Double { maxY - minY }

  static func around(_ points: [Point]) -> Box {
    var box = Box(minX: .infinity, minY: .infinity, maxX: -.infinity, maxY: -.infinity)
    for p in points {
      box.minX = min(box.minX, p.x)
      box.minY = min(box.minY, p.y)
      box.maxX = max(box.maxX, p.x)
      box.maxY = max(box.maxY, p.y)
    }
    return box
  }

  func union(_ other: Box) -> Box {
    Box(
      minX: min(minX, other.minX), minY: min(minY, other.minY),
      maxX: max(maxX, other.maxX), maxY: max(maxY, other.maxY))
  }
}

/// The four corners of the ink box of a text item: advance width along the baseline, ascent up,
/// descent down, turned by `rotation` about the anchor.
///
/// Rotation is counter-clockwise on the page and y points down, so the baseline runs along
/// (cos θ, −sin θ) and "up" for the glyphs is (−sin θ, −cos θ).
func textCorners(_ text: TextItem, measurer: any TextMeasuring) -> [Point] {
  let width = measurer.width(of: text.string, size: text.size, weight: text.weight)
  let ascent = measurer.ascent(size: text.size)
  let descent = measurer.descent(size: text.size)
  let start: Double =
    switch text.anchor {
    case .start: 0
    case .middle: -width / 2
    case .end: -width
    }
  let theta = text.rotation * Double.pi / 180
  let along = Point(cos(theta), -sin(theta))
  let up = Point(-sin(theta), -cos(theta))
  func corner(_ u: Double, _ v: Double) -> Point {
    Point(
      text.position.x + along.x * u + up.x * v,
      text.position.y + along.y * u + up.y * v)
  }
  return [
    corner(start, -descent), corner(start + width, -descent),
    corner(start + width, ascent), corner(start, ascent),
  ]
}

/// The box an item paints into (lines padded by half their width).
func bounds(of item: SceneItem, measurer: any TextMeasuring) -> Box {
  switch item {
  case .rect(let r):
    let pad = r.stroke == nil ? 0 : r.strokeWidth / 2
    return Box(
      minX: r.x - pad, minY: r.y - pad, maxX: r.x + r.width + pad, maxY: r.y + r.height + pad)
  case .line(let l):
    let box = Box.around([l.from, l.to])
    let pad = l.width / 2
    return Box(
      minX: box.minX - pad, minY: box.minY - pad, maxX: box.maxX + pad, maxY: box.maxY + pad)
  case .text(let t):
    return Box.around(textCorners(t, measurer: measurer))
  }
}
