import AttnvizRender
import Testing

@testable import AttnvizViews

/// The checks every view test relies on must themselves catch what they claim to.
@Suite struct SceneChecksTests {
  @Test func clippedTextIsCaughtRotationIncluded() {
    var wide = Scene(width: 100, height: 50)
    wide.add(.text(TextItem("far too long a label", at: Point(10, 20), size: 13)))
    #expect(!clippedItems(wide).isEmpty)
    // Upright it would fit; turned 90° about its start it rises 120 px out of the top.
    var rotated = Scene(width: 200, height: 100)
    rotated.add(.text(TextItem("far too long a label", at: Point(50, 90), size: 10, rotation: 90)))
    #expect(!clippedItems(rotated).isEmpty)
    rotated.items = [.text(TextItem("short", at: Point(50, 90), size: 10, rotation: 90))]
    expectNothingClipped(rotated)
  }

  @Test func overlapUsesTheRotatedBoxes() {
    var scene = Scene(width: 400, height: 400)
    // Two slanted labels one column apart: their upright bounding boxes overlap, the text doesn't.
    for x in [100.0, 130] {
      scene.add(
        .text(
          TextItem("a long slanted label", at: Point(x, 300), size: 13, anchor: .end, rotation: 45))
      )
    }
    expectNoTextOverlap(scene)
    scene.add(.text(TextItem("clash", at: Point(90, 290), size: 13)))
    #expect(overlappingTexts(scene).count == 2)
  }

  @Test func layoutGeometryAgreesWithTheCheck() {
    let item = TextItem("label", at: Point(40, 60), size: 13, anchor: .middle, rotation: 45)
    let ours = Box.around(textCorners(item, measurer: measurer))
    let check = OrientedBox(item)
    #expect(abs(ours.minX - check.minX) < 1e-9 && abs(ours.maxY - check.maxY) < 1e-9)
  }
}
