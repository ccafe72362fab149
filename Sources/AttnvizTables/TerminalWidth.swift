/// The width to lay tables out in: `COLUMNS` when it is a positive integer (the user's explicit
/// choice, as in POSIX), else the terminal's own width from `queryTerminal` (pass
/// `{ queryTerminalColumns() }` for standard output), else 80.
public func terminalWidth(environment: [String: String], queryTerminal: () -> Int?) -> Int {
  if let text = environment["COLUMNS"],
    let columns = Int(text.trimmingSpaces), columns > 0
  {
    return columns
  }
  if let columns = queryTerminal(), columns > 0 { return columns }
  return 80
}

extension String {
  fileprivate var trimmingSpaces: Substring {
    let s = self.drop(while: { $0 == " " })
    return s.prefix(s.count - s.reversed().prefix(while: { $0 == " " }).count)
  }
}
