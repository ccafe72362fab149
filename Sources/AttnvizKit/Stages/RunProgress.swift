/// What a run tells whoever watches it: each stage as it starts, and the end. The command line
/// draws a progress line from it (AttnvizTerminal's `ProgressReporter`, which owns the terminal
/// and the ticker thread); tests and other programs pass `SilentProgress()`.
public protocol RunProgress: Sendable {
  /// A new stage begins ("running the model", "drawing 3 figures").
  func stage(_ description: String)
  /// The run is over; called before anything else is printed.
  func finish()
}

/// Hears nothing: the default for library callers and tests.
public struct SilentProgress: RunProgress {
  public init() {}
  public func stage(_ description: String) {}
  public func finish() {}
}
