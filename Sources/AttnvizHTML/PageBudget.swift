/// How much of a trace an interactive page embeds, so that it stays a file a browser opens in a
/// second and a lecturer can mail (the output-size policy of docs/robustness.md).
///
/// The page holds one number per weight it shows: tokens² × heads × layers of them.
/// - Up to `fullLimit` numbers (10.7 MB of base64): every weight as the exact double of
///   attention.json, so values on hover are the tables' to the last digit.
/// - Up to `numberLimit` numbers: each weight rounded to hundredths (the two decimals the tables
///   print, by the same rule), one byte each.
/// - Beyond: hundredths, and only as many layers as fit in `numberLimit`, evenly spread and
///   always with the layer shown first (`--layer`, default the last). The selected layer is
///   always embedded whole, whatever its size.
public struct PageBudget: Sendable, Equatable {
  public static let fullLimit = 1_000_000
  public static let numberLimit = 8_000_000

  public enum Precision: String, Sendable { case full, hundredths }

  public var precision: Precision
  /// 0-based layers embedded, ascending.
  public var layers: [Int]

  /// The plan for `tokens` tokens, `layerCount` layers of `heads` heads, showing `selected`
  /// (0-based) first.
  public init(tokens: Int, layerCount: Int, heads: Int, selected: Int) {
    let perLayer = tokens * tokens * heads
    let all = perLayer * layerCount
    if all <= PageBudget.fullLimit {
      precision = .full
      layers = Array(0..<layerCount)
    } else if all <= PageBudget.numberLimit {
      precision = .hundredths
      layers = Array(0..<layerCount)
    } else {
      precision = .hundredths
      let fitting = max(1, PageBudget.numberLimit / max(perLayer, 1))
      layers = spreadLayers(count: min(fitting, layerCount), of: layerCount, keeping: selected)
    }
  }

  public var isReduced: Bool { precision == .hundredths }
}

/// `count` layers of `total`, evenly spaced from the first to the last, with `kept` replacing
/// the nearest one when it is not among them.
func spreadLayers(count: Int, of total: Int, keeping kept: Int) -> [Int] {
  guard count > 1 else { return [kept] }
  // Typed steps: as closures over mixed Int and Double arithmetic this took the type checker
  // about 0.2 s.
  var chosen: [Int] = []
  for i in 0..<count {
    let position: Double = Double(i * (total - 1)) / Double(count - 1)
    chosen.append(Int(position.rounded()))
  }
  if !chosen.contains(kept) {
    var nearest = 0
    for index in chosen.indices where abs(chosen[index] - kept) < abs(chosen[nearest] - kept) {
      nearest = index
    }
    chosen[nearest] = kept
  }
  return Array(Set(chosen)).sorted()
}
