extension PixelTarget {
  /// A segment with butt caps as a rotated rectangle. A pixel's coverage is the product of two
  /// box-filter overlaps measured from its centre: across the line (|s| ≤ width/2) and along it
  /// (0 ≤ t ≤ length). Exact for horizontal and vertical lines; for other angles the ink per unit
  /// length is still exactly `width`, only the edge profile is approximated.
  func draw(_ line: LineItem, scale: Double) {
    let values = [line.from.x, line.from.y, line.to.x, line.to.y, line.width]
    guard values.allSatisfy(\.isFinite), line.width > 0, line.color.a > 0 else { return }
    let (x0, y0) = (line.from.x * scale, line.from.y * scale)
    let dx = line.to.x * scale - x0
    let dy = line.to.y * scale - y0
    let length = (dx * dx + dy * dy).squareRoot()
    guard length > 0, length < 1e7 else { return }
    let (ux, uy) = (dx / length, dy / length)
    let halfWidth = line.width * scale / 2
    // Pixel centres with any coverage satisfy -0.5 < t < length + 0.5 and |s| < halfWidth + 0.5.
    let (minT, maxT) = (-0.5, length + 0.5)
    let maxS = halfWidth + 0.5
    let reach = maxS + 0.5
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
        let along = max(0, min(t + 0.5, length) - max(t - 0.5, 0))
        let across = max(0, min(s + 0.5, halfWidth) - max(s - 0.5, -halfWidth))
        let cover = min(along, 1) * min(across, 1)
        blend(pixel(x, y), line.color, alpha: alphaUnits(line.color, coverage: cover))
      }
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
