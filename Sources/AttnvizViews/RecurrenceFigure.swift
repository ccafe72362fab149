import AttnvizRender
import AttnvizStyle

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// What the RNN-against-attention diagram shows: the sentence's tokens, the query (*it*) and
/// the key it reaches (*animal*), and the real attention weight between them, with where that
/// weight comes from ("all-MiniLM-L6-v2, layer 4, head 2").
public struct RecurrenceDiagram: Sendable, Equatable {
  public var tokens: [String]
  public var query: Int
  public var key: Int
  public var weight: Double
  public var source: String

  public init(tokens: [String], query: Int, key: Int, weight: Double, source: String) {
    self.tokens = tokens
    self.query = query
    self.key = key
    self.weight = weight
    self.source = source
  }

  /// How many sequential steps an RNN takes to carry the key's information to the query:
  /// one per position between them.
  public var steps: Int { abs(query - key) }
}

/// The RNN half of the lecture as a diagram drawn from the actual sentence (no RNN is run, and
/// the figure says so): above, the chain an RNN walks from the key to the query, one hidden
/// state per token, the same cell at every position, k sequential steps counted on the arrows;
/// below, self-attention's single hop from the query to the key with the model's real weight,
/// every position computed at once with the same Wq, Wk, Wv. Long texts show the stretch from
/// a little before the earlier token to a little after the later one, the rest as "…".
public func recurrenceFigure(
  _ diagram: RecurrenceDiagram, title: FigureTitle, style: FigureStyle,
  measurer: any TextMeasuring
) -> Scene {
  let n = diagram.tokens.count
  guard n > 0, (0..<n).contains(diagram.query), (0..<n).contains(diagram.key) else {
    return emptyFigure(title: title, style: style, measurer: measurer)
  }
  let box = TokenBoxStyle(style: style, measurer: measurer)
  let size = style.fontSize
  let line = measurer.ascent(size: size) + measurer.descent(size: size)
  // The shown stretch: at most 16 tokens, always both ends of the hop.
  let (low, high) = (min(diagram.query, diagram.key), max(diagram.query, diagram.key))
  var shown = Array(max(0, low - 2)...min(n - 1, high + 2))
  if shown.count > 16 {
    shown = Array(low...min(low + 6, high)) + Array(max(high - 6, low)...high)
    shown = Array(Set(shown)).sorted()
  }
  // Slots: tokens, with a "…" slot wherever positions were left out.
  var slots: [Int?] = []
  if let first = shown.first, first > 0 { slots.append(nil) }
  for (i, position) in shown.enumerated() {
    if i > 0, position != shown[i - 1] + 1 { slots.append(nil) }
    slots.append(position)
  }
  if let last = shown.last, last < n - 1 { slots.append(nil) }
  let labels = slots.map { $0.map { figureLabel(diagram.tokens[$0]) } ?? "…" }
  let gap = max(box.gap, 34)
  let widths = labels.map { box.width(of: $0) }
  var xs: [Double] = []
  var x = 0.0
  for w in widths {
    xs.append(x)
    x += w + gap
  }
  func centre(_ slot: Int) -> Double { xs[slot] + widths[slot] / 2 }
  func slot(of position: Int) -> Int { slots.firstIndex(of: position) ?? 0 }
  let accent = RGBA(213, 94, 0)
  var canvas = Canvas(measurer: measurer)

  func heading(_ text: String, y: Double) {
    canvas.text(
      TextItem(
        text, at: Point(0, y + measurer.ascent(size: size + 3)), size: size + 3,
        color: FigureStyle.ink, weight: .bold, role: "panel-title"))
  }
  func note(_ text: String, y: Double) {
    canvas.text(
      TextItem(
        text, at: Point(0, y + measurer.ascent(size: size)), size: size,
        color: FigureStyle.softInk, role: "note"))
  }
  func tokenRow(y: Double) {
    for (i, label) in labels.enumerated() {
      if slots[i] == nil {
        canvas.text(
          TextItem(
            label, at: Point(centre(i), y + box.padding + measurer.ascent(size: box.size)),
            size: box.size, color: FigureStyle.softInk, anchor: .middle, role: "token-label"))
        continue
      }
      for item in box.items(label, position: slots[i] ?? 0, x: xs[i], y: y, width: widths[i]) {
        canvas.add(item)
      }
    }
  }
  func arrow(from a: Point, to b: Point, color: RGBA, width: Double, role: String) {
    canvas.line(LineItem(from: a, to: b, color: color, width: width, role: role))
    let angle = atan2(b.y - a.y, b.x - a.x)
    for side in [-1.0, 1.0] {
      let back = angle + Double.pi + side * 0.45
      canvas.line(
        LineItem(
          from: b, to: Point(b.x + 9 * cos(back), b.y + 9 * sin(back)), color: color,
          width: width, role: role))
    }
  }

  // --- The RNN: a chain of hidden states. ---
  let k = diagram.steps
  let queryWord = figureLabel(diagram.tokens[diagram.query])
  let keyWord = figureLabel(diagram.tokens[diagram.key])
  var y = 0.0
  heading(
    "RNN: \(k) sequential step\(k == 1 ? "" : "s") carry “\(keyWord)” to “\(queryWord)”", y: y)
  y += line + 16
  let tokenTop = y
  tokenRow(y: tokenTop)
  let cellTop = tokenTop + box.lineHeight + 22
  let cellHeight = box.height
  let cellFill = RGBA(255, 243, 214)
  for (i, position) in slots.enumerated() {
    guard let position else { continue }
    let inChain = (low...high).contains(position)
    canvas.rect(
      RectItem(
        x: xs[i], y: cellTop, width: widths[i], height: cellHeight, fill: cellFill,
        stroke: inChain ? accent : FigureStyle.rule, strokeWidth: inChain ? 2.5 : 1,
        role: "rnn-cell"))
    canvas.text(
      TextItem(
        "h\(position)", at: Point(centre(i), cellTop + box.padding + measurer.ascent(size: size)),
        size: size, color: FigureStyle.ink, anchor: .middle, role: "rnn-state"))
    arrow(
      from: Point(centre(i), tokenTop + box.height + line + 10),
      to: Point(centre(i), cellTop - 2), color: FigureStyle.rule, width: 1.2, role: "rnn-input")
  }
  // h(t−1) → h(t) between neighbouring shown cells; the chain's arrows numbered 1…k (an arrow
  // from or to "…" is the step that enters or leaves the left-out stretch).
  for i in 0..<(slots.count - 1) {
    let from = Point(xs[i] + widths[i] + 2, cellTop + cellHeight / 2)
    let to = Point(xs[i + 1] - 2, cellTop + cellHeight / 2)
    let left = slots[i] ?? (slots[i + 1].map { $0 - 1 } ?? 0)
    let inChain = left >= low && left < high
    arrow(
      from: from, to: to, color: inChain ? accent : FigureStyle.rule,
      width: inChain ? 2.5 : 1.2, role: inChain ? "rnn-chain" : "rnn-step")
    if inChain {
      canvas.text(
        TextItem(
          "\(left - low + 1)", at: Point((from.x + to.x) / 2, cellTop - 6), size: size,
          color: accent, anchor: .middle, weight: .bold, role: "rnn-step-number"))
    }
  }
  y = cellTop + cellHeight + 12
  note(
    "The same cell (the same weights) at every position, in order: h\(high) waits for h\(high - 1), which waits for h\(max(high - 2, 0)) …",
    y: y)
  y += line + 4
  note(
    "After \(k) step\(k == 1 ? "" : "s") “\(keyWord)” reaches “\(queryWord)” only through every hidden state between them.",
    y: y)
  y += line + 34

  // --- Self-attention: one hop. ---
  heading(
    "Self-attention: 1 step, every position at once: “\(queryWord)” → “\(keyWord)” \(formatFixed(diagram.weight, decimals: 2))",
    y: y)
  y += line + 16
  let label = CalloutLabel(
    "\(formatFixed(diagram.weight, decimals: 2))", style: style, measurer: measurer)
  let arcTop = y + label.height / 2
  let arcHeight = 46.0
  let attentionTop = arcTop + arcHeight + 8
  tokenRow(y: attentionTop)
  // The hop: an arc over the tokens from the query down to the key.
  let (qx, kx) = (centre(slot(of: diagram.query)), centre(slot(of: diagram.key)))
  let segments = 24
  var previous = Point(qx, attentionTop - 2)
  for s in 1...segments {
    let t = Double(s) / Double(segments)
    let point = Point(qx + (kx - qx) * t, attentionTop - 2 - sin(Double.pi * t) * arcHeight)
    if s == segments {
      arrow(from: previous, to: point, color: accent, width: 3, role: "attention-hop")
    } else {
      canvas.line(
        LineItem(from: previous, to: point, color: accent, width: 3, role: "attention-hop"))
    }
    previous = point
  }
  label.draw(
    at: Point(
      ((qx + kx) / 2 - label.width / 2).rounded(),
      (attentionTop - 2 - arcHeight - label.height / 2).rounded()),
    into: &canvas)
  // One shared box under every position: the same Wq, Wk, Wv, one matrix product for all.
  let projectionTop = attentionTop + box.lineHeight + 22
  let shownWidth = (xs.last ?? 0) + (widths.last ?? 0)
  canvas.rect(
    RectItem(
      x: 0, y: projectionTop, width: shownWidth, height: cellHeight,
      fill: RGBA(232, 244, 236), stroke: RGBA(60, 130, 90), strokeWidth: 1.5,
      role: "projection"))
  canvas.text(
    TextItem(
      "Q = X·Wq, K = X·Wk, V = X·Wv: the same three matrices for every row of X",
      at: Point(shownWidth / 2, projectionTop + box.padding + measurer.ascent(size: size)),
      size: size, color: FigureStyle.ink, anchor: .middle, role: "projection-label"))
  for (i, position) in slots.enumerated() where position != nil {
    arrow(
      from: Point(centre(i), attentionTop + box.height + line + 10),
      to: Point(centre(i), projectionTop - 2), color: FigureStyle.rule, width: 1.2,
      role: "projection-input")
  }
  y = projectionTop + cellHeight + 12
  note(
    "The same Wq, Wk, Wv at every position, all positions in one matrix product: no step waits for another.",
    y: y)
  y += line + 4
  note(
    "The weight is \(diagram.source)'s: of everything “\(queryWord)” attends to, \(formatFixed(diagram.weight * 100, decimals: 0))% goes to “\(keyWord)”, \(k) position\(k == 1 ? "" : "s") away, in one step.",
    y: y)
  return frameFigure(body: canvas, title: title, notes: [], style: style, measurer: measurer)
}
