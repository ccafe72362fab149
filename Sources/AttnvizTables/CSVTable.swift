import AttnvizMath
import AttnvizStyle

/// A labelled matrix as CSV (RFC 4180): a header record of an empty corner field and the key
/// tokens (or d0, d1, …), then one record per query token with its values.
///
/// - Every record ends with CRLF, the last one too, as RFC 4180 §2 rules 1–2 describe.
/// - A field is quoted when it holds a comma, a double quote, CR or LF (rule 6), or starts or ends
///   with a space (allowed by the RFC, and it stops readers that trim from changing the token);
///   quotes inside are doubled (rule 7).
/// - Tokens are written exactly, control characters included: CSV is data, not terminal output.
/// - Values are Swift's shortest round-trip `description` ("0.1", "1e-05", "nan", "inf"), so
///   parsing a field gives back the identical `Double`; negative zero is written "0.0".
///   Causal-masked cells hold their actual value (0.0 after the mask), as numpy would save it.
public func renderCSV(_ m: LabeledMatrix) -> String {
  var csv = csvRecord([""] + m.resolvedColumnLabels)
  for row in 0..<m.matrix.rows {
    csv += csvRecord([m.rowLabels[row]] + m.matrix.row(row).map(formatRoundTrip))
  }
  return csv
}

private func csvRecord(_ fields: [String]) -> String {
  fields.map(csvField).joined(separator: ",") + "\r\n"
}

/// One field, quoted when RFC 4180 requires it. Checks scalars, not Characters: "\r\n" is a
/// single Character in Swift and would not match a search for "\r" or "\n".
func csvField(_ field: String) -> String {
  let needsQuotes =
    field.unicodeScalars.contains { $0 == "," || $0 == "\"" || $0 == "\r" || $0 == "\n" }
    || field.hasPrefix(" ") || field.hasSuffix(" ")
  guard needsQuotes else { return field }
  var quoted = "\""
  for scalar in field.unicodeScalars {
    if scalar == "\"" { quoted.unicodeScalars.append("\"") }
    quoted.unicodeScalars.append(scalar)
  }
  return quoted + "\""
}
