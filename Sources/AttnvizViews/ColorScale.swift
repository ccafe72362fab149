import AttnvizMath
import AttnvizRender
import AttnvizStyle

/// Value → colour for one figure (matplotlib's `Normalize` + colour map): weights on a fixed
/// 0…1 scale so figures compare across heads and layers, signed values on a scale symmetric
/// about 0 so white (the diverging map's centre) always means zero.
struct ColorScale {
  var map: ColorMap
  var lower: Double
  var upper: Double
  /// Tick values and their labels, from `lower` to `upper`.
  var ticks: [(value: Double, label: String)]
  var isSigned: Bool

  static func probabilities(_ map: ColorMap) -> ColorScale {
    ColorScale(
      map: map, lower: 0, upper: 1,
      ticks: [(0, "0"), (0.25, "0.25"), (0.5, "0.5"), (0.75, "0.75"), (1, "1")], isSigned: false)
  }

  /// −limit…limit with ticks at the ends, halves and 0.
  static func symmetric(limit rawLimit: Double, map: ColorMap) -> ColorScale {
    let limit = rawLimit.isFinite && rawLimit > 0 ? rawLimit : 1
    let values = [-limit, -limit / 2, 0, limit / 2, limit]
    let decimals = tickDecimals(limit)
    return ColorScale(
      map: map, lower: -limit, upper: limit,
      ticks: values.map { ($0, trimmedZeros(formatSigned($0, decimals: decimals))) },
      isSigned: true)
  }

  /// The scale a matrix of this kind needs.
  static func forMatrices(_ matrices: [Matrix], kind: MatrixKind, style: FigureStyle) -> ColorScale
  {
    switch kind {
    case .probabilities: return .probabilities(style.colorMap)
    case .signed:
      if let limit = style.signedLimit { return .symmetric(limit: limit, map: style.divergingMap) }
      let finite = matrices.flatMap { $0.values }.filter(\.isFinite)
      return .symmetric(limit: finite.reduce(0) { max($0, abs($1)) }, map: style.divergingMap)
    }
  }

  func normalized(_ value: Double) -> Double { (value - lower) / (upper - lower) }

  func color(_ value: Double) -> RGBA { map.color(at: normalized(value)) }

  /// How a cell's value is printed in the cell.
  func annotation(_ value: Double) -> String {
    isSigned ? formatSigned(value, decimals: 2) : formatFixed(value, decimals: 2)
  }
}

/// Decimals that tell the ticks of a ±limit scale apart: 0 for limits ≥ 10, more for small ones.
private func tickDecimals(_ limit: Double) -> Int {
  if limit >= 20 { return 0 }
  if limit >= 2 { return 1 }
  if limit >= 0.2 { return 2 }
  return 3
}

/// "1.00" → "1", "0.50" → "0.5": tick labels as matplotlib prints them.
func trimmedZeros(_ text: String) -> String {
  guard text.contains(".") else { return text }
  var out = Substring(text)
  while out.hasSuffix("0") { out = out.dropLast() }
  if out.hasSuffix(".") { out = out.dropLast() }
  return String(out)
}

/// `value` with `decimals` digits after the point and a true minus sign ("−0.25"), never "−0".
package func formatSigned(_ value: Double, decimals: Int) -> String {
  let text = formatFixed(abs(value), decimals: decimals)
  let isZero = text.allSatisfy { $0 == "0" || $0 == "." }
  return value < 0 && !isZero ? "−" + text : text
}

/// Dark or light text, whichever contrasts more with `background` (the WCAG rule of AttnvizStyle).
func textColor(on background: RGBA) -> RGBA {
  prefersDarkText(on: background) ? FigureStyle.ink : .white
}
