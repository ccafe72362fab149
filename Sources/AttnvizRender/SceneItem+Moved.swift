extension SceneItem {
  /// The same item moved by (dx, dy).
  public func moved(_ dx: Double, _ dy: Double) -> SceneItem {
    switch self {
    case .rect(var r):
      r.x += dx
      r.y += dy
      return .rect(r)
    case .line(var l):
      l.from = Point(l.from.x + dx, l.from.y + dy)
      l.to = Point(l.to.x + dx, l.to.y + dy)
      return .line(l)
    case .text(var t):
      t.position = Point(t.position.x + dx, t.position.y + dy)
      return .text(t)
    }
  }
}
