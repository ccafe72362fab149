/// What a progress line should put on the terminal, given the stage and the time, with no I/O: the
/// rules live here so they can be tested with a made-up clock.
///
/// Rules: nothing during the first `delay` seconds (a fast run stays silent, as `git` and `cargo`
/// do), then one line rewritten in place with `\r`, padded with spaces over the previous line (no
/// escape codes, so it also works on dumb terminals), cut to the terminal width so it never
/// wraps (a wrapped line cannot be rewritten), and wiped at the end.
struct ProgressLine {
  let delay: Double
  let width: Int
  let start: Double
  private(set) var stage = ""
  /// Characters of the line now on the terminal; 0 when nothing is shown.
  private(set) var shownCount = 0
  private var shownText = ""

  init(start: Double, delay: Double, width: Int) {
    self.start = start
    self.delay = delay
    self.width = max(width, 10)
  }

  /// A new stage; returns the text to write now, if any.
  mutating func enter(_ stage: String, now: Double) -> String? {
    self.stage = stage
    return redraw(now: now)
  }

  /// Called by the ticker; returns the text to write now, if any.
  mutating func redraw(now: Double) -> String? {
    let elapsed = now - start
    guard elapsed >= delay, !stage.isEmpty else { return nil }
    let text = cut("attnviz: \(stage) … \(Int(elapsed)) s")
    guard text != shownText else { return nil }
    let padding = String(repeating: " ", count: max(0, shownCount - text.count))
    shownText = text
    shownCount = text.count
    return "\r" + text + padding
  }

  /// Returns the text that wipes the line, if one is shown.
  mutating func clear() -> String? {
    guard shownCount > 0 else { return nil }
    let wipe = "\r" + String(repeating: " ", count: shownCount) + "\r"
    shownCount = 0
    shownText = ""
    stage = ""
    return wipe
  }

  /// One column short of the width: a line that fills the last column wraps on some terminals.
  private func cut(_ text: String) -> String {
    let limit = width - 1
    guard text.count > limit else { return text }
    return String(text.prefix(limit - 1)) + "…"
  }
}
