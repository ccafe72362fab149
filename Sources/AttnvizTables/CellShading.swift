import AttnvizStyle

/// Background shading of table cells with ANSI SGR escapes, so a coloured table reads like the
/// heatmap figure: same colour map, same normalisation (fixed 0…1 for probabilities, symmetric
/// around 0 for signed matrices, as in matplotlib's `Normalize` / `CenteredNorm`).
struct CellShading {
  let mode: ColorMode
  let colorMap: ColorMap
  /// The start sequence of each colour in the map, built once: a 512×512 table would otherwise
  /// spend most of its time formatting the same 256 escape sequences.
  private let startByColor: [RGBA: String]

  init(mode: ColorMode, colorMap: ColorMap) {
    self.mode = mode
    self.colorMap = colorMap
    var starts: [RGBA: String] = [:]
    for color in colorMap.table where starts[color] == nil {
      starts[color] = Self.start(background: color, mode: mode)
    }
    startByColor = starts
  }

  /// The SGR sequence that starts a cell at `t` (0…1) on the colour map.
  func start(at t: Double) -> String {
    let color = colorMap.color(at: t)
    return startByColor[color] ?? Self.start(background: color, mode: mode)
  }

  /// The SGR sequence that starts a cell of background `color`, with black or white text,
  /// whichever contrasts more with the colour actually shown.
  static func start(background color: RGBA, mode: ColorMode) -> String {
    switch mode {
    case .plain:
      return ""
    case .ansi256:
      let index = xterm256Index(color)
      let textIndex = prefersDarkText(on: xterm256Color(index)) ? 16 : 231
      return "\u{1B}[38;5;\(textIndex);48;5;\(index)m"
    case .truecolor:
      let text = prefersDarkText(on: color) ? "0;0;0" : "255;255;255"
      return "\u{1B}[38;2;\(text);48;2;\(color.r);\(color.g);\(color.b)m"
    }
  }

  var reset: String { mode == .plain ? "" : "\u{1B}[0m" }
}

/// Channel levels of the xterm 6×6×6 colour cube (indices 16…231).
private let cubeLevels: [Int] = [0, 95, 135, 175, 215, 255]

/// The nearest xterm-256 colour: the closer of the nearest cube colour and the nearest of the 24
/// greys (232…255, values 8, 18, …, 238), by squared RGB distance (tmux's `colour_find_rgb`).
func xterm256Index(_ color: RGBA) -> Int {
  let rgb = [Int(color.r), Int(color.g), Int(color.b)]
  let cube = rgb.map { c in c < 48 ? 0 : c < 115 ? 1 : (c - 35) / 40 }
  let cubeIndex = 16 + 36 * cube[0] + 6 * cube[1] + cube[2]
  let average = (rgb[0] + rgb[1] + rgb[2]) / 3
  let grey = average > 238 ? 23 : max(0, (average - 3) / 10)
  let greyIndex = 232 + grey
  func distance(_ index: Int) -> Int {
    let c = xterm256Color(index)
    let d = [Int(c.r) - rgb[0], Int(c.g) - rgb[1], Int(c.b) - rgb[2]]
    return d.reduce(0) { $0 + $1 * $1 }
  }
  return distance(greyIndex) < distance(cubeIndex) ? greyIndex : cubeIndex
}

/// The RGB value of xterm colour `index` in the cube or grey ramp (16…255).
func xterm256Color(_ index: Int) -> RGBA {
  if index >= 232 {
    let v = UInt8(8 + 10 * (index - 232))
    return RGBA(v, v, v)
  }
  let i = index - 16
  return RGBA(
    UInt8(cubeLevels[i / 36]), UInt8(cubeLevels[(i / 6) % 6]), UInt8(cubeLevels[i % 6]))
}
