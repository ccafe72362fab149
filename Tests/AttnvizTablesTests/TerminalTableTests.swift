import AttnvizMath
import AttnvizStyle
import Testing

@testable import AttnvizTables

@Suite struct TerminalTableTests {
  @Test func plainCausalTableMatchesHandWrittenOutput() {
    let expected = """
      Layer 0, head 0
      +-----+-------+-------+-------+
      |     |  The  |  cat  |  sat  |
      +-----+-------+-------+-------+
      | The | 1.00* |   -   |   -   |
      | cat | 0.40  | 0.60* |   -   |
      | sat | 0.20  | 0.30  | 0.50* |
      +-----+-------+-------+-------+
      * = largest weight in its row; - = masked (weight 0)

      """
    #expect(renderTable(causalExample, title: "Layer 0, head 0") == expected)
  }

  @Test func signedValuesKeepOneWidthAndNoNegativeZero() {
    let m = LabeledMatrix(
      Matrix([[1.5, -0.42], [-12.604, -0.001]]), rowLabels: ["a", "b"], columnLabels: nil,
      kind: .signed)
    let expected = """
      +---+---------+---------+
      |   |   d0    |   d1    |
      +---+---------+---------+
      | a |   1.50  |  -0.42  |
      | b | -12.60  |   0.00  |
      +---+---------+---------+

      """
    #expect(renderTable(m) == expected)
  }

  /// The column holding `*` in each data row of a plain single-block table.
  private func markedColumns(_ table: String) -> [[Int]] {
    lines(table).filter { $0.hasPrefix("| ") && $0.contains(".") }.map { line in
      let cells = line.split(separator: "|").dropFirst()
      return cells.enumerated().filter { $0.element.contains("*") }.map(\.offset)
    }
  }

  @Test func rowMaximumIsMarkedOnItsCell() {
    let m = LabeledMatrix(
      Matrix([[0.1, 0.7, 0.2], [0.5, 0.3, 0.2], [0.2, 0.2, 0.6], [0.4, 0.4, 0.2]]),
      rowLabels: ["a", "b", "c", "d"], columnLabels: ["x", "y", "z"], kind: .probabilities)
    #expect(markedColumns(renderTable(m)) == [[1], [0], [2], [0, 1]])
  }

  @Test func maskedCellsNeverCountAsTheMaximum() {
    // Not a real softmax output: the masked cell holds the largest number on purpose.
    let m = LabeledMatrix(
      Matrix([[0.2, 0.9], [0.3, 0.7]]), rowLabels: ["a", "b"], columnLabels: ["a", "b"],
      kind: .probabilities, isCausal: true)
    #expect(markedColumns(renderTable(m)) == [[0], [1]])
  }

  @Test func plainOutputIsAsciiBordersWithoutEscapes() {
    let m = squareMatrix(tokens: ["The", "动物", "👍", "é"])
    let table = renderTable(m, title: "plain", options: TableOptions(colorMode: .plain))
    #expect(!table.utf8.contains(0x1B))
    let borderScalars = lines(table).flatMap { line in
      line.unicodeScalars.filter { !$0.properties.isAlphabetic && !$0.properties.isEmoji }
    }
    #expect(borderScalars.allSatisfy { $0.isASCII })
    for line in lines(table) where line.hasPrefix("+") {
      #expect(line.allSatisfy { $0 == "+" || $0 == "-" })
    }
  }

  @Test func truecolorShadesWithTheMapColourAndResets() {
    let redToBlue = ColorMap(
      name: "test", table: (0..<256).map { RGBA(UInt8($0), 0, UInt8(255 - $0)) })
    let options = TableOptions(colorMode: .truecolor, colorMap: redToBlue)
    let table = renderTable(causalExample, options: options)
    // 1.00 → pure red, dark text (luminance 0.2126 > 0.179); 0.20 → (51, 0, 204), light text.
    #expect(table.contains("\u{1B}[38;2;0;0;0;48;2;255;0;0m 1.00* \u{1B}[0m"))
    #expect(table.contains("\u{1B}[38;2;255;255;255;48;2;51;0;204m 0.20  \u{1B}[0m"))
    expectEveryColourIsReset(table)
  }

  @Test func ansi256ShadesWithTheNearestPaletteColour() {
    let options = TableOptions(colorMode: .ansi256, colorMap: .gray)
    let table = renderTable(causalExample, options: options)
    // 0.50 → grey 128 → grey ramp 244 (8 + 10·12); 1.00 → white 231; 0.20 → grey 51 → 236.
    #expect(table.contains("\u{1B}[38;5;16;48;5;244m 0.50* \u{1B}[0m"))
    #expect(table.contains("\u{1B}[38;5;16;48;5;231m 1.00* \u{1B}[0m"))
    #expect(table.contains("\u{1B}[38;5;231;48;5;236m 0.20  \u{1B}[0m"))
    expectEveryColourIsReset(table)
  }

  private func expectEveryColourIsReset(_ table: String) {
    for line in lines(table) {
      let starts = line.components(of: "\u{1B}[38;")
      let resets = line.components(of: "\u{1B}[0m")
      #expect(starts == resets)
      if starts > 0 {
        #expect(line.hasSuffix("│"))
        #expect(
          line.unicodeScalars.split(separator: "\u{1B}").last?.starts(with: "[0m".unicodeScalars)
            == true)
      }
    }
  }

  @Test func palettesPickKnownXtermColours() {
    #expect(xterm256Index(RGBA(0, 0, 0)) == 16)
    #expect(xterm256Index(RGBA(255, 255, 255)) == 231)
    #expect(xterm256Index(RGBA(95, 135, 175)) == 67)
    #expect(xterm256Index(RGBA(255, 0, 0)) == 196)
    #expect(xterm256Index(RGBA(128, 128, 128)) == 244)
    #expect(xterm256Color(67) == RGBA(95, 135, 175))
  }

  @Test(arguments: [ColorMode.plain, .ansi256, .truecolor])
  func wideTableSplitsIntoBlocksThatFit(mode: ColorMode) {
    let tokens = (0..<30).map { $0 % 3 == 0 ? "word\($0)" : "w\($0)" }
    let table = renderTable(
      squareMatrix(tokens: tokens), title: "30 tokens",
      options: TableOptions(colorMode: mode, width: 80))
    let shown = lines(strippingSGR(table))
    for line in shown { #expect(displayWidth(line) <= 80, "\(line)") }
    let headings = shown.filter { $0.hasPrefix("keys ") }
    #expect(headings.count > 1)
    #expect(headings.first?.hasPrefix(mode == .plain ? "keys 1-" : "keys 1–") == true)
    #expect(headings.last?.hasSuffix("of 30") == true)
    // Header lines start with an empty label cell; collect every key they show.
    let vertical: Character = mode == .plain ? "|" : "│"
    let headerCells = shown.filter { $0.hasPrefix(String(vertical) + "    ") }
      .flatMap { $0.split(separator: vertical).dropFirst().map { $0.trimmingSpaces } }
    #expect(headerCells.sorted() == tokens.sorted())
    // Every block repeats all 30 row labels.
    let rowLines = shown.filter { $0.hasPrefix(String(vertical) + " w") }
    #expect(rowLines.count == 30 * headings.count)
  }

  @Test func labelledDimensionColumnsAreNotCalledKeys() {
    // A head's slice of Q: columns labelled d64… are dimensions, so the block heading says
    // "columns", not "keys".
    var slice = LabeledMatrix(
      Matrix(rows: 2, columns: 20, repeating: 0.5), rowLabels: ["a", "b"],
      columnLabels: (64..<84).map { "d\($0)" }, kind: .signed)
    slice.labelsAreDimensions = true
    let table = renderTable(
      slice, title: "Q", options: TableOptions(colorMode: .plain, width: 80))
    let headings = lines(table).filter { $0.hasPrefix("columns ") }
    #expect(headings.count > 1)
    #expect(headings.first?.hasPrefix("columns 1-") == true)
    #expect(!table.contains("keys "))
  }

  @Test func dimensionColumnsAreNamedInBlockHeadings() {
    let m = LabeledMatrix(
      Matrix(rows: 2, columns: 64, values: (0..<128).map { Double($0) / 64 - 1 }),
      rowLabels: ["a", "b"], columnLabels: nil, kind: .signed)
    let headings = lines(renderTable(m)).filter { $0.hasPrefix("dims ") }
    // Values -1.00 … 0.98: cells "-1.00*" are 6 wide, 9 with padding and border; the label
    // column "| a |" takes 5, so (80 - 5) / 9 = 8 dimensions fit per block.
    #expect(headings.first == "dims d0-d7 of 64")
    #expect(headings.last == "dims d56-d63 of 64")
    #expect(headings.count == 8)
  }

  @Test func longTokensAreShortenedWithAnEllipsis() {
    let long = "Donaudampfschifffahrtsgesellschaftskapitän"
    let m = squareMatrix(tokens: [long, "b"])
    let plain = renderTable(m)
    #expect(!plain.contains(long))
    #expect(plain.contains("| Donaudampfsch... |"))  // 16 columns: 13 letters + "..."
    #expect(plain.contains(" Donauda... "))  // 10-column key header
    let coloured = renderTable(m, options: TableOptions(colorMode: .truecolor))
    #expect(coloured.contains("│ Donaudampfschif… │"))
  }

  @Test func rowLabelsShrinkToLetOneColumnFitANarrowWidth() {
    let m = squareMatrix(tokens: ["abcdefghijklmnop", "b"])
    let table = renderTable(m, options: TableOptions(width: 24))
    for line in lines(table) { #expect(displayWidth(line) <= 24, "\(line)") }
  }

  @Test(arguments: [ColorMode.plain, .ansi256, .truecolor])
  func hostileTokensNeverReachTheTerminal(mode: ColorMode) {
    let hostile = "x\u{1B}[31my\rz\u{7}w\u{202E}v\u{9B}2J\u{2067}"
    let m = squareMatrix(tokens: [hostile, "ok"])
    let table = renderTable(m, title: hostile, options: TableOptions(colorMode: mode))
    let bytes = Array(table.utf8)
    for forbidden: [UInt8] in [
      [0x0D], [0x07], [0xE2, 0x80, 0xAE], [0xC2, 0x9B], [0xE2, 0x81, 0xA7],
    ] {
      #expect(!contains(bytes, forbidden))
    }
    #expect(!table.contains("\u{1B}[31m"))
    // The only escapes left are our own colour sequences.
    #expect(!strippingSGR(table).utf8.contains(0x1B))
    #expect(table.contains(mode == .plain ? "x?[31my?z?w?v?2J?" : "x\u{FFFD}[31my\u{FFFD}"))
  }

  private func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
    guard haystack.count >= needle.count else { return false }
    return (0...(haystack.count - needle.count)).contains {
      Array(haystack[$0..<($0 + needle.count)]) == needle
    }
  }

  @Test(arguments: [ColorMode.plain, .truecolor])
  func wideCharactersAlign(mode: ColorMode) {
    let tokens = ["动物", "👍", "é", "e\u{301}", "🇫🇷", "한국어", "ab"]
    let table = renderTable(squareMatrix(tokens: tokens), options: TableOptions(colorMode: mode))
    let tableLines = lines(strippingSGR(table)).dropLast()  // legend is shorter
    let widths = Set(tableLines.map(displayWidth))
    #expect(widths.count == 1, "\(widths)")
    // Hand-counted padding: the label column is 6 wide (한국어), so 动物 (4) gets 2 spaces,
    // 👍 (2) gets 4, é and e + U+0301 (1) get 5.
    let v = mode == .plain ? "|" : "│"
    #expect(table.contains("\(v) 动物   \(v)"))
    #expect(table.contains("\(v) 👍     \(v)"))
    #expect(table.contains("\(v) e\u{301}      \(v)"))
    #expect(table.contains("\(v) 한국어 \(v)"))
  }

  @Test func defaultMapsFollowTheMatrixKind() {
    let signed = LabeledMatrix(
      Matrix([[-1, 1]]), rowLabels: ["a"], columnLabels: nil, kind: .signed)
    let options = TableOptions(colorMode: .truecolor)
    let diverging = ColorMap.named("diverging") ?? .gray
    #expect(renderTable(signed, options: options).contains("colour: \(diverging.name), "))
    let viridis = ColorMap.named("viridis") ?? .gray
    let table = renderTable(causalExample, options: options)
    #expect(table.contains("colour: \(viridis.name), 0 to 1"))
  }

  @Test func emptyMatrixRendersANoteInsteadOfCrashing() {
    let m = LabeledMatrix(
      Matrix(rows: 0, columns: 0), rowLabels: [], columnLabels: [], kind: .probabilities)
    #expect(renderTable(m, title: "t") == "t\n(empty matrix: 0 x 0)\n")
  }

  @Test func nanAndInfinityArePrintedNotHidden() {
    let m = LabeledMatrix(
      Matrix([[.nan, 1], [-.infinity, 0]]), rowLabels: ["a", "b"], columnLabels: nil,
      kind: .signed)
    let table = renderTable(m, options: TableOptions(colorMode: .truecolor, colorMap: .gray))
    #expect(table.contains("nan") && table.contains("-inf"))
    // Columns are dimensions, not tokens: no row-maximum marks.
    #expect(table.contains(" 1.00 ") && !table.contains("*"))
    // Non-finite cells do not stretch the symmetric colour range.
    #expect(table.contains("colour: gray, -1.00 to +1.00"))
  }
}

extension String {
  fileprivate func components(of needle: String) -> Int {
    var count = 0
    var rest = self[...]
    while let range = rest.firstRange(of: needle) {
      count += 1
      rest = rest[range.upperBound...]
    }
    return count
  }
}

extension Substring {
  fileprivate var trimmingSpaces: String {
    String(drop(while: { $0 == " " }).reversed().drop(while: { $0 == " " }).reversed())
  }
}
