import AttnvizModel

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
  var out = "{\n"
  out += "  \"text\": \(jsonString(trace.text)),\n"
  out += "  \"tokens\": [\(trace.tokens.map { jsonString($0.text) }.joined(separator: ", "))],\n"
  if trace.tokens.contains(where: { $0.id != nil }) {
    out += "  \"token_ids\": [\(trace.tokens.map { $0.id.map(String.init) ?? "null" }.joined(separator: ", "))],\n"
  }
  let m = trace.model
  out += "  \"model\": {\"name\": \(jsonString(m.name)), \"architecture\": \(jsonString(m.architecture)), "
  out += "\"weights\": \(jsonString(weightsKind(m))), "
  out += "\"layers\": \(m.layers), \"heads\": \(m.heads), \"d_model\": \(m.dModel), \"causal\": \(m.causal)},\n"
  if let original = trace.truncatedFrom {
    out += "  \"truncated_from\": \(original),\n"
  }
  out += "  \"attention\": [\n"
  out += trace.layers.map { layer in
    "    [\n" + layer.weights.map { head in
      "      [\n" + (0..<head.rows).map { r in
        "        [" + head.row(r).map(jsonNumber).joined(separator: ", ") + "]"
      }.joined(separator: ",\n") + "\n      ]"
    }.joined(separator: ",\n") + "\n    ]"
  }.joined(separator: ",\n")
  out += "\n  ]\n}\n"
  return out
}

/// What the weights are, so a reader of the JSON does not take a random layer's pattern for a
/// learned one.
func weightsKind(_ model: ModelInfo) -> String {
  switch model.architecture {
  case "builtin": "random, untrained (--model gives a trained model's attention)"
  case "weights": "hand-written (weights file)"
  default: "pretrained"
  }
}

/// Shortest decimal that reads back as the same Double; `-0` and non-finite values (which a
/// valid trace never holds) are written as 0 so the document is always valid JSON.
func jsonNumber(_ value: Double) -> String {
  guard value.isFinite, value != 0 else { return "0" }
  if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
  return "\(value)"
}

/// A JSON string literal: quotes, backslashes and every control character escaped.
func jsonString(_ s: String) -> String {
  var out = "\""
  for scalar in s.unicodeScalars {
    switch scalar {
    case "\"": out += "\\\""
    case "\\": out += "\\\\"
    case "\n": out += "\\n"
    case "\r": out += "\\r"
    case "\t": out += "\\t"
    case _ where scalar.value < 0x20 || scalar.value == 0x7F || (0x2028...0x2029).contains(scalar.value):
      out += "\\u" + String(repeating: "0", count: 4 - String(scalar.value, radix: 16).count)
        + String(scalar.value, radix: 16)
    default: out.unicodeScalars.append(scalar)
    }
  }
  return out + "\""
}
