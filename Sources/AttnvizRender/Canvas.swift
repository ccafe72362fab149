/// An RGBA8 pixel buffer (straight alpha, rows top to bottom) being drawn into.
public struct RasterImage: Sendable, Equatable {
  public let width: Int
  public let height: Int
  /// `width × height × 4` bytes: R, G, B, A.
  public internal(set) var rgba: [UInt8]

  init(width: Int, height: Int, fill: RGBA) {
    self.width = width
    self.height = height
    let count = width * height * 4
    rgba = [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
      guard let base = buffer.baseAddress else { return }
      fillPixels(base, count: width * height, with: fill)
      initialized = count
    }
  }

  public func pixel(x: Int, y: Int) -> RGBA {
    let i = (y * width + x) * 4
    return RGBA(rgba[i], rgba[i + 1], rgba[i + 2], rgba[i + 3])
  }
}

/// Sets `count` RGBA pixels at `base` to `color`: doubling copies up to 64 KiB, then that block
/// copied along the rest, so every copy reads from the cache instead of from the half of the
/// buffer it just wrote (a figure's buffer is tens of megabytes).
func fillPixels(_ base: UnsafeMutablePointer<UInt8>, count: Int, with color: RGBA) {
  guard count > 0 else { return }
  base[0] = color.r
  base[1] = color.g
  base[2] = color.b
  base[3] = color.a
  let total = count * 4
  let block = 1 << 16
  var filled = 4
  while filled < total {
    let chunk = min(filled, block, total - filled)
    (base + filled).update(from: base, count: chunk)
    filled += chunk
  }
}

/// Full coverage of an opaque colour, the unit of `blend`'s `alpha` (255 × 255).
let fullAlpha = 65025

/// `color` at `coverage` (0…1) as an alpha in 0…65025 for `blend`.
@inline(__always)
func alphaUnits(_ color: RGBA, coverage: Double) -> Int {
  Int((coverage * Double(color.a) * 255).rounded())
}

/// Composites `color` with `alpha` (0…65025: coverage × colour alpha) over the pixel at `p`,
/// "source over" with straight alpha. Integer arithmetic on opaque canvases (the common case)
/// keeps the result exact and identical on every machine.
@inline(__always)
func blend(_ p: UnsafeMutablePointer<UInt8>, _ color: RGBA, alpha: Int) {
  if alpha <= 0 { return }
  if alpha >= fullAlpha {
    p[0] = color.r
    p[1] = color.g
    p[2] = color.b
    p[3] = 255
    return
  }
  if p[3] == 255 {
    let keep = fullAlpha - alpha
    p[0] = UInt8((Int(p[0]) * keep + Int(color.r) * alpha + fullAlpha / 2) / fullAlpha)
    p[1] = UInt8((Int(p[1]) * keep + Int(color.g) * alpha + fullAlpha / 2) / fullAlpha)
    p[2] = UInt8((Int(p[2]) * keep + Int(color.b) * alpha + fullAlpha / 2) / fullAlpha)
    return
  }
  blendOverTranslucent(p, color, alpha: alpha)
}

/// Porter–Duff source over for a canvas that is not opaque (transparent backgrounds):
/// αo = αs + αd(1 − αs), Co = (Cs αs + Cd αd (1 − αs)) / αo.
func blendOverTranslucent(_ p: UnsafeMutablePointer<UInt8>, _ color: RGBA, alpha: Int) {
  let sourceAlpha = Double(alpha) / Double(fullAlpha)
  let destAlpha = Double(p[3]) / 255
  let destWeight = destAlpha * (1 - sourceAlpha)
  let outAlpha = sourceAlpha + destWeight
  guard outAlpha > 0 else { return }
  func mix(_ source: UInt8, _ dest: UInt8) -> UInt8 {
    let value = (Double(source) * sourceAlpha + Double(dest) * destWeight) / outAlpha
    return UInt8(min(max(value.rounded(), 0), 255))
  }
  p[0] = mix(color.r, p[0])
  p[1] = mix(color.g, p[1])
  p[2] = mix(color.b, p[2])
  p[3] = UInt8(min(max((outAlpha * 255).rounded(), 0), 255))
}

/// A device coordinate as an Int, clamped so that NaN, infinities and absurd values from a
/// broken scene can neither trap nor overflow the loops that use it.
@inline(__always)
func deviceInt(_ value: Double) -> Int {
  guard value.isFinite else { return value > 0 ? 1 << 30 : -(1 << 30) }
  return Int(min(max(value, -1e9), 1e9))
}
