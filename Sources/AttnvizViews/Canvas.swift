import AttnvizRender

/// Items collected in free coordinates while a figure is laid out. The figure is then measured
/// and moved into place, so a part never has to know where the title or margins end up.
struct Canvas {
  let measurer: any TextMeasuring
  private(set) var items: [SceneItem] = []

  init(measurer: any TextMeasuring) {
    self.measurer = measurer
  }

  mutating func add(_ item: SceneItem) { items.append(item) }

  mutating func rect(_ r: RectItem) { items.append(.rect(r)) }
  mutating func line(_ l: LineItem) { items.append(.line(l)) }
  mutating func text(_ t: TextItem) { items.append(.text(t)) }

  /// The box everything drawn so far covers, or nil when nothing was drawn.
  var bounds: Box? {
    guard let first = items.first else { return nil }
    return items.dropFirst().reduce(AttnvizViews.bounds(of: first, measurer: measurer)) {
      $0.union(AttnvizViews.bounds(of: $1, measurer: measurer))
    }
  }
}
