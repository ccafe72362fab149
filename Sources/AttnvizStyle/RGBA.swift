/// An 8-bit sRGB colour with straight (not premultiplied) alpha.
public struct RGBA: Sendable, Equatable, Hashable {
  public var r: UInt8
  public var g: UInt8
  public var b: UInt8
  public var a: UInt8

  public init(_ r: UInt8, _ g: UInt8, _ b: UInt8, _ a: UInt8 = 255) {
    self.r = r
    self.g = g
    self.b = b
    self.a = a
  }

  public static let white = RGBA(255, 255, 255)
  public static let black = RGBA(0, 0, 0)
  public static let clear = RGBA(0, 0, 0, 0)
}
