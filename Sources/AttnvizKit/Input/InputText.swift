import AttnvizFiles
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
    text = try decodeUTF8(Data(try readTextFile(path)), origin: path)
  }
  _ = try withinLimit(Data(text.utf8))
  guard text.contains(where: { !$0.isWhitespace }) else {
    throw AttnvizError.usage("the text is empty or only whitespace; give a sentence to visualise")
  }
  return text
}

/// Checked on the bytes, before decoding: a cut-off read must say "too long", not "not UTF-8".
func withinLimit(_ data: Data) throws -> Data {
  guard data.count <= maximumTextBytes else { throw textTooLong }
  return data
}

let textTooLong = AttnvizError.usage(
  "the text is longer than \(maximumTextBytes / 1024) KiB; give a shorter passage")

func decodeUTF8(_ data: Data, origin: String) throws -> String {
  if let kind = documentKind(data) {
    throw AttnvizError.failure("\(origin) is \(kind.what), not text; \(kind.advice)")
  }
  guard let text = String(data: data, encoding: .utf8) else {
    throw AttnvizError.failure(
      "\(origin) is not UTF-8 text; convert it first (e.g. iconv -t UTF-8)")
  }
  return text.hasPrefix("\u{FEFF}") ? String(text.dropFirst()) : text
}

/// Files people hand a text option by mistake, known by their first bytes, with the way to get
/// their text (converting a PDF's bytes with iconv would not).
func documentKind(_ data: Data) -> (what: String, advice: String)? {
  let head = [UInt8](data.prefix(8))
  func starts(_ magic: [UInt8]) -> Bool { head.starts(with: magic) }
  if starts(Array("%PDF-".utf8)) {
    return ("a PDF", "extract its text first: pdftotext FILE.pdf FILE.txt, then --file FILE.txt")
  }
  if starts([0x50, 0x4B, 0x03, 0x04]) {
    return (
      "a zip archive (a Word, OpenDocument or EPUB file?)",
      "save or export it as plain text (.txt) and give that"
    )
  }
  if starts([0x89, 0x50, 0x4E, 0x47]) || starts([0xFF, 0xD8, 0xFF]) || starts(Array("GIF8".utf8)) {
    return ("an image", "give the sentence as text")
  }
  return nil
}

/// `--file PATH`: a regular file or a pipe (`--file <(pdftotext …)`, `--file /dev/stdin`), read
/// up to the text limit; a folder, a device or a missing file is named as such.
func readTextFile(_ path: String) throws -> [UInt8] {
  do {
    return try BoundedFile.read(
      path, what: "the text file", limit: maximumTextBytes, source: .fileOrPipe)
  } catch let error as FileReadError {
    if case .tooLarge = error.problem { throw textTooLong }
    throw AttnvizError.failure("\(error)")
  }
}
