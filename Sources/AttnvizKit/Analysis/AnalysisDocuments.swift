import AttnvizAnalysis
import AttnvizModel
import AttnvizStyle

/// The head patterns as a compact table: layers down, heads across, each cell the short label
/// ("prev", "broad", …), the rule underneath. Plain text for the terminal and `tables.txt`.
func patternsText(_ patterns: [[HeadPatternResult]], title: String, rule: HeadPatternRule)
  -> String
{
  let heads = patterns.map(\.count).max() ?? 0
  let width = max(5, HeadPattern.allCases.map(\.code.count).max() ?? 5) + 1
  func padded(_ s: String, _ n: Int) -> String {
    s + String(repeating: " ", count: max(0, n - s.count))
  }
  let rowTitle = max(8, "Layer \(patterns.count)".count + 1)
  var lines = [
    title, padded("", rowTitle) + (1...max(heads, 1)).map { padded("H\($0)", width) }.joined(),
  ]
  for (l, row) in patterns.enumerated() {
    lines.append(
      padded("Layer \(l + 1)", rowTitle) + row.map { padded($0.pattern.code, width) }.joined())
  }
  let key = HeadPattern.allCases.filter { $0 != .none }.map { "\($0.code) = \($0.rawValue)" }
  lines.append("")
  lines.append(key.joined(separator: ", ") + ", - = none")
  lines += rule.legend
  return lines.map { $0.replacingTrailingSpaces() }.joined(separator: "\n") + "\n"
}

/// The same table in Markdown, with the full labels.
func patternsMarkdown(_ patterns: [[HeadPatternResult]], title: String, rule: HeadPatternRule)
  -> String
{
  let heads = patterns.map(\.count).max() ?? 0
  var out =
    "# \(title)\n\n| Layer | " + (1...max(heads, 1)).map { "H\($0)" }.joined(separator: " | ")
    + " |\n"
  out += "|---|" + String(repeating: "---|", count: max(heads, 1)) + "\n"
  for (l, row) in patterns.enumerated() {
    out +=
      "| \(l + 1) | " + row.map { markdownCell($0.pattern.rawValue) }.joined(separator: " | ")
      + " |\n"
  }
  return out + "\n" + rule.legend.joined(separator: " ") + "\n"
}

/// `|` and `[`… would break or link in Markdown; the labels are fixed, so escaping suffices.
private func markdownCell(_ s: String) -> String {
  s.replacingOccurrences(of: "|", with: "\\|").replacingOccurrences(of: "[", with: "\\[")
    .replacingOccurrences(of: "]", with: "\\]")
}

/// `patterns.json`: `{"rule": {...}, "patterns": [[{"pattern", "score", "entropy"}, …], …]}`,
/// `patterns[layer][head]`.
func patternsJSON(_ patterns: [[HeadPatternResult]], rule: HeadPatternRule, precision: Int?)
  -> String
{
  var out = "{\n  \"rule\": {\"dominance\": \(jsonNumber(rule.dominance)), "
  out += "\"broad_entropy\": \(jsonNumber(rule.broadEntropy))},\n  \"patterns\": [\n"
  out += patterns.map { row in
    "    ["
      + row.map { p in
        "{\"pattern\": \(jsonStringLiteral(p.pattern.rawValue)), "
          + "\"score\": \(jsonNumber(p.score, precision: precision)), "
          + "\"entropy\": \(jsonNumber(p.entropy, precision: precision))}"
      }.joined(separator: ", ") + "]"
  }.joined(separator: ",\n")
  return out + "\n  ]\n}\n"
}

/// `stats.json`: per layer and head the mean distance, mean signed offset and mean entropy
/// (bits), and the sink share; `[layer][head]` each.
func statsJSON(_ trace: AttentionTrace, precision: Int?) -> String {
  let layers = trace.layers.map(\.weights)
  let stats = layers.map { $0.map(HeadStatistics.init) }
  let sinks = SinkTable(layers: layers, sinkKeys: sinkTargets(trace).keys)
  func grid(_ values: [[Double]]) -> String {
    "[\n"
      + values.map {
        "    [" + $0.map { jsonNumber($0, precision: precision) }.joined(separator: ", ") + "]"
      }
      .joined(separator: ",\n") + "\n  ]"
  }
  var out = "{\n"
  out += "  \"mean_distance\": \(grid(stats.map { $0.map(\.meanDistance) })),\n"
  out += "  \"mean_offset\": \(grid(stats.map { $0.map(\.meanOffset) })),\n"
  out += "  \"mean_entropy_bits\": \(grid(stats.map { $0.map(\.meanEntropyBits) })),\n"
  out += "  \"sink_keys\": [\(sinkTargets(trace).keys.map(String.init).joined(separator: ", "))],\n"
  out += "  \"sink_share\": \(grid(sinks.shares)),\n"
  out +=
    "  \"sink_share_layer_mean\": ["
    + sinks.layerMeans.map { jsonNumber($0, precision: precision) }.joined(separator: ", ")
    + "]\n"
  return out + "}\n"
}

extension String {
  fileprivate func replacingTrailingSpaces() -> String {
    var s = Substring(self)
    while s.hasSuffix(" ") { s = s.dropLast() }
    return String(s)
  }
}

/// The analysis views' data files: `patterns.json` with `--view patterns`, `stats.json` (distance,
/// entropy, sink share) with `--view stats` or `sinks`, when JSON is among the formats; the
/// patterns table also goes into `tables.txt`-style `patterns.txt` and `patterns.md`.
func analysisDocuments(_ trace: AttentionTrace, options: VisualizeOptions) -> [OutputFile] {
  let views = options.views ?? []
  var files: [OutputFile] = []
  let rule = HeadPatternRule()
  if views.contains(.patterns) {
    let patterns = headPatterns(trace, rule: rule)
    let title = patternsTitle(trace)
    if options.formats.contains(.json) {
      files.append(
        OutputFile(
          name: "patterns.json",
          text: patternsJSON(patterns, rule: rule, precision: options.jsonPrecision)))
    }
    if options.formats.contains(.txt) {
      files.append(
        OutputFile(name: "patterns.txt", text: patternsText(patterns, title: title, rule: rule)))
    }
    if options.formats.contains(.md) {
      files.append(
        OutputFile(name: "patterns.md", text: patternsMarkdown(patterns, title: title, rule: rule)))
    }
  }
  if options.formats.contains(.json), views.contains(.stats) || views.contains(.sinks) {
    files.append(
      OutputFile(name: "stats.json", text: statsJSON(trace, precision: options.jsonPrecision)))
  }
  return files
}

/// What `--view patterns` adds to standard output: the compact table.
func analysisText(_ trace: AttentionTrace, options: VisualizeOptions) -> String {
  guard options.views?.contains(.patterns) == true else { return "" }
  let rule = HeadPatternRule()
  return "\n"
    + patternsText(headPatterns(trace, rule: rule), title: patternsTitle(trace), rule: rule)
}

func patternsTitle(_ trace: AttentionTrace) -> String {
  "Head patterns · \(layersByHeads(trace)) · "
    + displayName(of: trace.model)
}
