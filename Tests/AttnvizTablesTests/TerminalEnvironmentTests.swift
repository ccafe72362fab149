import Testing

@testable import AttnvizTables

@Suite struct TerminalEnvironmentTests {
  @Test(arguments: [
    (true, [String: String](), false, ColorMode.ansi256),
    (false, ["COLORTERM": "truecolor"], false, .plain),
    (true, ["COLORTERM": "truecolor"], true, .plain),
    (true, ["COLORTERM": "truecolor", "NO_COLOR": "1"], false, .plain),
    (true, ["NO_COLOR": "0"], false, .plain),
    (true, ["NO_COLOR": ""], false, .ansi256),
    (true, ["COLORTERM": "truecolor"], false, .truecolor),
    (true, ["COLORTERM": "24bit", "TERM": "xterm-256color"], false, .truecolor),
    (true, ["COLORTERM": "yes"], false, .ansi256),
    (true, ["TERM": "dumb"], false, .plain),
    (true, ["TERM": "dumb", "COLORTERM": "truecolor"], false, .plain),
  ])
  func colorModeFollowsTheEnvironment(
    isTerminal: Bool, environment: [String: String], flag: Bool, expected: ColorMode
  ) {
    let mode = detectColorMode(isTerminal: isTerminal, environment: environment, noColorFlag: flag)
    #expect(mode == expected)
  }

  @Test(
    arguments: [
      (["COLUMNS": "120"], 100, 120),
      (["COLUMNS": "abc"], 100, 100),
      (["COLUMNS": "0"], 100, 100),
      (["COLUMNS": "-5"], nil, 80),
      (["COLUMNS": "abc"], nil, 80),
      ([:], 132, 132),
      ([:], 0, 80),
      ([:], nil, 80),
    ] as [([String: String], Int?, Int)])
  func widthPrefersColumnsThenTheTerminal(
    environment: [String: String], terminal: Int?, expected: Int
  ) {
    #expect(terminalWidth(environment: environment, queryTerminal: { terminal }) == expected)
  }

  @Test func terminalQueryOnANonTerminalIsNil() {
    #expect(queryTerminalColumns(fileDescriptor: -1) == nil)
  }
}
