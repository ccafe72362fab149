import AttnvizRender

/// Replaces a finished figure's heading (`--title`, `--subtitle`): the first item with role
/// "title" and the first with role "subtitle" are the heading every view frames itself with.
/// nil keeps the generated line; an empty one removes it and the room it took, so everything
/// under it moves up and the figure gets shorter. A line wider than the figure is shortened with
/// "…" like any generated heading.
public func retitled(
  _ scene: Scene, title: String?, subtitle: String?, margin: Double,
  measurer: any TextMeasuring
) -> Scene {
  var scene = scene
  let width = max(scene.width - 2 * margin, 1)
  func line(_ role: String) -> Int? {
    scene.items.firstIndex { item in
      if case .text(let text) = item { return text.role == role }
      return false
    }
  }
  for (role, replacement) in [("title", title), ("subtitle", subtitle)] {
    guard let replacement, let index = line(role), case .text(var text) = scene.items[index]
    else { continue }
    if replacement.isEmpty {
      scene.items.remove(at: index)
      // The heading's other line: the title above a subtitle, the subtitle under a title.
      let other = line(role == "title" ? "subtitle" : "title").flatMap { index -> TextItem? in
        if case .text(let text) = scene.items[index] { return text }
        return nil
      }
      scene = withoutRoom(of: text, other: other, in: scene, measurer: measurer)
      continue
    }
    text.string = shortened(
      tokenLabel(replacement), toWidth: width, size: text.size, weight: text.weight,
      measurer: measurer)
    scene.items[index] = .text(text)
  }
  return scene
}

/// The scene without the room a removed heading line took: everything from the line's top down
/// moves up and the scene gets shorter by the line and the gap that joined it to the heading's
/// `other` line (a title kept above it, or a subtitle under it, which takes its place).
private func withoutRoom(
  of removed: TextItem, other: TextItem?, in scene: Scene, measurer: any TextMeasuring
) -> Scene {
  let ascent = measurer.ascent(size: removed.size)
  let top = removed.position.y - ascent
  let bottom = removed.position.y + measurer.descent(size: removed.size)
  var shift = bottom - top
  if let other {
    let otherTop = other.position.y - measurer.ascent(size: other.size)
    let otherBottom = other.position.y + measurer.descent(size: other.size)
    // Only a line right next to the removed one belongs to the heading (not a panel's).
    if otherBottom <= top + 0.5, top - otherBottom < ascent {
      shift = bottom - otherBottom
    } else if otherTop >= bottom - 0.5, otherTop - bottom < ascent {
      shift = otherTop - top
    }
  }
  // Whole pixels, so cell edges stay on device pixels (no seams between cells).
  shift = shift.rounded(.down)
  var scene = scene
  scene.items = scene.items.map { item in
    bounds(of: item, measurer: measurer).minY >= top - 0.5 ? item.moved(0, -shift) : item
  }
  scene.height -= shift
  return scene
}

/// The scene with one more line of text under the drawing (a callout such as "it → animal
/// 0.68"), in the subtitle's size and colour, shortened to the figure's width.
public func captioned(
  _ scene: Scene, _ caption: String, style: FigureStyle, measurer: any TextMeasuring
) -> Scene {
  var scene = scene
  let size = style.fontSize + 1
  let width = max(scene.width - 2 * style.margin, 1)
  let line = shortened(
    tokenLabel(caption), toWidth: width, size: size, weight: .bold, measurer: measurer)
  let baseline = scene.height - style.margin / 2 + measurer.ascent(size: size)
  scene.items.append(
    .text(
      TextItem(
        line, at: Point(style.margin, baseline), size: size, color: FigureStyle.ink,
        weight: .bold, role: "callout")))
  scene.height = (baseline + measurer.descent(size: size) + style.margin).rounded(.up)
  return scene
}
