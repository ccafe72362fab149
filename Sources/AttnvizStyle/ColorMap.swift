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
  public static let sequentialNames = ColorMapName.listed.map(\.rawValue)

  /// The map called `name` (case-insensitive, with the aliases `ColorMapName` accepts), or nil.
  public static func named(_ name: String) -> ColorMap? { ColorMapName(name: name)?.map }

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

/// A colour map chosen by name: `--colormap` is resolved into this once, where it is parsed, and
/// everything after holds the typed value.
public enum ColorMapName: String, CaseIterable, Sendable {
  case viridis, cividis, magma, inferno, gray, blues
  /// matplotlib "RdBu_r", for signed matrices; accepted but not listed by `--help`.
  case diverging

  /// The maps `--help` lists: the sequential ones, for weights in 0…1.
  public static let listed: [ColorMapName] = [.viridis, .cividis, .magma, .inferno, .gray, .blues]

  /// `name` case-insensitively, with the aliases "grey", "rdbu" and "rdbu_r"; nil when unknown.
  public init?(name: String) {
    switch name.lowercased() {
    case "grey": self = .gray
    case "rdbu", "rdbu_r": self = .diverging
    default:
      guard let known = ColorMapName(rawValue: name.lowercased()) else { return nil }
      self = known
    }
  }

  public var map: ColorMap {
    switch self {
    case .viridis: .viridis
    case .cividis: .cividis
    case .magma: .magma
    case .inferno: .inferno
    case .gray: .gray
    case .blues: .blues
    case .diverging: .diverging
    }
  }
}
