import AttnvizFiles
import AttnvizModel
import AttnvizRender
import AttnvizStyle
import Foundation

/// How a figure was made, carried inside it (PNG iTXt chunks, SVG `<metadata>`) so that
/// `attnviz info FILE` can say it and `attnviz info FILE --rerun` can make the figure again.
public struct Provenance: Equatable, Sendable {
  /// The command's words after `attnviz`, as recorded: no `--out` (a rerun never writes where
  /// the file says), no `--quiet`, and text read from a file or standard input written out.
  public var arguments: [String]
  /// The model: name, checkpoint size and a hash of its header (never of the weights).
  public var model: String

  public init(arguments: [String], model: String) {
    self.arguments = arguments
    self.model = model
  }

  /// The entries, in the order they are written.
  var entries: [(key: String, value: String)] {
    [
      ("Software", "attnviz \(AttnvizVersion.current)"),
      ("attnviz-command", jsonArray(arguments)),
      ("attnviz-model", model),
    ]
  }

  /// These entries as a PNG's text chunks (written by the libpng encoder) and an SVG's
  /// `<metadata>` (written by the SVG writer).
  var pngText: [PNGTextEntry] { entries.map { PNGTextEntry(key: $0.key, value: $0.value) } }
}

/// The bytes of a figure for `attnviz info`: a regular file of at most `FileLimits.figureFile`
/// (256 MiB), examined with `stat` before it is opened, so a FIFO, a device or a folder is named
/// at once instead of blocking or being read without end.
public func readFigure(_ path: String) throws -> [UInt8] {
  do {
    return try BoundedFile.read(path, what: "the figure", limit: FileLimits.figureFile)
  } catch let error as FileReadError {
    throw AttnvizError.failure("\(error); give a PNG or SVG made by attnviz")
  }
}

/// Reads the entries back from a figure's bytes (PNG or SVG); nil when it carries none.
public func provenanceEntries(of bytes: [UInt8]) -> [(key: String, value: String)]? {
  if let chunks = textChunks(of: bytes) {
    return chunks.isEmpty ? nil : chunks
  }
  // The metadata is written right after the root element opens: the first 16 MiB hold it.
  let text = String(decoding: bytes.prefix(1 << 24), as: UTF8.self)
  guard let start = text.range(of: "<metadata"), let end = text.range(of: "</metadata>"),
    start.upperBound <= end.lowerBound
  else { return nil }
  var entries: [(key: String, value: String)] = []
  var rest = text[start.upperBound..<end.lowerBound]
  while let open = rest.range(of: "<attnviz:entry key=\""),
    let keyEnd = rest.range(of: "\">", range: open.upperBound..<rest.endIndex),
    let close = rest.range(of: "</attnviz:entry>", range: keyEnd.upperBound..<rest.endIndex)
  {
    entries.append(
      (
        unescapeXML(String(rest[open.upperBound..<keyEnd.lowerBound])),
        unescapeXML(String(rest[keyEnd.upperBound..<close.lowerBound]))
      ))
    rest = rest[close.upperBound...]
  }
  return entries.isEmpty ? nil : entries
}

/// The command words to record: `--out` and `--quiet` dropped; when the text came from
/// `--file` or standard input (`-`), those are dropped and the text itself is appended, so the
/// recorded command needs nothing but itself.
public func recordedArguments(_ arguments: [String], textFromFile text: String?) -> [String] {
  var out: [String] = []
  var index = 0
  let dropped: Set<String> = text == nil ? ["--out"] : ["--out", "--file"]
  while index < arguments.count {
    let word = arguments[index]
    index += 1
    if word == "--" {
      out += arguments[(index - 1)...]
      break
    }
    if dropped.contains(word) {
      index += 1
      continue
    }
    if dropped.contains(where: { word.hasPrefix($0 + "=") }) || word == "--quiet" { continue }
    if text != nil && word == "-" { continue }
    out.append(word)
  }
  if let text { out += ["--", text] }
  return out
}

/// How a model choice is named in a figure's metadata: the checkpoint by the fingerprint its
/// loader took from the bytes it mapped or read (`ModelInfo.checkpoint`).
func provenanceModel(_ choice: ModelChoice, info: ModelInfo) -> String {
  let fingerprint = info.checkpoint?.summary ?? "not fingerprinted"
  switch choice {
  case .builtin(let dimension, let heads, let seed, let causal):
    return
      "built-in layer, random and untrained (d_model \(dimension), \(heads) heads, seed \(seed)"
      + (causal ? ", causal)" : ")")
  case .weights(let path, _):
    return "weights file \((path as NSString).lastPathComponent), " + fingerprint
  case .pretrained(let name, _):
    return "\(info.name) (\(info.family.name)) from \(name), " + fingerprint
  }
}

func jsonArray(_ words: [String]) -> String {
  "[" + words.map { jsonStringLiteral($0) }.joined(separator: ", ") + "]"
}

/// Parses what `jsonArray` wrote; nil for anything else, and for more than `maximumTextChunk`
/// bytes (a recorded command is at most the 1 MiB text, escaped).
public func parseJSONArrayOfStrings(_ text: String) -> [String]? {
  guard text.utf8.count <= maximumTextChunk else { return nil }
  return (try? JSONValue(parsing: Array(text.utf8)))?.strings
}

/// What `attnviz info` does with a figure's bytes, for the fuzz target `FuzzFigureInfo` and its
/// seeds: the PNG text chunks or the SVG metadata read, the recorded command parsed and quoted
/// for the terminal. Returns a count so the work is not optimised away.
public func fuzzFigureInfo(_ bytes: [UInt8]) -> Int {
  guard let entries = provenanceEntries(of: bytes) else { return 0 }
  var count = entries.count
  for entry in entries where entry.key == "attnviz-command" {
    if let words = parseJSONArrayOfStrings(entry.value) {
      count += sanitizeForTerminal(shellCommand(words), asciiOnly: true).utf8.count
    }
  }
  return count
}
