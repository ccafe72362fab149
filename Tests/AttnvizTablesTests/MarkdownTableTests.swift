import AttnvizMath
import AttnvizStyle
import Testing

@testable import AttnvizTables

@Suite struct MarkdownTableTests {
  @Test func causalTableMatchesHandWrittenMarkdown() {
    let expected = """
      |  | The | cat | sat |
      | :--- | ---: | ---: | ---: |
      | The | **1.00** | · | · |
      | cat | 0.40 | **0.60** | · |
      | sat | 0.20 | 0.30 | **0.50** |

      **Bold**: largest weight in its row. ·: masked by the causal mask (weight 0).

      """
    #expect(renderMarkdownTable(causalExample) == expected)
  }

  @Test func tokensAreEscapedForGitHubTables() {
    #expect(escapeMarkdown("a|b") == #"a\|b"#)
    #expect(escapeMarkdown(#"\"#) == #"\\"#)
    #expect(escapeMarkdown(#"\|"#) == #"\\\|"#)
    #expect(escapeMarkdown("<s>") == #"\<s\>"#)
    #expect(escapeMarkdown("**") == #"\*\*"#)
    #expect(escapeMarkdown(" the") == "&nbsp;the")
    #expect(escapeMarkdown("end  ") == "end&nbsp;&nbsp;")
    #expect(escapeMarkdown("  ") == "&nbsp;&nbsp;")
    #expect(escapeMarkdown("a\nb") == "a\u{FFFD}b")
  }

  @Test func escapedPipeKeepsTheColumnCount() {
    let m = LabeledMatrix(
      Matrix([[0.25, 0.75], [0.5, 0.5]]), rowLabels: ["|", "a|b"], columnLabels: ["|", "x"],
      kind: .probabilities)
    let table = renderMarkdownTable(m)
    let rows = table.split(separator: "\n").prefix(4)
    for row in rows {
      // Unescaped pipes are the cell borders: 4 for three columns.
      let unescaped = row.indices.filter { i in
        row[i] == "|" && (i == row.startIndex || row[row.index(before: i)] != "\\")
      }
      #expect(unescaped.count == 4, "\(row)")
    }
    #expect(table.contains(#"| a\|b | 0.50 | 0.50 |"#) == false)
    #expect(table.contains(#"| a\|b | **0.50** | **0.50** |"#))
  }
}
