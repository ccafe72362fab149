/// Maps a normalised value in 0…1 to a colour (matplotlib's `ScalarMappable` split: the caller
/// normalises, the map only looks up).
///
/// PLACEHOLDER INTERFACE: the render work replaces the body with the published 256-entry tables
/// (viridis, cividis, magma, inferno, gray, blues) and a diverging map; the API stays.
public struct ColorMap: Sendable, Equatable {
  public let name: String
  /// 256 entries, index 0 for value 0, 255 for value 1.
  public let table: [RGBA]
  /// True for maps meant for signed data centred on 0 (value 0.5 is the neutral centre).
  public let isDiverging: Bool

  public init(name: String, table: [RGBA], isDiverging: Bool = false) {
    precondition(table.count == 256, "a colour map has 256 entries")
    self.name = name
    self.table = table
    self.isDiverging = isDiverging
  }

  /// The colour for `t` in 0…1 (clamped; NaN maps to 0).
  public func color(at t: Double) -> RGBA {
    let clamped = t.isNaN ? 0 : min(max(t, 0), 1)
    return table[Int((clamped * 255).rounded())]
  }

  /// Names accepted by `--colormap`, in the order `--help` lists them.
  public static let sequentialNames = ["viridis", "cividis", "magma", "inferno", "gray", "blues"]

  public static func named(_ name: String) -> ColorMap? {
    switch name {
    case "gray": gray
    default: nil
    }
  }

  public static let gray = ColorMap(
    name: "gray", table: (0..<256).map { RGBA(UInt8($0), UInt8($0), UInt8($0)) })
}
