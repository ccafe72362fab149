import Foundation
import Testing

/// `--format html` through the binary: the page is one file, self-contained, deterministic, and
/// carries the same weights as attention.json. What the page does is tested in a browser by
/// scripts/browser/test_page.py (`make test-page`).
@Suite(.serialized) struct PageTests {
  @Test func htmlFormatWritesOneSelfContainedPage() throws {
    let folder = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let out = folder.appendingPathComponent("page")
    let run = try Binary.run([
      lectureSentence, "--quiet", "--format", "html,json", "--out", out.path,
    ])
    #expect(run.status == 0, "\(run.stderr)")
    #expect(listing(out) == ["attention.html", "attention.json"])
    let html = try String(contentsOf: out.appendingPathComponent("attention.html"), encoding: .utf8)
    #expect(html.hasPrefix("<!DOCTYPE html>") && html.hasSuffix("</html>\n"))
    // Nothing fetched: no src, no link, no URL, and a policy that forbids any fetch.
    #expect(!html.contains(" src=") && !html.contains("<link") && !html.contains("@import"))
    #expect(!html.lowercased().contains("http:") && !html.lowercased().contains("https:"))
    #expect(html.contains("content=\"default-src 'none';"))
    // Full precision: the page's doubles are the JSON's, bit for bit.
    // Numbers read with Double(String), which is exact (JSONSerialization need not be).
    let json = try String(contentsOf: out.appendingPathComponent("attention.json"), encoding: .utf8)
    let numbers = try #require(json.range(of: "\"attention\": ["))
    let fromJSON = json[numbers.upperBound...]
      .split(whereSeparator: { "[], \n}".contains($0) }).compactMap { Double(String($0)) }
    #expect(fromJSON.count == 2 * 12 * 12)
    #expect(try pageWeights(html) == fromJSON)
  }

  @Test func samePageTwice() throws {
    let folder = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    for name in ["a", "b"] {
      try Binary.run([
        lectureSentence, "--quiet", "--format", "html", "--out",
        folder.appendingPathComponent(name).path,
      ])
    }
    let a = try Data(contentsOf: folder.appendingPathComponent("a/attention.html"))
    let b = try Data(contentsOf: folder.appendingPathComponent("b/attention.html"))
    #expect(a == b && !a.isEmpty)
  }

  @Test func aLargePageSaysOnStderrWhatItLeftOut() throws {
    let folder = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let words = Array(repeating: lectureSentence, count: 40).joined(separator: " ")
    let run = try Binary.run([
      words, "--dim", "64", "--heads", "8", "--format", "html", "--out", folder.path,
    ])
    #expect(run.status == 0, "\(run.stderr)")
    #expect(
      run.stderr.contains(
        "note: attention.html holds 480 tokens' weights rounded to two decimals"))
    let html = try String(
      contentsOf: folder.appendingPathComponent("attention.html"), encoding: .utf8)
    #expect(
      html.contains("<p class=\"note\">Holds 480 tokens&#39; weights rounded to two decimals"))
    #expect(html.contains("\"precision\":\"hundredths\""))
  }
}

/// The weights the page embeds (full precision: little-endian doubles in base64).
func pageWeights(_ html: String) throws -> [Double] {
  let start = try #require(html.range(of: "<script type=\"text/plain\" id=\"attnviz-weights\">"))
  let end = try #require(html.range(of: "</script>", range: start.upperBound..<html.endIndex))
  let bytes = try #require(Data(base64Encoded: String(html[start.upperBound..<end.lowerBound])))
  return stride(from: 0, to: bytes.count, by: 8).map { offset in
    var bits: UInt64 = 0
    for k in 0..<8 { bits |= UInt64(bytes[offset + k]) << (8 * UInt64(k)) }
    return Double(bitPattern: bits)
  }
}
