import Foundation

/// Maps a normalised value in 0…1 to a colour (matplotlib's `ScalarMappable` split: the caller
/// normalises, the map only looks up).
///
/// The tables are matplotlib's own 256-entry lookup tables, generated into
/// `ColorMap+Tables.swift` by `scripts/make-colormap-tables.py` (sources and licences there).
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

  /// Names of the maps for signed matrices (value 0.5 is zero).
  public static let divergingNames = ["diverging", "rdbu"]

  /// The map called `name` (case-insensitive), or nil. "diverging" and "rdbu" name the
  /// diverging map.
  public static func named(_ name: String) -> ColorMap? {
    switch name.lowercased() {
    case "viridis": viridis
    case "cividis": cividis
    case "magma": magma
    case "inferno": inferno
    case "gray", "grey": gray
    case "blues": blues
    case "diverging", "rdbu", "rdbu_r": diverging
    default: nil
    }
  }

  public static let viridis = ColorMap(name: "viridis", table: viridisTable)
  public static let cividis = ColorMap(name: "cividis", table: cividisTable)
  public static let magma = ColorMap(name: "magma", table: magmaTable)
  public static let inferno = ColorMap(name: "inferno", table: infernoTable)
  /// matplotlib "Blues": white to dark blue.
  public static let blues = ColorMap(name: "blues", table: bluesTable)
  /// matplotlib "RdBu_r": blue for negative, near-white at 0.5, red for positive.
  public static let diverging = ColorMap(
    name: "diverging", table: divergingTable, isDiverging: true)

  public static let gray = ColorMap(
    name: "gray", table: (0..<256).map { RGBA(UInt8($0), UInt8($0), UInt8($0)) })
}

/// Black or white, whichever reads better on `background` (by WCAG relative luminance: the
/// contrast ratio against black beats the one against white when luminance > ~0.179).
public func contrastingTextColor(on background: RGBA) -> RGBA {
  func linear(_ channel: UInt8) -> Double {
    let c = Double(channel) / 255
    return c <= 0.04045 ? c / 12.92 : pow((c + 0.055) / 1.055, 2.4)
  }
  let luminance =
    0.2126 * linear(background.r) + 0.7152 * linear(background.g)
    + 0.0722 * linear(background.b)
  // (L + 0.05) / 0.05 > 1.05 / (L + 0.05)  ⇔  L > sqrt(1.05 × 0.05) − 0.05 ≈ 0.179
  return luminance > 0.179 ? RGBA(0, 0, 0) : RGBA(255, 255, 255)
}
