import AttnvizModel

/// What replaces an ablated head's output (`--ablate-mode`).
public enum AblationMode: String, CaseIterable, Sendable {
  /// The head writes nothing: its output is zero at every position.
  case zero
  /// The head writes the same thing everywhere: its output averaged over the positions.
  case mean
}

/// One head as the command line names it: `LAYER.HEAD`, both counted from 1 (`14.9`).
public struct HeadChoice: Hashable, Sendable, Comparable, CustomStringConvertible {
  public var layer: Int
  public var head: Int

  public init(layer: Int, head: Int) {
    self.layer = layer
    self.head = head
  }

  /// Parses `14.9`; the message says what is wrong and what to type.
  public init(parsing text: String) throws {
    let parts = text.split(separator: ".", omittingEmptySubsequences: false)
    guard parts.count == 2, let layer = Int(parts[0]), let head = Int(parts[1]) else {
      throw AttnvizError.usage(
        "--ablate takes heads as LAYER.HEAD, comma-separated (14.9 is layer 14, head 9), "
          + "not \"\(text)\"")
    }
    guard layer >= 1, head >= 1 else {
      throw AttnvizError.usage(
        "--ablate \(text): layers and heads count from 1, as every figure shows them; "
          + "the first head of the first layer is 1.1")
    }
    self.init(layer: layer, head: head)
  }

  public var description: String { "\(layer).\(head)" }

  public static func < (a: HeadChoice, b: HeadChoice) -> Bool {
    (a.layer, a.head) < (b.layer, b.head)
  }

  /// 0-based, as the engine counts.
  var index: HeadIndex { HeadIndex(layer: layer - 1, head: head - 1) }
}

/// `--target`, `--ablate`, `--ablate-mode`: what the prediction views credit and what they
/// switch off.
public struct AttributionOptions: Equatable, Sendable {
  /// The token whose logit is credited (as typed: ` animal` with its space); nil: the token the
  /// model predicts.
  public var target: String?
  /// Heads whose output is replaced before the output projection.
  public var ablate: [HeadChoice] = []
  public var ablateMode = AblationMode.zero

  public init() {}

  /// Duplicates are refused: a head named twice is a typo, not a stronger ablation.
  public static func checkDistinct(_ heads: [HeadChoice]) throws {
    var seen = Set<HeadChoice>()
    for head in heads where !seen.insert(head).inserted {
      throw AttnvizError.usage("--ablate names head \(head) twice; name each head once")
    }
  }

  /// The heads checked against the model: in range, and not every one of them.
  func checked(against model: ModelInfo) throws -> [HeadChoice] {
    try Self.checkDistinct(ablate)
    for head in ablate {
      guard head.layer <= model.layers else {
        throw AttnvizError.usage(
          "--ablate \(head): layer \(head.layer) is out of range; \(model.name) has "
            + "\(model.layers) layers (1–\(model.layers))")
      }
      guard head.head <= model.heads else {
        throw AttnvizError.usage(
          "--ablate \(head): head \(head.head) is out of range; \(model.name) has "
            + "\(model.heads) heads per layer (1–\(model.heads))")
      }
    }
    if ablate.count == model.layers * model.heads {
      throw AttnvizError.usage(
        "--ablate names all \(ablate.count) heads; with every head switched off no token can "
          + "read another, so there is nothing left to compare; leave at least one out")
    }
    return ablate.sorted()
  }
}
