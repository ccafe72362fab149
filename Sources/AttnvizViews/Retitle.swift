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
