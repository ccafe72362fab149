import AttnvizRender
import AttnvizStyle

/// One token of the text → pieces → ids figure: the stretch of the text it came from (nil for
/// a token the tokenizer added, such as [CLS]), the piece as the model's vocabulary writes it
/// (`tokenLabel`ed), and its id.
public struct TokenPiece: Sendable, Equatable {
  public var source: String?
  public var piece: String
  public var id: Int?

  public init(source: String?, piece: String, id: Int?) {
    self.source = source
    self.piece = piece
    self.id = id
  }
}

/// `--view tokens`: the text cut into the model's pieces, three rows per line — the text each
/// piece covers, the piece, its id — and under them the lines that explain the marks this text
/// shows ("·", "##", byte pieces, added tokens) and why a word became several pieces.
public func tokenPiecesFigure(
  _ pieces: [TokenPiece], explanations: [String], title: FigureTitle, style: FigureStyle,
  measurer: any TextMeasuring, maxWidth: Double = 1500, limit: Int = 120
) -> Scene {
  let box = TokenBoxStyle(style: style, measurer: measurer)
  let size = style.fontSize
  let line = measurer.ascent(size: size) + measurer.descent(size: size)
  var canvas = Canvas(measurer: measurer)
  let rowTitles = ["Text", "Pieces", "Ids"]
  let titleWidth =
    rowTitles.map { measurer.width(of: $0, size: size, weight: .bold) }.max() ?? 0
  let left = titleWidth + 18
  var x = left
  var y = 0.0
  let shown = Array(pieces.prefix(limit))
  // One block per line: text row, piece boxes, id row.
  let blockHeight = line + 8 + box.height + 8 + line + 26
  func drawRowTitles(at top: Double) {
    for (i, text) in rowTitles.enumerated() {
      let baseline: Double
      switch i {
      case 0: baseline = top + measurer.ascent(size: size)
      case 1: baseline = top + line + 8 + box.padding + measurer.ascent(size: box.size)
      default: baseline = top + line + 8 + box.height + 8 + measurer.ascent(size: size)
      }
      canvas.text(
        TextItem(
          text, at: Point(titleWidth, baseline), size: size, color: FigureStyle.softInk,
          anchor: .end, weight: .bold, role: "axis-title"))
    }
  }
  drawRowTitles(at: 0)
  for piece in shown {
    let label = figureLabel(piece.piece)
    let source = piece.source.map { "“" + figureLabel($0) + "”" } ?? "(added)"
    let idText = piece.id.map(String.init) ?? "–"
    let width = max(
      box.width(of: label), measurer.width(of: source, size: size, weight: .regular) + 8,
      measurer.width(of: idText, size: size, weight: .regular) + 8
    ).rounded(.up)
    if x > left && x + width > maxWidth {
      x = left
      y += blockHeight
      drawRowTitles(at: y)
    }
    let centre = x + width / 2
    canvas.text(
      TextItem(
        source, at: Point(centre, y + measurer.ascent(size: size)), size: size,
        color: piece.source == nil ? FigureStyle.softInk : FigureStyle.ink, anchor: .middle,
        role: "token-source"))
    let boxTop = y + line + 8
    canvas.rect(
      RectItem(
        x: x, y: boxTop, width: width, height: box.height, fill: TokenBoxStyle.fill,
        stroke: TokenBoxStyle.stroke, strokeWidth: 1.5, role: "token"))
    canvas.text(
      TextItem(
        label, at: Point(centre, boxTop + box.padding + measurer.ascent(size: box.size)),
        size: box.size, color: FigureStyle.ink, anchor: .middle, role: "token-label"))
    canvas.text(
      TextItem(
        idText, at: Point(centre, boxTop + box.height + 8 + measurer.ascent(size: size)),
        size: size, color: FigureStyle.softInk, anchor: .middle, role: "token-id"))
    x += width + box.gap
  }
  var notes = explanations
  if pieces.count > limit {
    notes.insert("… and \(pieces.count - limit) more tokens (\(pieces.count) in all)", at: 0)
  }
  var noteY = y + blockHeight
  for note in notes {
    noteY += measurer.ascent(size: size)
    canvas.text(
      TextItem(note, at: Point(0, noteY), size: size, color: FigureStyle.ink, role: "caption"))
    noteY += measurer.descent(size: size) + 6
  }
  return frameFigure(body: canvas, title: title, notes: [], style: style, measurer: measurer)
}
