import AttnvizMath
import AttnvizStyle
import Testing

@testable import AttnvizTables

/// Seeded random tables of awkward tokens and values: nothing crashes, nothing unsafe reaches the
/// terminal, and every line fits a width that leaves room for one column.
@Suite struct HostileInputTests {
  static let pool = [
    "", " ", "a", "\u{1B}[2J", "\r\n", "\u{0}", "\u{9B}31m", "\u{202E}evil", "动物园", "👨‍👩‍👧",
    "e\u{301}\u{302}\u{303}", "\u{301}", "|", "\\", "\"", ",", "ｗｉｄｅｗｉｄｅ", "🇫🇷🇩🇪🇮🇹",
    "averyveryverylongtokenindeed", "\u{FEFF}", "\u{AD}", "\t", "한국어텍스트",
  ]

  @Test(arguments: [ColorMode.plain, .ansi256, .truecolor])
  func randomTablesStaySafeAndFit(mode: ColorMode) {
    var random = SplitMix64(seed: 7)
    for _ in 0..<60 {
      let rows = Int(random.next() % 6)
      let columns = Int(random.next() % 14)
      let pick = { (r: inout SplitMix64) in Self.pool[Int(r.next() % UInt64(Self.pool.count))] }
      let rowLabels = (0..<rows).map { _ in pick(&random) }
      let columnLabels = (0..<columns).map { _ in pick(&random) }
      let values = (0..<rows * columns).map { _ in Double(random.next() % 1000) / 999 }
      let m = LabeledMatrix(
        Matrix(rows: rows, columns: columns, values: values), rowLabels: rowLabels,
        columnLabels: columnLabels, kind: .probabilities, isCausal: random.next() % 2 == 0)
      let width = 24 + Int(random.next() % 100)
      let table = renderTable(
        m, title: pick(&random), options: TableOptions(colorMode: mode, width: width))
      let shown = strippingSGR(table)
      for line in lines(shown) {
        #expect(!line.unicodeScalars.contains(where: isUnsafeScalar), "\(line)")
        #expect(displayWidth(line) <= width, "\(line)")
      }
      if mode == .plain { #expect(!table.utf8.contains(0x1B)) }
      _ = renderMarkdownTable(m)
      _ = renderCSV(m)
    }
  }
}
