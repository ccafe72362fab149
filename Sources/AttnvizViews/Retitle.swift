import AttnvizRender

/// Replaces a finished figure's heading (`--title`, `--subtitle`): the first item with role
/// "title" and the first with role "subtitle" are the heading every view frames itself with.
/// nil keeps the generated line; an empty subtitle removes it. A line wider than the figure is
/// shortened with "…" like any generated heading.
public func retitled(
  _ scene: Scene, title: String?, subtitle: String?, margin: Double,
  measurer: any TextMeasuring
) -> Scene {
  var scene = scene
  let width = max(scene.width - 2 * margin, 1)
  for (role, replacement) in [("title", title), ("subtitle", subtitle)] {
    guard let replacement,
      let index = scene.items.firstIndex(where: { item in
        if case .text(let text) = item { return text.role == role }
        return false
      }), case .text(var text) = scene.items[index]
    else { continue }
    if replacement.isEmpty {
      scene.items.remove(at: index)
      continue
    }
    text.string = shortened(
      tokenLabel(replacement), toWidth: width, size: text.size, weight: text.weight,
      measurer: measurer)
    scene.items[index] = .text(text)
  }
  return scene
}
