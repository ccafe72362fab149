import Foundation
import Testing

/// Parses RFC 4180 CSV: quoted fields with doubled quotes, CRLF record ends.
func parseCSV(_ text: String) -> [[String]] {
  var records: [[String]] = []
  var record: [String] = []
  var field = ""
  var quoted = false
  var scalars = Array(text.unicodeScalars)[...]
  while let c = scalars.popFirst() {
    if quoted {
      if c == "\"" {
        if scalars.first == "\"" {
          field.unicodeScalars.append(c)
          scalars.removeFirst()
        } else {
          quoted = false
        }
      } else {
        field.unicodeScalars.append(c)
      }
    } else if c == "\"" {
      quoted = true
    } else if c == "," {
      record.append(field)
      field = ""
    } else if c == "\r", scalars.first == "\n" {
      scalars.removeFirst()
      record.append(field)
      records.append(record)
      record = []
      field = ""
    } else {
      field.unicodeScalars.append(c)
    }
  }
  return records
}

@Suite struct CLIPipesAndFormatsTests {
  @Test func standardInputToJSONThroughJq() throws {
    let folder = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let run = try Binary.run(
      ["--json", "--out", folder.path, "-"], stdin: "Attention is all you need.\n")
    #expect(run.status == 0)
    // Only the built-in layer's note and file paths on stderr, no progress or escape codes:
    // nobody watches a pipe.
    #expect(run.stderr.hasPrefix(Binary.untrainedNote))
    #expect(
      run.stderr.dropFirst(Binary.untrainedNote.count).split(separator: "\n").allSatisfy {
        $0.hasPrefix(folder.path)
      })
    #expect(!run.stderr.contains("\r") && !run.stdout.contains("\u{1B}"))
    guard
      let jq = ["/usr/bin/jq", "/usr/local/bin/jq"].first(
        where: FileManager.default.isExecutableFile)
    else {
      print("jq is not installed; checking the JSON with JSONSerialization only")
      #expect(try JSONSerialization.jsonObject(with: run.stdoutBytes) is [String: Any])
      return
    }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: jq)
    process.arguments = ["-c", "[.tokens, (.attention[0] | length)]"]
    let input = Pipe()
    let output = Pipe()
    process.standardInput = input
    process.standardOutput = output
    try process.run()
    input.fileHandleForWriting.write(run.stdoutBytes)
    try input.fileHandleForWriting.close()
    let answer = String(
      decoding: readToEnd(output.fileHandleForReading.fileDescriptor), as: UTF8.self)
    process.waitUntilExit()
    #expect(answer == #"[["Attention","is","all","you","need","."],2]"# + "\n")
  }

  @Test func quietPrintsNothingButStillWrites() throws {
    let folder = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let run = try Binary.run(
      ["--quiet", "--format", "txt", "--out", folder.path, "-"], stdin: "a b")
    #expect(run.status == 0 && run.stdout.isEmpty && run.stderr.isEmpty)
    #expect(listing(folder) == ["tables.txt"])
  }

  /// Tokens that are a comma and a quote survive the CSV round trip, and the numbers are the
  /// JSON's exactly (both are shortest round-trip decimals; compared as text, because
  /// Foundation's JSON parser on Linux can be one ulp off).
  @Test func csvOneFilePerHeadWithRFC4180Quoting() throws {
    let folder = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let run = try Binary.run(["--format", "csv,json", "--quiet", "--out", folder.path, #"a , " b"#])
    #expect(run.status == 0, "\(run.stderr)")
    #expect(
      listing(folder) == [
        "attention-layer1-head1.csv", "attention-layer1-head2.csv", "attention.json",
      ])
    let jsonText = try String(
      contentsOf: folder.appendingPathComponent("attention.json"), encoding: .utf8)
    let json = try JSONSerialization.jsonObject(with: Data(jsonText.utf8)) as! [String: Any]
    let attention = json["attention"] as! [[[[Double]]]]
    let tokens = ["a", ",", "\"", "b"]
    for head in 0..<2 {
      let text = try String(
        contentsOf: folder.appendingPathComponent("attention-layer1-head\(head + 1).csv"),
        encoding: .utf8)
      #expect(text.hasSuffix("\r\n"))
      let records = parseCSV(text)
      #expect(records.first == [""] + tokens)
      #expect(records.dropFirst().map { $0[0] } == tokens)
      for (i, record) in records.dropFirst().enumerated() {
        #expect(jsonText.contains("[" + record.dropFirst().joined(separator: ", ") + "]"))
        let values = record.dropFirst().map { Double($0) ?? .nan }
        #expect(zip(values, attention[0][head][i]).allSatisfy { abs($0 - $1) < 1e-15 })
        #expect(abs(values.reduce(0, +) - 1) < 1e-12)
      }
    }
  }

  @Test func markdownTablesForLectureNotes() throws {
    let folder = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let run = try Binary.run(["--format", "md", "--quiet", "--out", folder.path, "The cat | sat."])
    #expect(run.status == 0)
    let md = try String(contentsOf: folder.appendingPathComponent("tables.md"), encoding: .utf8)
    // The heading follows the one Markdown rule for text from the input, like the cells.
    #expect(md.hasPrefix(#"# Self-attention: The cat \| sat."# + "\n"))
    #expect(md.contains("\n## Head 1 of 2 · layer 1"))
    #expect(md.contains("\n## Head 2 of 2 · layer 1"))
    // The pipe token is escaped so it cannot split the Markdown table.
    #expect(md.contains(#"|  | The | cat | \| | sat | . |"#))
    #expect(md.contains("| :--- | ---: | ---: | ---: | ---: | ---: |"))
    let rows = md.split(separator: "\n").filter {
      $0.hasPrefix("| The ") || $0.hasPrefix(#"| \| "#)
    }
    #expect(rows.count == 4)
  }

  /// `--format txt` holds exactly the plain tables a pipe gets on stdout (a short text fits 80
  /// columns, so both have the same layout).
  @Test func textTablesMatchThePlainTerminalOutput() throws {
    let folder = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let run = try Binary.run(["--format", "txt", "--out", folder.path, "The cat sat."])
    #expect(run.status == 0)
    let txt = try String(contentsOf: folder.appendingPathComponent("tables.txt"), encoding: .utf8)
    #expect(txt == run.stdout)
    #expect(txt.contains("+--") && !txt.contains("\u{1B}"))
    #expect(
      txt.unicodeScalars.allSatisfy {
        $0.value == 0x0A || (0x20..<0x7F).contains($0.value) || $0 == "·"
      })
  }
}
