extension PixelTarget {
  /// A segment with butt caps as a rotated rectangle. A pixel's coverage is the product of two
  /// exact box-filter coverages: of the infinite strip |s| ≤ width/2 across the line, and of the
  /// strip 0 ≤ t ≤ length along it. Exact for horizontal and vertical lines and, at any angle,
  /// away from the two ends, so thin diagonal lines keep their full ink.
  func draw(_ line: LineItem, scale: Double) {
    guard line.from.x.isFinite, line.from.y.isFinite, line.to.x.isFinite, line.to.y.isFinite,
      line.width.isFinite, line.width > 0, line.color.a > 0
    else { return }
    var (x0, y0) = (line.from.x * scale, line.from.y * scale)
    var (x1, y1) = (line.to.x * scale, line.to.y * scale)
    let halfWidth = line.width * scale / 2
    if halfWidth >= 0.5 && (x0 == x1 || y0 == y1) {
      Self.snapAxisAligned(&x0, &y0, &x1, &y1, halfWidth: halfWidth)
    }
    let dx = x1 - x0
    let dy = y1 - y0
    let length = (dx * dx + dy * dy).squareRoot()
    guard length > 0, length < 1e7 else { return }
    let (ux, uy) = (dx / length, dy / length)
    let footprint = PixelFootprint(direction: ux, uy)
    // Pixel centres with any coverage lie within the footprint's reach of the rectangle.
    let (minT, maxT) = (-footprint.reach, length + footprint.reach)
    let maxS = halfWidth + footprint.reach
    let reach = maxS + footprint.reach + 0.5
    let top = max(0, deviceInt((min(y0, y0 + dy) - reach).rounded(.down)))
    let bottom = min(height, deviceInt((max(y0, y0 + dy) + reach).rounded(.up)))
    guard top < bottom else { return }
    for y in top..<bottom {
      let cy = Double(y) + 0.5 - y0
      // t(x) = (cx - x0)·ux + cy·uy and s(x) = -(cx - x0)·uy + cy·ux are linear in the column
      // centre cx, so each bound gives an interval of columns.
      var low = -Double.infinity
      var high = Double.infinity
      narrow(&low, &high, slope: ux, offset: cy * uy, lower: minT, upper: maxT)
      narrow(&low, &high, slope: -uy, offset: cy * ux, lower: -maxS, upper: maxS)
      guard low < high else { continue }
      let first = max(0, deviceInt((x0 + low - 0.5).rounded(.down)))
      let last = min(width - 1, deviceInt((x0 + high - 0.5).rounded(.up)))
      guard first <= last else { continue }
      for x in first...last {
        let cx = Double(x) + 0.5 - x0
        let t = cx * ux + cy * uy
        let s = -cx * uy + cy * ux
        let along = footprint.below(length - t) - footprint.below(-t)
        let across = footprint.below(halfWidth - s) - footprint.below(-halfWidth - s)
        let cover = along * across
        blend(pixel(x, y), line.color, alpha: alphaUnits(line.color, coverage: cover))
      }
    }
  }

  /// Moves a horizontal or vertical line so its sides and butt ends fall on pixel boundaries
  /// (matplotlib's snapping): a 1 px grid line then covers one pixel row, not two grey ones.
  private static func snapAxisAligned(
    _ x0: inout Double, _ y0: inout Double, _ x1: inout Double, _ y1: inout Double,
    halfWidth: Double
  ) {
    func snap(_ v: Double) -> Double { (v + 0.5).rounded(.down) }
    func snapEnds(_ a: inout Double, _ b: inout Double) {
      if snap(a) != snap(b) { (a, b) = (snap(a), snap(b)) }
    }
    if y0 == y1 {
      let centre = snap(y0 - halfWidth) + halfWidth
      (y0, y1) = (centre, centre)
      snapEnds(&x0, &x1)
    } else {
      let centre = snap(x0 - halfWidth) + halfWidth
      (x0, x1) = (centre, centre)
      snapEnds(&y0, &y1)
    }
  }

  /// Narrows [low, high] (offsets of the column centre from x0) to where
  /// lower < slope·u + offset < upper.
  private func narrow(
    _ low: inout Double, _ high: inout Double, slope: Double, offset: Double, lower: Double,
    upper: Double
  ) {
    if abs(slope) < 1e-12 {
      if !(offset > lower && offset < upper) { (low, high) = (1, 0) }
      return
    }
    let a = (lower - offset) / slope
    let b = (upper - offset) / slope
    low = max(low, min(a, b))
    high = min(high, max(a, b))
  }
}

/// A unit pixel square seen along a unit direction: its projection is a trapezoid of total
/// area 1, half-width (p + q)/2 and flat top of half-width (p − q)/2, where p ≥ q are the
/// direction's absolute components. `below(a)` is the share of the pixel on the near side of a
/// line at signed distance `a` from its centre: the exact area a half-plane covers.
struct PixelFootprint {
  let p: Double
  let q: Double

  init(direction x: Double, _ y: Double) {
    p = max(abs(x), abs(y))
    q = min(abs(x), abs(y))
  }

  /// Farthest distance from a pixel centre to its corners along the direction.
  var reach: Double { (p + q) / 2 }

  @inline(__always)
  func below(_ a: Double) -> Double {
    let outer = (p + q) / 2
    let inner = (p - q) / 2
    if a <= -outer { return 0 }
    if a >= outer { return 1 }
    if a < -inner {
      let d = a + outer
      return d * d / (2 * p * q)
    }
    if a > inner {
      let d = outer - a
      return 1 - d * d / (2 * p * q)
    }
    return (a + p / 2) / p
  }
}
