import AttnvizMath

@testable import AttnvizTables

/// `s` with our SGR colour sequences (ESC [ digits/semicolons m) removed, to measure what shows.
func strippingSGR(_ s: String) -> String {
  var out = String.UnicodeScalarView()
  var scalars = s.unicodeScalars[...]
  while let first = scalars.first {
    if first == "\u{1B}", scalars.dropFirst().first == "[" {
      let body = scalars.dropFirst(2).prefix(while: { ("0"..."9").contains($0) || $0 == ";" })
      let after = scalars.dropFirst(2 + body.count)
      if after.first == "m" {
        scalars = after.dropFirst()
        continue
      }
    }
    out.append(first)
    scalars = scalars.dropFirst()
  }
  return String(out)
}

/// Lines of a rendered table, without the final empty string after the trailing newline.
func lines(_ s: String) -> [String] {
  var parts = s.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
  if parts.last == "" { parts.removeLast() }
  return parts
}

/// The 3×3 causal example used across the tests: "The cat sat".
let causalExample = LabeledMatrix(
  Matrix([[1, 0, 0], [0.4, 0.6, 0], [0.2, 0.3, 0.5]]), rowLabels: ["The", "cat", "sat"],
  columnLabels: ["The", "cat", "sat"], kind: .probabilities, isCausal: true)

func squareMatrix(tokens: [String], kind: MatrixKind = .probabilities) -> LabeledMatrix {
  let n = tokens.count
  let values = (0..<n * n).map { Double($0 % 7) / 10 }
  return LabeledMatrix(
    Matrix(rows: n, columns: n, values: values), rowLabels: tokens, columnLabels: tokens,
    kind: kind)
}
