extension PixelTarget {
  /// Places each glyph's mask at its pen position along the rotated baseline. Pen positions snap
  /// to quarter pixels (FreeType renders the sub-pixel phase), and for text at 0°/90°/180°/270°
  /// the baseline itself snaps to a whole pixel, so horizontal and vertical labels stay crisp.
  func draw(_ text: TextItem, scale: Double, fonts: FontSet) {
    let values = [text.position.x, text.position.y, text.size, text.rotation]
    guard values.allSatisfy(\.isFinite), text.size > 0, text.color.a > 0 else { return }
    let layout = fonts.layout(text.string, weight: text.weight)
    let angle = QuantizedAngle(degrees: text.rotation)
    let pixelSize = text.size * scale
    let shift: Double
    switch text.anchor {
    case .start: shift = 0
    case .middle: shift = -layout.width / 2
    case .end: shift = -layout.width
    }
    let (originX, originY) = (text.position.x * scale, text.position.y * scale)
    // A glyph lies within about 2 em of its pen position; farther off-canvas means invisible.
    let margin = 2 * pixelSize + 2
    for glyph in layout.glyphs {
      let along = (shift + glyph.x) * pixelSize
      let penX = originX + along * angle.cos
      let penY = originY - along * angle.sin
      guard penX > -margin, penY > -margin, penX < Double(width) + margin,
        penY < Double(height) + margin
      else { continue }
      var quarterX = (penX * 4).rounded()
      var quarterY = (penY * 4).rounded()
      if angle.isAxisAligned {
        if angle.sin == 0 { quarterY = penY.rounded() * 4 } else { quarterX = penX.rounded() * 4 }
      }
      let (cellX, phaseX) = Self.split(quarterX)
      let (cellY, phaseY) = Self.split(quarterY)
      let mask = fonts.bitmap(
        face: glyph.face, glyph: glyph.glyph, pixelSize: pixelSize, angle: angle, phaseX: phaseX,
        phaseY: phaseY)
      composite(mask, left: cellX + mask.left, top: cellY - mask.top, color: text.color)
    }
  }

  /// A position in quarter pixels as (whole pixel, quarter 0…3).
  private static func split(_ quarters: Double) -> (Int, Int) {
    let q = deviceInt(quarters)
    let whole = q >= 0 ? q / 4 : -((-q + 3) / 4)
    return (whole, q - whole * 4)
  }

  private func composite(_ mask: GlyphBitmap, left: Int, top: Int, color: RGBA) {
    guard mask.width > 0 else { return }
    let firstRow = max(0, -top)
    let lastRow = min(mask.rows, height - top)
    let firstColumn = max(0, -left)
    let lastColumn = min(mask.width, width - left)
    guard firstRow < lastRow, firstColumn < lastColumn else { return }
    let colorAlpha = Int(color.a)
    mask.coverage.withUnsafeBufferPointer { coverage in
      for row in firstRow..<lastRow {
        let rowStart = row * mask.width
        for column in firstColumn..<lastColumn {
          let cover = Int(coverage[rowStart + column])
          if cover == 0 { continue }
          blend(pixel(left + column, top + row), color, alpha: cover * colorAlpha)
        }
      }
    }
  }
}
