import Testing

@testable import AttnvizHTML

@Suite("Layers of a reduced page")
struct SpreadLayersTests {
  @Test func layersSpreadEvenlyAndKeepTheChosenOne() {
    #expect(spreadLayers(count: 3, of: 7, keeping: 6) == [0, 3, 6])
    // 4 is not among 0, 3, 6: it replaces the nearest, 3.
    #expect(spreadLayers(count: 3, of: 7, keeping: 4) == [0, 4, 6])
    // Equally near 0 and 2: the first is replaced.
    #expect(spreadLayers(count: 2, of: 3, keeping: 1) == [1, 2])
    #expect(spreadLayers(count: 1, of: 12, keeping: 5) == [5])
    #expect(spreadLayers(count: 4, of: 12, keeping: 0) == [0, 4, 7, 11])
  }
}
