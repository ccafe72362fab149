import AttnvizMath
import AttnvizRender

/// The side of a cell when `count` cells share an axis: `base` while the grid fits in
/// `maxGrid`, then smaller: whole pixels while cells are ≥ 2 px, so cell edges fall on device
/// pixels and anti-aliasing leaves no faint seams between cells.
func fittedCellSize(count: Int, base: Double, maxGrid: Double) -> Double {
  guard count > 0, Double(count) * base > maxGrid else { return base }
  let raw = maxGrid / Double(count)
  return raw >= 2 ? raw.rounded(.down) : raw
}

/// Where a grid of cells sits: top-left corner and cell size.
struct GridGeometry {
  var x: Double
  var y: Double
  var cellWidth: Double
  var cellHeight: Double
  var rows: Int
  var columns: Int

  var width: Double { cellWidth * Double(columns) }
  var height: Double { cellHeight * Double(rows) }
  var maxX: Double { x + width }
  var maxY: Double { y + height }
  func centerX(_ column: Int) -> Double { x + (Double(column) + 0.5) * cellWidth }
  func centerY(_ row: Int) -> Double { y + (Double(row) + 0.5) * cellHeight }
}

/// The cells of a matrix, coloured by `scale`; masked and non-finite cells in the masked style.
/// With `annotationSize`, each value is printed in its cell in a colour that contrasts with it.
func drawCells(
  _ matrix: Matrix, isMasked: (Int, Int) -> Bool, scale: ColorScale, grid: GridGeometry,
  annotationSize: Double?, into canvas: inout Canvas
) {
  let ascent = canvas.measurer.ascent(size: annotationSize ?? 0)
  let descent = canvas.measurer.descent(size: annotationSize ?? 0)
  for r in 0..<matrix.rows {
    for c in 0..<matrix.columns {
      let x = grid.x + Double(c) * grid.cellWidth
      let y = grid.y + Double(r) * grid.cellHeight
      let value = matrix[r, c]
      if isMasked(r, c) || !value.isFinite {
        drawMaskedCell(x: x, y: y, width: grid.cellWidth, height: grid.cellHeight, into: &canvas)
        continue
      }
      let fill = scale.color(value)
      canvas.rect(
        RectItem(
          x: x, y: y, width: grid.cellWidth, height: grid.cellHeight, fill: fill, role: "cell"))
      if let annotationSize {
        canvas.text(
          TextItem(
            scale.annotation(value),
            at: Point(grid.centerX(c), grid.centerY(r) + (ascent - descent) / 2),
            size: annotationSize, color: textColor(on: fill), anchor: .middle,
            role: "annotation"))
      }
    }
  }
}

/// The widest annotation a matrix would print, to decide whether values fit in the cells.
func widestAnnotation(
  _ matrix: Matrix, scale: ColorScale, size: Double, measurer: any TextMeasuring
) -> Double {
  // Digits have equal advance in common fonts, so the longest string is the widest.
  let strings = matrix.values.map { scale.annotation($0) }
  let longest = strings.max { $0.count < $1.count } ?? ""
  return measurer.width(of: longest, size: size, weight: .regular)
}

/// `matrix` shrunk to at most `maxRows`×`maxColumns` blocks for grids whose cells would be
/// smaller than a pixel: each block shows its largest weight (so a single strong link is never
/// averaged away; the subtitle says so), or for signed matrices its value of largest magnitude.
/// Masked entries are left out; a block with no unmasked entry comes back NaN (drawn as masked).
/// Returns the factor per axis.
func pooled(
  _ matrix: Matrix, maxRows: Int, maxColumns: Int, isMasked: (Int, Int) -> Bool,
  signed: Bool = false
) -> (matrix: Matrix, rowFactor: Int, columnFactor: Int) {
  let rowFactor = max(1, (matrix.rows + maxRows - 1) / max(1, maxRows))
  let columnFactor = max(1, (matrix.columns + maxColumns - 1) / max(1, maxColumns))
  if rowFactor == 1 && columnFactor == 1 {
    var copy = matrix
    for r in 0..<matrix.rows {
      for c in 0..<matrix.columns where isMasked(r, c) { copy[r, c] = .nan }
    }
    return (copy, 1, 1)
  }
  let rows = (matrix.rows + rowFactor - 1) / rowFactor
  let columns = (matrix.columns + columnFactor - 1) / columnFactor
  var out = Matrix(rows: rows, columns: columns, repeating: .nan)
  for r in 0..<matrix.rows {
    for c in 0..<matrix.columns where !isMasked(r, c) && matrix[r, c].isFinite {
      let value = matrix[r, c]
      let current = out[r / rowFactor, c / columnFactor]
      let larger = signed ? abs(value) > abs(current) : value > current
      if current.isNaN || larger { out[r / rowFactor, c / columnFactor] = value }
    }
  }
  return (out, rowFactor, columnFactor)
}

/// What the subtitle says when cells are blocks of tokens.
func poolingNote(
  rowFactor: Int, columnFactor: Int, signed: Bool = false, rowNoun: String = "token",
  columnNoun: String = "token"
) -> String? {
  guard rowFactor > 1 || columnFactor > 1 else { return nil }
  let what = signed ? "value of largest magnitude" : "largest weight"
  guard columnNoun != rowNoun else {
    return "each cell shows the \(what) of \(rowFactor)×\(columnFactor) \(rowNoun)s"
  }
  // Columns of dimensions (a wide hidden layer): say what each axis pools.
  func count(_ n: Int, _ noun: String) -> String { "\(n) \(noun)\(n == 1 ? "" : "s")" }
  return
    "each cell shows the \(what) of \(count(rowFactor, rowNoun)) × \(count(columnFactor, columnNoun))"
}
