import AttnvizMath
import AttnvizStyle

/// A labelled matrix as CSV (RFC 4180): a header record of an empty corner field and the key
/// tokens (or d0, d1, …), then one record per query token with its values.
///
/// - Every record ends with CRLF, the last one too, as RFC 4180 §2 rules 1–2 describe.
/// - Fields are written by `csvField` (AttnvizStyle): quoted when they hold a comma, a double
///   quote, CR or LF (rule 6), or start or end with a space; quotes inside doubled (rule 7); a
///   label starting with `=`, `+`, `-`, `@`, TAB or CR prefixed with `'` so that spreadsheet
///   programs show it as text instead of running it as a formula.
/// - Labels are the tables' labels (the one label rule, `tokenLabel`, applied where the matrix
///   is built): no raw control character reaches the file; attention.json keeps the exact tokens.
/// - Values are Swift's shortest round-trip `description` ("0.1", "1e-05", "nan", "inf"), so
///   parsing a field gives back the identical `Double`; negative zero is written "0.0".
///   Causal-masked cells hold their actual value (0.0 after the mask), as numpy would save it.
public func renderCSV(_ m: LabeledMatrix) -> String {
  var csv = csvRecord(labels: [""] + m.resolvedColumnLabels)
  for row in 0..<m.matrix.rows {
    csv += csvRecord(m.rowLabels[row], m.matrix.row(row).map(formatRoundTrip))
  }
  return csv
}

private func csvRecord(_ label: String, _ values: [String]) -> String {
  ([csvField(label)] + values.map { csvField($0, isText: false) }).joined(separator: ",") + "\r\n"
}

private func csvRecord(labels: [String]) -> String {
  labels.map { csvField($0) }.joined(separator: ",") + "\r\n"
}
