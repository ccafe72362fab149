import AttnvizModel
import AttnvizStyle
import Foundation

/// The `attention.json` document:
///
///     {"text": "...", "tokens": ["The", ...],
///      "model": {"name": "builtin", "architecture": "builtin", "layers": 1, "heads": 2,
///                "key_value_heads": 2, "d_model": 8, "causal": false},
///      "attention": [[[[0.12, ...], ...]]]}
///
/// `attention[layer][head][query][key]` is the weight query i gives key j; every row sums to 1.
/// `key_value_heads` is less than `heads` when query heads share keys and values (grouped-query
/// attention): head h reads key/value head h / (heads / key_value_heads).
/// Written by hand rather than through JSONEncoder so the bytes are fixed: keys in this order,
/// numbers as Swift's shortest round-trip form, one head matrix per line block.
public func attentionJSON(_ trace: AttentionTrace, options: AttentionJSONOptions = .init())
  -> String
{
  var sink = ByteSink.memory()
  // A memory sink never fails.
  try? writeAttentionJSON(trace, options: options, into: &sink)
  return String(decoding: sink.collected, as: UTF8.self)
}

/// What the attention JSON holds: every weight in the shortest round-trip form by default;
/// `precision` decimals (`--json-precision`), and only the `layers`/`heads` chosen with
/// `--layer`/`--head` (0-based here; the document lists them 1-based as `layers_included`).
public struct AttentionJSONOptions: Equatable, Sendable {
  public var precision: Int?
  public var layers: [Int]?
  public var heads: [Int]?

  public init(precision: Int? = nil, layers: [Int]? = nil, heads: [Int]? = nil) {
    self.precision = precision
    self.layers = layers
    self.heads = heads
  }
}

/// The same document written row by row into `sink` (an output file's stream): a 4,096-token
/// trace (33 million weights) is never one string in memory.
public func writeAttentionJSON(
  _ trace: AttentionTrace, options: AttentionJSONOptions = .init(), into sink: inout ByteSink
) throws {
  try writeAttentionJSON(trace, options: options) { try sink.write(bytes: $0) }
}

/// The document in pieces, one weight row at a time, handed to `emit` as UTF-8 bytes.
func writeAttentionJSON(
  _ trace: AttentionTrace, options: AttentionJSONOptions = .init(),
  _ emit: ([UInt8]) throws -> Void
) rethrows {
  var out = "{\n"
  out += "  \"text\": \(jsonStringLiteral(trace.text)),\n"
  out +=
    "  \"tokens\": [\(trace.tokens.map { jsonStringLiteral($0.text) }.joined(separator: ", "))],\n"
  if trace.tokens.contains(where: { $0.id != nil }) {
    out +=
      "  \"token_ids\": [\(trace.tokens.map { $0.id.map(String.init) ?? "null" }.joined(separator: ", "))],\n"
  }
  let m = trace.model
  out +=
    "  \"model\": {\"name\": \(jsonStringLiteral(m.name)), \"architecture\": \(jsonStringLiteral(m.family.name)), "
  out += "\"weights\": \(jsonStringLiteral(weightsKind(m))), "
  out += "\"layers\": \(m.layers), \"heads\": \(m.heads), \"key_value_heads\": \(m.keyValueHeads), "
  out += "\"d_model\": \(m.dModel), \"causal\": \(m.causal)},\n"
  if let original = trace.truncatedFrom {
    out += "  \"truncated_from\": \(original),\n"
  }
  let layers = options.layers ?? Array(trace.layers.indices)
  let heads = options.heads ?? Array(0..<m.heads)
  if options.layers != nil {
    out += "  \"layers_included\": [\(layers.map { String($0 + 1) }.joined(separator: ", "))],\n"
  }
  if options.heads != nil {
    out += "  \"heads_included\": [\(heads.map { String($0 + 1) }.joined(separator: ", "))],\n"
  }
  out += "  \"attention\": [\n"
  try emit(Array(out.utf8))
  // Each row is written into one reused byte buffer: no String per number.
  var row: [UInt8] = []
  for (li, l) in layers.enumerated() {
    try emit(Array("    [\n".utf8))
    for (hi, h) in heads.enumerated() {
      let w = trace.layers[l].weights[h]
      try emit(Array("      [\n".utf8))
      for r in 0..<w.rows {
        row.removeAll(keepingCapacity: true)
        row.append(contentsOf: "        [".utf8)
        for (c, value) in w.row(r).enumerated() {
          if c > 0 { row.append(contentsOf: ", ".utf8) }
          appendJSONNumber(value, precision: options.precision, to: &row)
        }
        row.append(contentsOf: (r + 1 < w.rows ? "],\n" : "]\n").utf8)
        try emit(row)
      }
      try emit(Array((hi + 1 < heads.count ? "      ],\n" : "      ]\n").utf8))
    }
    try emit(Array((li + 1 < layers.count ? "    ],\n" : "    ]\n").utf8))
  }
  try emit(Array("  ]\n}\n".utf8))
}

/// With `precision`, `value` rounded to that many decimals, trailing zeros dropped ("0.25",
/// "0.1", "1", "0"); without, the shortest round-trip form.
func jsonNumber(_ value: Double, precision: Int?) -> String {
  guard let precision else { return jsonNumber(value) }
  guard value.isFinite else { return "0" }
  let text = formatFixed(value, decimals: precision)
  var trimmed = Substring(text)
  if trimmed.contains(".") {
    while trimmed.hasSuffix("0") { trimmed = trimmed.dropLast() }
    if trimmed.hasSuffix(".") { trimmed = trimmed.dropLast() }
  }
  return trimmed == "-0" ? "0" : String(trimmed)
}

/// What the weights are, so a reader of the JSON does not take a random layer's pattern for a
/// learned one.
func weightsKind(_ model: ModelInfo) -> String {
  switch model.family {
  case .builtin: "random, untrained (--model gives a trained model's attention)"
  case .weightsFile: "hand-written (weights file)"
  case .transformer, .marian: "pretrained"
  }
}

/// Shortest decimal that reads back as the same Double; `-0` and non-finite values (which a
/// valid trace never holds) are written as 0 so the document is always valid JSON.
func jsonNumber(_ value: Double) -> String {
  var bytes: [UInt8] = []
  appendJSONNumber(value, to: &bytes)
  return String(decoding: bytes, as: UTF8.self)
}

/// `jsonNumber(value, precision:)`'s bytes appended to `out`.
func appendJSONNumber(_ value: Double, precision: Int?, to out: inout [UInt8]) {
  if let precision {
    out.append(contentsOf: jsonNumber(value, precision: precision).utf8)
  } else {
    appendJSONNumber(value, to: &out)
  }
}

/// `jsonNumber(value)`'s bytes appended to `out`: whole numbers below 10^15 without a fraction
/// ("1", "42"), others in the shortest round-trip form (`appendShortestDecimal`, Swift's
/// `description` byte for byte).
func appendJSONNumber(_ value: Double, to out: inout [UInt8]) {
  guard value.isFinite, value != 0 else {
    out.append(0x30)
    return
  }
  if value == value.rounded(), abs(value) < 1e15 {
    out.append(contentsOf: String(Int64(value)).utf8)
    return
  }
  appendShortestDecimal(value, to: &out)
}
