/// How a terminal table is coloured.
public enum ColorMode: String, Sendable, Equatable, CaseIterable {
  /// No escape codes at all and pure ASCII borders (`+`, `-`, `|`): safe to paste anywhere.
  case plain
  /// Cells shaded with the nearest of the xterm 256 colours.
  case ansi256
  /// Cells shaded with exact 24-bit colours.
  case truecolor
}

/// The colour mode for the environment, as a pure function so every rule can be tested.
///
/// Plain when output is not a terminal, when `--no-color` was given, when `NO_COLOR` is set to a
/// non-empty value (no-color.org: "when present and not an empty string (regardless of its
/// value)"), or when `TERM=dumb`. Otherwise truecolor when `COLORTERM` is `truecolor` or `24bit`
/// (the de facto convention), else 256 colours.
public func detectColorMode(
  isTerminal: Bool, environment: [String: String], noColorFlag: Bool
) -> ColorMode {
  if noColorFlag || !isTerminal { return .plain }
  if let noColor = environment["NO_COLOR"], !noColor.isEmpty { return .plain }
  if environment["TERM"] == "dumb" { return .plain }
  switch environment["COLORTERM"]?.lowercased() {
  case "truecolor", "24bit": return .truecolor
  default: return .ansi256
  }
}
