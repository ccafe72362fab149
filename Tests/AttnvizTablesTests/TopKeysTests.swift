import AttnvizMath
import Testing

@testable import AttnvizTables

@Suite struct TopKeysTests {
  @Test func eachQueryListsItsStrongestKeysStrongestFirst() {
    let m = LabeledMatrix(
      Matrix([[0.1, 0.6, 0.3], [0.5, 0.25, 0.25], [0, 0, 1]]), rowLabels: ["a", "bb", "c"],
      columnLabels: ["a", "bb", "c"], kind: .probabilities)
    let text = renderTopKeys(m, k: 2, title: "T", asciiOnly: true)
    #expect(
      text == """
        Top 2 keys per query · T
          1 a  -> bb 0.60  c 0.30
          2 bb -> a 0.50  bb 0.25
          3 c  -> c 1.00  a 0.00

        """)
  }

  @Test func maskedKeysAreNeverListed() {
    let m = LabeledMatrix(
      Matrix([[1, 0], [0.3, 0.7]]), rowLabels: ["x", "y"], columnLabels: ["x", "y"],
      kind: .probabilities, isCausal: true)
    let text = renderTopKeys(m, k: 3, title: "T", asciiOnly: false)
    #expect(text.contains("1 x → x 1.00\n"))
    #expect(text.contains("2 y → y 0.70  x 0.30\n"))
  }

  @Test func topIndicesKeepsTiesInOrderAndScalesToLongRows() {
    #expect(topIndices([0.2, 0.5, 0.5, 0.1][...], k: 2) { _ in true } == [1, 2])
    var row = [Double](repeating: 0, count: 4096)
    row[4000] = 0.9
    row[7] = 0.1
    #expect(topIndices(row[...], k: 2) { _ in true } == [4000, 7])
  }
}
