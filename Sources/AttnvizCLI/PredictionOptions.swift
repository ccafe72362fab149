import ArgumentParser

/// `show`'s options for the prediction views (`--view next`, `--view lens`).
struct PredictionOptionGroup: ParsableArguments {
  @Option(
    help: ArgumentHelp(
      "With --view next: how many of the most probable next tokens to list and draw (1-50, default 10).",
      valueName: "K"))
  var candidates: Int?

  func validate() throws {
    if let candidates, !(1...50).contains(candidates) {
      throw ValidationError("--candidates must be between 1 and 50, not \(candidates)")
    }
  }
}
