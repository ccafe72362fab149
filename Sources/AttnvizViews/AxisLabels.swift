import AttnvizRender
import AttnvizStyle

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// Which labels of an axis are drawn and how: each shown label cleaned and shortened, every
/// `stride`-th one drawn (and always those in `keep`: `thinnedIndices`), column labels turned
/// by `rotation` degrees when upright ones collide.
struct LabelPlan {
  var texts: [String]
  var stride: Int
  var rotation: Double
  var size: Double
  /// Labels drawn whatever the stride: the focused token, its strongest key.
  var keep: Set<Int> = []

  var shownIndices: [Int] { thinnedIndices(count: texts.count, stride: stride, keep: keep) }
}

/// Gap between a grid and its tick labels.
let labelGap = 6.0

private func lineHeight(_ size: Double, _ measurer: any TextMeasuring) -> Double {
  measurer.ascent(size: size) + measurer.descent(size: size)
}

private func cleaned(
  _ raw: [String], style: FigureStyle, measurer: any TextMeasuring
) -> [String] {
  raw.map {
    shortened(
      $0, toWidth: style.maxLabelWidth, size: style.fontSize, measurer: measurer)
  }
}

/// Row labels sit one per row unless rows are thinner than a line of text.
func planRowLabels(
  _ raw: [String], spacing: Double, nice: Bool, style: FigureStyle, measurer: any TextMeasuring,
  keep: Set<Int> = []
) -> LabelPlan {
  // Numbered axes are read as a scale, not label by label: give them air.
  let needed = lineHeight(style.fontSize, measurer) * (nice ? 1.6 : 1) + 2
  return LabelPlan(
    texts: cleaned(raw, style: style, measurer: measurer),
    stride: labelStride(spacing: spacing, needed: needed, nice: nice), rotation: 0,
    size: style.fontSize, keep: keep)
}

/// Column labels stay upright if each fits its column; otherwise token labels slant at 45°
/// (readable, and they fit while columns are ≥ √2 line heights apart), then stand at 90°
/// with every k-th shown. Numbered axes stay upright and thin out with a nice stride instead,
/// when their numbers are evenly spaced: of pairs 0, 1, 16, 31 every other label would read as
/// a scale of 0…16, so those are treated as words.
func planColumnLabels(
  _ raw: [String], spacing: Double, nice: Bool, style: FigureStyle, measurer: any TextMeasuring,
  keep: Set<Int> = []
) -> LabelPlan {
  let nice = nice && evenlyNumbered(raw)
  let texts = cleaned(raw, style: style, measurer: measurer)
  let line = lineHeight(style.fontSize, measurer)
  let widest =
    texts.map { measurer.width(of: $0, size: style.fontSize, weight: .regular) }.max() ?? 0
  var plan = LabelPlan(texts: texts, stride: 1, rotation: 0, size: style.fontSize, keep: keep)
  if widest + 6 <= spacing { return plan }
  if nice {
    plan.stride = labelStride(spacing: spacing, needed: widest + 8, nice: true)
  } else if spacing >= line * 2.squareRoot() + 2 {
    plan.rotation = 45
  } else {
    plan.rotation = 90
    plan.stride = labelStride(spacing: spacing, needed: line + 2)
  }
  return plan
}

/// Labels ending in numbers that step by one constant amount ("d0", "d1", …; "0", "2", "4").
func evenlyNumbered(_ labels: [String]) -> Bool {
  let numbers = labels.map { label in
    Int(String(label.reversed().prefix { $0.isASCII && $0.isNumber }.reversed()))
  }
  guard numbers.count > 2 else { return true }
  let values = numbers.compactMap { $0 }
  guard values.count == numbers.count else { return false }
  let step = values[1] - values[0]
  return zip(values, values.dropFirst()).allSatisfy { $1 - $0 == step }
}

/// Right-aligned labels left of a grid, each centred on its row.
func drawRowLabels(
  _ plan: LabelPlan, grid: GridGeometry, color: RGBA = FigureStyle.ink, inset: Double = 0,
  into canvas: inout Canvas
) {
  let shift =
    (canvas.measurer.ascent(size: plan.size) - canvas.measurer.descent(size: plan.size)) / 2
  let half =
    (canvas.measurer.ascent(size: plan.size) + canvas.measurer.descent(size: plan.size)) / 2
  // With cells smaller than a line, the last label can hang below the grid into the column
  // labels' corner: it gives way (the labels are a sample then anyway).
  for i in plan.shownIndices
  where i == 0 || plan.keep.contains(i) || grid.centerY(i) + half <= grid.maxY + labelGap {
    canvas.text(
      TextItem(
        plan.texts[i], at: Point(grid.x - labelGap - inset, grid.centerY(i) + shift),
        size: plan.size,
        color: color, anchor: .end, role: "row-label"))
  }
}

/// Labels under (or over) a grid, each centred on its column, set `labelGap` off the grid
/// whatever their rotation.
func drawColumnLabels(
  _ plan: LabelPlan, grid: GridGeometry, below: Bool, color: RGBA = FigureStyle.ink,
  into canvas: inout Canvas
) {
  let measurer = canvas.measurer
  let ascent = measurer.ascent(size: plan.size)
  let descent = measurer.descent(size: plan.size)
  let theta = plan.rotation * Double.pi / 180
  // Centre the text's band across the column: move the anchor against the glyphs' "up".
  let up = Point(-sin(theta), -cos(theta))
  let centring = (ascent - descent) / 2
  let anchor: TextAnchor = plan.rotation == 0 ? .middle : (below ? .end : .start)
  let edge = below ? grid.maxY : grid.y
  var items: [TextItem] = []
  for i in plan.shownIndices {
    items.append(
      TextItem(
        plan.texts[i],
        at: Point(grid.centerX(i) - up.x * centring, edge - up.y * centring),
        size: plan.size, color: color, anchor: anchor, rotation: plan.rotation,
        role: "column-label"))
  }
  let boxes = items.map { Box.around(textCorners($0, measurer: measurer)) }
  let shift: Double
  if below {
    shift = edge + labelGap - (boxes.map(\.minY).min() ?? edge)
  } else {
    shift = edge - labelGap - (boxes.map(\.maxY).max() ?? edge)
  }
  for item in items { canvas.add(SceneItem.text(item).moved(0, shift)) }
}

/// An axis title, with a shorter form for grids too small to carry the full one.
struct AxisTitle {
  var full: String
  var short: String

  init(_ full: String, short: String? = nil) {
    self.full = full
    self.short = short ?? full
  }

  /// The full title if it is at most `room` wide (plus some overhang), else the short one.
  func fitting(_ room: Double, size: Double, measurer: any TextMeasuring) -> String {
    measurer.width(of: full, size: size, weight: .bold) <= room + 60 ? full : short
  }
}

/// Axis titles: the column title under (or over) everything drawn so far, the row title
/// reading bottom to top left of everything, both centred on the grid.
func drawAxisTitles(
  row: AxisTitle?, column: AxisTitle?, grid: GridGeometry, columnBelow: Bool,
  style: FigureStyle, into canvas: inout Canvas
) {
  let measurer = canvas.measurer
  let size = style.fontSize
  let ascent = measurer.ascent(size: size)
  let descent = measurer.descent(size: size)
  if let column, !column.full.isEmpty, let drawn = canvas.bounds {
    let y = columnBelow ? drawn.maxY + 8 + ascent : drawn.minY - 8 - descent
    canvas.text(
      TextItem(
        column.fitting(grid.width, size: size, measurer: measurer),
        at: Point(grid.x + grid.width / 2, y), size: size, color: FigureStyle.ink,
        anchor: .middle, weight: .bold, role: "axis-title"))
  }
  if let row, !row.full.isEmpty, let drawn = canvas.bounds {
    canvas.text(
      TextItem(
        row.fitting(grid.height, size: size, measurer: measurer),
        at: Point(drawn.minX - 8 - descent, grid.y + grid.height / 2), size: size,
        color: FigureStyle.ink, anchor: .middle, weight: .bold, rotation: 90,
        role: "axis-title"))
  }
}
