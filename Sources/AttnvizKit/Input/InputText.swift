import Foundation

/// Where the text to visualise comes from: positional words (joined with spaces), the bytes of
/// standard input (`-`, read by the caller: the library never touches the process's streams),
/// or `--file PATH`.
public enum TextSource: Equatable, Sendable {
  case arguments([String])
  case standardInput(Data)
  case file(String)

  /// `attnviz -` reads standard input (through `standardInput`, called only then); any other
  /// arguments are the text itself.
  public init(arguments: [String], file: String?, standardInput: () throws -> Data) throws {
    if let file {
      guard arguments.isEmpty else {
        throw AttnvizError.usage("give the text either as arguments or with --file, not both")
      }
      self = .file(file)
    } else if arguments == ["-"] {
      self = .standardInput(try standardInput())
    } else {
      guard !arguments.isEmpty else {
        throw AttnvizError.usage(
          "no text given; try: attnviz \"The animal didn't cross the street because it was too tired.\""
        )
      }
      self = .arguments(arguments)
    }
  }
}

/// Longest text accepted, in bytes: far beyond any slide, small enough to never exhaust memory
/// (the attention matrices grow with the square of the token count).
public let maximumTextBytes = 1 << 20

/// Reads the text, checks it is UTF-8 and not blank.
public func readText(_ source: TextSource) throws -> String {
  let text: String
  switch source {
  case .arguments(let words):
    text = words.joined(separator: " ")
  case .standardInput(let data):
    text = try decodeUTF8(try withinLimit(data), origin: "standard input")
  case .file(let path):
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
      throw AttnvizError.failure("cannot read \(path): no such file; check the path")
    }
    guard !isDirectory.boolValue, let data = FileManager.default.contents(atPath: path) else {
      throw AttnvizError.failure("cannot read \(path): it is a folder or not readable")
    }
    text = try decodeUTF8(try withinLimit(data), origin: path)
  }
  _ = try withinLimit(Data(text.utf8))
  guard text.contains(where: { !$0.isWhitespace }) else {
    throw AttnvizError.usage("the text is empty or only whitespace; give a sentence to visualise")
  }
  return text
}

/// Checked on the bytes, before decoding: a cut-off read must say "too long", not "not UTF-8".
func withinLimit(_ data: Data) throws -> Data {
  guard data.count <= maximumTextBytes else {
    throw AttnvizError.usage(
      "the text is longer than \(maximumTextBytes / 1024) KiB; give a shorter passage")
  }
  return data
}

func decodeUTF8(_ data: Data, origin: String) throws -> String {
  guard let text = String(data: data, encoding: .utf8) else {
    throw AttnvizError.failure(
      "\(origin) is not UTF-8 text; convert it first (e.g. iconv -t UTF-8)")
  }
  return text.hasPrefix("\u{FEFF}") ? String(text.dropFirst()) : text
}
