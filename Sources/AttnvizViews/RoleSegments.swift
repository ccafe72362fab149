import AttnvizRender
import AttnvizStyle

/// A run of tokens that belong together: a chat role's turn (system, user, assistant) or the
/// template markers around it. Every figure that shows a `--chat` prompt's tokens marks them
/// with the same bars (`drawSegments`), over a heatmap's columns or beside a column of tokens.
public struct ColumnSegment: Sendable, Equatable {
  public enum Kind: String, Sendable {
    case system, user, assistant

    /// The colour's name for captions.
    public var colorName: String {
      switch self {
      case .system: "green"
      case .user: "blue"
      case .assistant: "pink"
      }
    }
  }
  public var kind: Kind
  /// 0-based tokens (columns, or rows beside which the bar stands), first to last.
  public var columns: ClosedRange<Int>
  /// Written by the chat template (`<|im_start|>user`), drawn pale and unlabelled.
  public var isMarker: Bool

  public init(kind: Kind, columns: ClosedRange<Int>, isMarker: Bool) {
    self.kind = kind
    self.columns = columns
    self.isMarker = isMarker
  }

  /// Okabe & Ito's bluish green, blue and reddish purple (colour-blind safe).
  var color: RGBA {
    switch kind {
    case .system: RGBA(0, 158, 115)
    case .user: RGBA(0, 114, 178)
    case .assistant: RGBA(204, 121, 167)
    }
  }

  /// The bar's fill: the role's colour, two thirds of the way to white for template markers.
  var fill: RGBA {
    guard isMarker else { return color }
    return RGBA(
      UInt8((Int(color.r) + 2 * 255) / 3), UInt8((Int(color.g) + 2 * 255) / 3),
      UInt8((Int(color.b) + 2 * 255) / 3))
  }
}

/// Where the role bars stand: over a run of columns (a heatmap's keys), their top edge at
/// `top`; or beside a run of rows (the tokens of the lines view), their left edge at `x`.
enum SegmentPlacement {
  case over(top: Double)
  case beside(x: Double)
}

/// The thickness of a role bar, and its gap to the cells or labels it marks.
let segmentBarSize = 8.0
let segmentBarGap = 6.0

/// The role band over a heatmap's cells, when each column is one token (a pooled grid has no
/// token columns to mark).
func drawSegments(
  _ segments: [ColumnSegment], over cells: [RectItem], columns: Int, style: FigureStyle,
  into canvas: inout Canvas
) {
  let lefts = Array(Set(cells.map(\.x))).sorted()
  guard !segments.isEmpty, lefts.count == columns, let top = cells.map(\.y).min(),
    let width = cells.first?.width
  else { return }
  drawSegments(
    segments, starts: lefts, cellSize: width, placement: .over(top: top), style: style,
    into: &canvas)
}

/// The one rule for role bars: a bar per segment along the tokens at `starts` (each
/// `cellSize` long), pale for template markers. Over columns, each role is also named once
/// above its widest message bar when the name fits and `named`; beside rows (and over the
/// small panels of the heads view) there is no room for names, and the caption's legend
/// (`ColumnSegment.legend`) says what the colours are.
func drawSegments(
  _ segments: [ColumnSegment], starts: [Double], cellSize: Double, placement: SegmentPlacement,
  named: Bool = true, style: FigureStyle, into canvas: inout Canvas
) {
  let shown = segments.filter { $0.columns.upperBound < starts.count }
  guard !shown.isEmpty else { return }
  func span(_ segment: ColumnSegment) -> (start: Double, length: Double) {
    let start = starts[segment.columns.lowerBound]
    return (start, starts[segment.columns.upperBound] + cellSize - start)
  }
  for segment in shown {
    let (start, length) = span(segment)
    let bar: RectItem
    switch placement {
    case .over(let top):
      bar = RectItem(
        x: start + 1, y: top - segmentBarGap - segmentBarSize, width: length - 2,
        height: segmentBarSize, fill: segment.fill, role: "role-segment")
    case .beside(let x):
      bar = RectItem(
        x: x, y: start + 1, width: segmentBarSize, height: max(1, length - 2), fill: segment.fill,
        role: "role-segment")
    }
    canvas.rect(bar)
  }
  guard named, case .over(let top) = placement else { return }
  let size = style.fontSize
  for kind in [ColumnSegment.Kind.system, .user, .assistant] {
    let bars = shown.filter { $0.kind == kind }
    guard let widest = bars.max(by: { $0.columns.count < $1.columns.count }) else { continue }
    let (x, width) = span(widest)
    guard canvas.measurer.width(of: kind.rawValue, size: size, weight: .bold) <= width + 40
    else { continue }
    canvas.text(
      TextItem(
        kind.rawValue,
        at: Point(x + width / 2, top - 2 * segmentBarGap - segmentBarSize), size: size,
        color: widest.color, anchor: .middle, weight: .bold, role: "role-label"))
  }
}

extension ColumnSegment {
  /// Runs of tokens with the same role and kind; tokens with no role are left unmarked.
  public static func runs(_ columns: [(kind: Kind?, isMarker: Bool)]) -> [ColumnSegment] {
    var segments: [ColumnSegment] = []
    for (i, column) in columns.enumerated() {
      guard let kind = column.kind else { continue }
      if let last = segments.last, last.kind == kind, last.isMarker == column.isMarker,
        last.columns.upperBound == i - 1
      {
        segments[segments.count - 1].columns = last.columns.lowerBound...i
      } else {
        segments.append(ColumnSegment(kind: kind, columns: i...i, isMarker: column.isMarker))
      }
    }
    return segments
  }

  /// "Bars over the columns: the chat roles (system green, user blue); pale: the template's
  /// own markers." for the kinds present; `where` names where the bars stand.
  public static func legend(_ segments: [ColumnSegment], where place: String = "over the columns")
    -> String
  {
    let present = Set(segments.map(\.kind))
    let kinds = [Kind.system, .user, .assistant].filter(present.contains).map {
      "\($0.rawValue) \($0.colorName)"
    }
    return "Bars \(place): the chat roles (\(kinds.joined(separator: ", "))); pale: the "
      + "template's own markers."
  }
}
