import ArgumentParser
import AttnvizExplain
import AttnvizKit
import AttnvizStyle
import Foundation

// The option values as typed enums: ArgumentParser parses them once, lists them in help and
// completions, and rejects an unknown name before anything runs.

extension OutputFormat: ExpressibleByArgument {}
extension ExplainFormat: ExpressibleByArgument {}
extension ViewKind: ExpressibleByArgument {}
extension TranslationFigure: ExpressibleByArgument {}

extension ColorMapName: ExpressibleByArgument {
  /// Case-insensitive, with the aliases of `ColorMapName(name:)`.
  public init?(argument: String) { self.init(name: argument) }
  /// `--help` and completions list the sequential maps (diverging is accepted, not advertised).
  public static var allValueStrings: [String] { listed.map(\.rawValue) }
}

/// A comma-separated list of enum values (`--format png,svg`); the option may also repeat. Values
/// are trimmed and case-insensitive; `values(_:)` joins the repeats in order without duplicates.
struct CommaSeparated<Element>: ExpressibleByArgument, Sendable
where
  Element: ExpressibleByArgument & CaseIterable & RawRepresentable & Sendable,
  Element.RawValue == String
{
  var values: [Element]

  init(_ values: [Element]) { self.values = values }

  init?(argument: String) {
    var values: [Element] = []
    for item in argument.split(separator: ",") {
      let name = item.trimmingCharacters(in: .whitespaces).lowercased()
      if name.isEmpty { continue }
      guard let value = Element(argument: name) else { return nil }
      values.append(value)
    }
    self.values = values
  }

  var defaultValueDescription: String { values.map(\.rawValue).joined(separator: ",") }

  static var allValueStrings: [String] { Element.allValueStrings }

  static var defaultCompletionKind: CompletionKind { .list(Element.allValueStrings) }

  /// Every value of repeated options in order, each once.
  static func values(_ lists: [CommaSeparated]) -> [Element] {
    var result: [Element] = []
    for value in lists.flatMap(\.values)
    where !result.contains(where: { $0.rawValue == value.rawValue }) {
      result.append(value)
    }
    return result
  }
}
