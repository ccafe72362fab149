import ArgumentParser
import AttnvizKit

extension AblationMode: ExpressibleByArgument {}

/// `--ablate 14.9,20.3`: heads as LAYER.HEAD, comma-separated; the option may repeat. The
/// parsing and its messages are the library's (`HeadChoice(parsing:)`).
struct HeadList: ExpressibleByArgument, Sendable {
  var heads: [HeadChoice]

  init?(argument: String) {
    guard let heads = try? Self.parse(argument) else { return nil }
    self.heads = heads
  }

  static func parse(_ argument: String) throws -> [HeadChoice] {
    try argument.split(separator: ",").map {
      try HeadChoice(parsing: $0.trimmingCharacters(in: .whitespaces))
    }
  }
}

/// `--ablate`: the heads switched off, for `show`'s attribution and for `generate`.
struct AblationOptionGroup: ParsableArguments {
  @Option(
    help: ArgumentHelp(
      "Switch heads off and show the run with them off: LAYER.HEAD, comma-separated, counted from 1 (14.9 is layer 14, head 9); decoders only.",
      valueName: "heads"),
    transform: { argument in
      do {
        return HeadList(heads: try HeadList.parse(argument))
      } catch let error as AttnvizError {
        throw ValidationError(error.description)
      }
    })
  var ablate: [HeadList] = []

  /// Every head given, in order.
  var ablated: [HeadChoice] { ablate.flatMap(\.heads) }

  func validate() throws {
    do {
      try AttributionOptions.checkDistinct(ablated)
    } catch let error as AttnvizError {
      throw ValidationError(error.description)
    }
  }
}

/// What the prediction views credit and switch off: `--target`, `--ablate`, `--ablate-mode`.
struct AttributionOptionGroup: ParsableArguments {
  @Option(
    help: ArgumentHelp(
      "With --view credit, --view ablation or --ablate: the next token to follow instead of the predicted one; one token of the vocabulary, its space included (\" animal\").",
      valueName: "token"))
  var target: String?

  @OptionGroup var heads: AblationOptionGroup

  @Option(
    help: ArgumentHelp(
      "What an ablated head writes: zero (nothing) or mean (its output averaged over the positions).",
      valueName: "mode"))
  var ablateMode: AblationMode = .zero

  func apply(to options: inout AttributionOptions) {
    options.target = target
    options.ablate = heads.ablated
    options.ablateMode = ablateMode
  }
}

extension HeadList {
  init(heads: [HeadChoice]) { self.heads = heads }
}
