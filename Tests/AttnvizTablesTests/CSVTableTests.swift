import AttnvizMath
import Testing

@testable import AttnvizTables

/// A strict RFC 4180 reader: records end in CRLF, quoted fields may hold anything, `""` is a quote.
private func parseCSV(_ text: String) -> [[String]]? {
  var records: [[String]] = []
  var record: [String] = []
  var field = String.UnicodeScalarView()
  var scalars = Array(text.unicodeScalars)[...]
  while !scalars.isEmpty {
    if scalars.first == "\"" {
      scalars = scalars.dropFirst()
      while true {
        guard let s = scalars.popFirst() else { return nil }  // unterminated quote
        if s == "\"" {
          if scalars.first == "\"" {
            field.append("\"")
            scalars = scalars.dropFirst()
          } else {
            break
          }
        } else {
          field.append(s)
        }
      }
    }
    guard let s = scalars.popFirst() else { return nil }  // last record lacks CRLF
    switch s {
    case ",":
      record.append(String(field))
      field = .init()
    case "\r":
      guard scalars.popFirst() == "\n" else { return nil }
      record.append(String(field))
      records.append(record)
      record = []
      field = .init()
    case "\"", "\n": return nil  // stray quote or bare LF
    default: field.append(s)
    }
  }
  return records
}

@Suite struct CSVTableTests {
  @Test func smallTableMatchesHandWrittenCSV() {
    let m = LabeledMatrix(
      Matrix([[0.25, 0.75], [-0.0, 1e-05]]), rowLabels: ["a,b", "x\"y"],
      columnLabels: ["k", " space"], kind: .signed)
    let expected = ",k,\" space\"\r\n\"a,b\",0.25,0.75\r\n\"x\"\"y\",0.0,1e-05\r\n"
    #expect(renderCSV(m) == expected)
  }

  @Test func tokensAndNumbersRoundTrip() throws {
    let tokens = [",", "\"", "a\"b", "line\nbreak", "cr\r\nlf", "\r", " lead", "plain", "动物", ""]
    let n = tokens.count
    var values = (0..<n * n).map { Double($0 + 1) / 3 }
    values[0] = 0.1
    values[1] = 1e-5
    values[2] = -2.5e-300
    values[3] = 12345.678
    values[4] = 1e300
    values[5] = .leastNonzeroMagnitude
    values[6] = -0.0
    let m = LabeledMatrix(
      Matrix(rows: n, columns: n, values: values), rowLabels: tokens, columnLabels: tokens,
      kind: .signed)
    let csv = renderCSV(m)
    let records = try #require(parseCSV(csv))
    #expect(records.count == n + 1)
    // "\r" starts like a formula would: spreadsheet programs read the leading ' as "text".
    let written = tokens.map { $0 == "\r" ? "'\r" : $0 }
    #expect(records[0] == [""] + written)
    for (row, record) in records.dropFirst().enumerated() {
      #expect(record.first == written[row])
      let parsed = record.dropFirst().map { Double($0) }
      #expect(parsed == Array(m.matrix.row(row)).map { Optional($0) })
    }
    #expect(!csv.contains("-0.0"))
  }

  @Test func lineEndingsAreAllCRLF() {
    let csv = renderCSV(causalExample)
    let bytes = Array(csv.utf8)
    for (i, byte) in bytes.enumerated() where byte == 0x0A {
      #expect(i > 0 && bytes[i - 1] == 0x0D)
    }
    #expect(csv.hasSuffix("\r\n"))
    #expect(csv.split(separator: "\r\n").count == 4)
  }
}
