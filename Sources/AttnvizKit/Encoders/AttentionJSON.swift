import AttnvizModel
import Foundation

/// The `attention.json` document:
///
///     {"text": "...", "tokens": ["The", ...],
///      "model": {"name": "builtin", "layers": 1, "heads": 2, "d_model": 8, "causal": false},
///      "attention": [[[[0.12, ...], ...]]]}
///
/// `attention[layer][head][query][key]` is the weight query i gives key j; every row sums to 1.
/// Written by hand rather than through JSONEncoder so the bytes are fixed: keys in this order,
/// numbers as Swift's shortest round-trip form, one head matrix per line block.
public func attentionJSON(_ trace: AttentionTrace) -> String {
  var sink = ByteSink.memory()
  // A memory sink never fails.
  try? writeAttentionJSON(trace, into: &sink)
  return String(decoding: sink.collected, as: UTF8.self)
}

/// The same document written row by row into `sink`: a file of hundreds of megabytes is never
/// held whole in memory.
public func writeAttentionJSON(_ trace: AttentionTrace, into sink: inout ByteSink) throws {
  var out = "{\n"
  out += "  \"text\": \(jsonString(trace.text)),\n"
  out += "  \"tokens\": [\(trace.tokens.map { jsonString($0.text) }.joined(separator: ", "))],\n"
  if trace.tokens.contains(where: { $0.id != nil }) {
    out +=
      "  \"token_ids\": [\(trace.tokens.map { $0.id.map(String.init) ?? "null" }.joined(separator: ", "))],\n"
  }
  let m = trace.model
  out +=
    "  \"model\": {\"name\": \(jsonString(m.name)), \"architecture\": \(jsonString(m.architecture)), "
  out +=
    "\"layers\": \(m.layers), \"heads\": \(m.heads), \"d_model\": \(m.dModel), \"causal\": \(m.causal)},\n"
  if let original = trace.truncatedFrom {
    out += "  \"truncated_from\": \(original),\n"
  }
  out += "  \"attention\": [\n"
  try sink.write(out)
  for (l, layer) in trace.layers.enumerated() {
    try sink.write(l == 0 ? "    [\n" : ",\n    [\n")
    for (h, head) in layer.weights.enumerated() {
      try sink.write(h == 0 ? "      [\n" : ",\n      [\n")
      for r in 0..<head.rows {
        let row = "        [" + head.row(r).map(jsonNumber).joined(separator: ", ") + "]"
        try sink.write(r == 0 ? row : ",\n" + row)
      }
      try sink.write("\n      ]")
    }
    try sink.write("\n    ]")
  }
  try sink.write("\n  ]\n}\n")
}

/// Shortest decimal that reads back as the same Double; `-0` and non-finite values (which a
/// valid trace never holds) are written as 0 so the document is always valid JSON.
func jsonNumber(_ value: Double) -> String {
  guard value.isFinite, value != 0 else { return "0" }
  if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
  return "\(value)"
}

/// A JSON string literal: quotes, backslashes and every control character escaped, and also
/// the characters JSON allows raw but terminals and editors act on: C1 controls (U+0080–U+009F,
/// U+009B is a one-byte CSI), bidi overrides and isolates (U+202A–U+202E, U+2066–U+2069, the
/// marks U+200E, U+200F, U+061C) and the line separators U+2028/U+2029. `jq -r` still shows
/// the real text; `cat` of the file cannot be steered by it.
func jsonString(_ s: String) -> String {
  var out = "\""
  for scalar in s.unicodeScalars {
    switch scalar {
    case "\"": out += "\\\""
    case "\\": out += "\\\\"
    case "\n": out += "\\n"
    case "\r": out += "\\r"
    case "\t": out += "\\t"
    case _ where needsJSONEscape(scalar):
      out +=
        "\\u" + String(repeating: "0", count: 4 - String(scalar.value, radix: 16).count)
        + String(scalar.value, radix: 16)
    default: out.unicodeScalars.append(scalar)
    }
  }
  return out + "\""
}

func needsJSONEscape(_ scalar: Unicode.Scalar) -> Bool {
  switch scalar.value {
  case 0..<0x20, 0x7F...0x9F, 0x061C, 0x200E, 0x200F, 0x2028...0x202E, 0x2066...0x2069: true
  default: false
  }
}
