import Testing

@testable import AttnvizStyle

@Suite("Colour maps")
struct ColorMapTests {
  /// Endpoints and midpoints printed by matplotlib 3.11.2: round(cmap(i)[:3] * 255).
  @Test(
    "tables match matplotlib",
    arguments: [
      ("viridis", RGBA(68, 1, 84), RGBA(33, 145, 140), RGBA(253, 231, 37)),
      ("cividis", RGBA(0, 34, 78), RGBA(125, 124, 120), RGBA(254, 232, 56)),
      ("magma", RGBA(0, 0, 4), RGBA(183, 55, 121), RGBA(252, 253, 191)),
      ("inferno", RGBA(0, 0, 4), RGBA(188, 55, 84), RGBA(252, 255, 164)),
      ("blues", RGBA(247, 251, 255), RGBA(106, 174, 214), RGBA(8, 48, 107)),
      ("gray", RGBA(0, 0, 0), RGBA(128, 128, 128), RGBA(255, 255, 255)),
      ("diverging", RGBA(5, 48, 97), RGBA(247, 246, 246), RGBA(103, 0, 31)),
    ])
  func matplotlibValues(name: String, first: RGBA, middle: RGBA, last: RGBA) throws {
    let map = try #require(ColorMap.named(name))
    #expect(map.name == name && map.table.count == 256)
    #expect(map.table[0] == first && map.table[128] == middle && map.table[255] == last)
    #expect(map.color(at: 0) == first && map.color(at: 1) == last)
    #expect(map.color(at: .nan) == first && map.color(at: 7) == last)
  }

  @Test("every --colormap name resolves, and only the diverging map is diverging")
  func names() throws {
    for name in ColorMap.sequentialNames {
      let map = try #require(ColorMap.named(name))
      #expect(!map.isDiverging)
    }
    #expect(ColorMap.named("RdBu") == ColorMap.diverging)
    #expect(ColorMap.diverging.isDiverging)
    #expect(ColorMap.named("jet") == nil)
    // The centre (value 0.5 = signed 0) is near-white.
    let centre = ColorMap.diverging.color(at: 0.5)
    #expect(min(centre.r, centre.g, centre.b) >= 240)
  }

  @Test("text colour on a cell: black on light, white on dark")
  func contrast() {
    #expect(contrastingTextColor(on: ColorMap.viridis.color(at: 0)) == .white)
    #expect(contrastingTextColor(on: ColorMap.viridis.color(at: 1)) == .black)
    #expect(contrastingTextColor(on: .white) == .black)
    #expect(contrastingTextColor(on: .black) == .white)
    // Mid grey 128 has luminance 0.216 > 0.179: black reads better.
    #expect(contrastingTextColor(on: RGBA(128, 128, 128)) == .black)
    #expect(contrastingTextColor(on: RGBA(110, 110, 110)) == .white)
  }
}
