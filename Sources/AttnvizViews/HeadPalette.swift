import AttnvizRender

/// Qualitative colours for heads drawn on top of each other, every one visible on a washed-out
/// projector: each has a contrast of at least 3:1 against white (WCAG's rule for graphics), so
/// none is a faint grey, yellow or sky blue. The first three and black are Okabe & Ito's
/// colour-blind-safe colours (Okabe & Ito 2008, "Color Universal Design"); their purple and
/// orange are darkened to pass, and darker hues fill the rest for 8–12 heads. Beyond that the
/// colours repeat.
public let headPalette: [RGBA] = [
  RGBA(0, 114, 178),  // blue
  RGBA(213, 94, 0),  // vermillion
  RGBA(0, 150, 110),  // bluish green
  RGBA(190, 70, 150),  // reddish purple
  RGBA(180, 110, 0),  // dark orange
  RGBA(0, 128, 150),  // teal
  RGBA(0, 0, 0),  // black
  RGBA(140, 86, 75),  // brown
  RGBA(105, 60, 190),  // violet
  RGBA(110, 120, 0),  // olive
  RGBA(214, 39, 40),  // red
  RGBA(60, 60, 140),  // navy
]

func headColor(_ index: Int) -> RGBA { headPalette[index % headPalette.count] }
