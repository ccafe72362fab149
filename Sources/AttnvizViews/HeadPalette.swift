import AttnvizRender

/// Qualitative colours for heads drawn on top of each other: Okabe & Ito's colour-blind-safe
/// palette (Okabe & Ito 2008, "Color Universal Design"), ordered for contrast on white and
/// without its yellow, which vanishes on white; then Tableau 10's remaining hues for 8–12 heads.
/// Beyond that the colours repeat.
public let headPalette: [RGBA] = [
  RGBA(0, 114, 178),  // blue
  RGBA(213, 94, 0),  // vermillion
  RGBA(0, 158, 115),  // bluish green
  RGBA(204, 121, 167),  // reddish purple
  RGBA(230, 159, 0),  // orange
  RGBA(86, 180, 233),  // sky blue
  RGBA(0, 0, 0),  // black
  RGBA(140, 86, 75),  // Tableau brown
  RGBA(127, 127, 127),  // Tableau grey
  RGBA(188, 189, 34),  // Tableau olive
  RGBA(148, 103, 189),  // Tableau purple
  RGBA(214, 39, 40),  // Tableau red
]

func headColor(_ index: Int) -> RGBA { headPalette[index % headPalette.count] }
