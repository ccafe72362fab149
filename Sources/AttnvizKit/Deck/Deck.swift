import AttnvizFiles
import AttnvizStyle
import Foundation
import TOMLKit

/// A lecture's figures, in order, read from a TOML deck file (`attnviz deck lecture.toml`).
///
/// Each entry becomes the words of one ordinary `attnviz` command, so a deck can do nothing a
/// command cannot, every entry is validated by the same option parser, and the index can print
/// the command that makes each figure alone.
public struct Deck: Equatable, Sendable {
  /// The deck's `title`, heading the index.
  public var title: String
  public var entries: [DeckEntry]
}

/// One figure (or one command's set of figures) of a deck.
public struct DeckEntry: Equatable, Sendable {
  /// 1-based position in the deck; file names start with it.
  public var number: Int
  public var title: String
  public var caption: String?
  /// The command's words after `attnviz`: subcommand first, options, then `--` and the text.
  public var arguments: [String]
  /// Deck key for each option word the entry produced (`--layer` ← `layer`), for error messages.
  public var keyForOption: [String: String]

  /// How the entry names itself in an error: `figure 3 ("it → animal")`.
  public var label: String { "figure \(number) (“\(title)”)" }
}

/// Keys with a meaning of their own; every other key is passed on as `--key value`.
private let reservedKeys: Set<String> = ["title", "caption", "text", "texts", "view", "options"]
/// The deck decides where files go and what is printed; an entry may not.
private let forbiddenKeys: Set<String> = ["out", "quiet", "json", "no-color", "help", "version"]
/// Views that are subcommands of their own rather than `--view` values of the main command.
private let subcommandViews: Set<String> = ["pe", "explain", "compare", "translate", "generate"]

/// Parses a deck. `folder` is the deck file's folder: relative `file` and `weights` paths in
/// the deck are taken from there, as a reader of the deck would expect.
/// Reads and parses the deck file at `path`: a regular file or a pipe (`attnviz deck <(…)`) of at
/// most `FileLimits.deckFile` (1 MiB), examined with `stat` before it is opened. A FIFO nobody
/// writes to reads as empty (and so lists no figures) instead of blocking; a device or a folder
/// is named. Files the deck names are found relative to the deck's folder.
public func readDeck(path: String) throws -> Deck {
  let bytes: [UInt8]
  do {
    bytes = try BoundedFile.read(
      path, what: "the deck file", limit: FileLimits.deckFile, source: .fileOrPipe)
  } catch let error as FileReadError {
    throw AttnvizError.failure("\(error)")
  }
  guard var text = String(bytes: bytes, encoding: .utf8) else {
    throw AttnvizError.failure(
      "the deck file \(path) is not UTF-8 text; convert it first (e.g. iconv -t UTF-8)")
  }
  if text.hasPrefix("\u{FEFF}") { text.removeFirst() }
  let folder = (path as NSString).deletingLastPathComponent
  return try parseDeck(text, source: path, folder: folder.isEmpty ? "." : folder)
}

public func parseDeck(_ toml: String, source: String, folder: String) throws -> Deck {
  if let line = lineOfEscapedNUL(toml) {
    throw AttnvizError.usage(
      "\(source): line \(line): a text holds \\u0000 (NUL), which the TOML reader would cut there "
        + "and no command-line word can carry; remove it")
  }
  if let line = lineOfNamelessTableHeader(toml) {
    throw AttnvizError.usage(
      "\(source): line \(line): a table header [ or [[ needs a name on the same line, e.g. "
        + "[[figure]]; check the TOML syntax")
  }
  let table: TOMLTable
  do {
    table = try TOMLTable(string: toml)
  } catch let error as TOMLParseError {
    throw AttnvizError.usage(
      "\(source): line \(error.source.begin.line): \(error.description); check the TOML syntax")
  }
  for key in table.keys where !["title", "defaults", "figure"].contains(key) {
    throw AttnvizError.usage(
      "\(source): unknown top-level key \"\(key)\"; a deck has title, [defaults] and [[figure]]")
  }
  let title = table["title"]?.string ?? "attnviz figures"
  let defaults = table["defaults"]?.table
  if table["defaults"] != nil && defaults == nil {
    throw AttnvizError.usage("\(source): defaults must be a table: [defaults]")
  }
  guard let figures = table["figure"]?.array, !figures.isEmpty else {
    throw AttnvizError.usage(
      "\(source) lists no figures; add one: [[figure]] with text = \"…\" and view = \"heatmap\"")
  }
  var entries: [DeckEntry] = []
  for index in 0..<figures.count {
    guard let figure = figures[index].table else {
      throw AttnvizError.usage("\(source): figure \(index + 1) is not a table; write [[figure]]")
    }
    entries.append(
      try deckEntry(
        number: index + 1, figure: figure, defaults: defaults, source: source, folder: folder))
  }
  return Deck(title: title, entries: entries)
}

/// The line of the first `\\u0000` or `\\U00000000` escape (an odd run of backslashes before
/// it), or nil. TOMLKit hands strings over as C strings, so a NUL would silently end the text.
func lineOfEscapedNUL(_ toml: String) -> Int? {
  let bytes = Array(toml.utf8)
  var line = 1
  var backslashes = 0
  var index = 0
  while index < bytes.count {
    let byte = bytes[index]
    if byte == UInt8(ascii: "\n") { line += 1 }
    if byte == UInt8(ascii: "\\") {
      backslashes += 1
      index += 1
      continue
    }
    if backslashes % 2 == 1 {
      let rest = bytes[index...]
      if rest.starts(with: Array("u0000".utf8)) || rest.starts(with: Array("U00000000".utf8)) {
        return line
      }
    }
    backslashes = 0
    index += 1
  }
  return nil
}

/// The line of the first `[` or `[[` at the start of a line not followed, on that line, by a
/// key character or a quote (`[[` then a newline). TOMLKit's C++ parser (toml++) asserts on
/// such a header instead of reporting it (an abort in builds with assertions; found by
/// FuzzDeck), so it is refused here first. A line holding only `[` inside a multi-line array
/// is refused too; no deck key takes nested arrays.
func lineOfNamelessTableHeader(_ toml: String) -> Int? {
  // Scalars, not Characters: "[" and a combining mark after it are one Character, which would
  // hide the bracket from this check (toml++ then aborts on an assertion; found by FuzzDeck).
  let lines = toml.unicodeScalars.split(separator: "\n", omittingEmptySubsequences: false)
  for (index, line) in lines.enumerated() {
    var rest = line.drop { $0 == " " || $0 == "\t" }
    guard rest.first == "[" else { continue }
    rest = rest.dropFirst()
    if rest.first == "[" { rest = rest.dropFirst() }
    rest = rest.drop { $0 == " " || $0 == "\t" }
    guard let next = rest.first,
      next == "\"" || next == "'" || next == "_" || next == "-"
        || (next.isASCII && next.properties.isAlphabetic)
        || ("0"..."9").contains(next)
    else { return index + 1 }
  }
  return nil
}

/// Merges an entry with the defaults and turns it into command words.
private func deckEntry(
  number: Int, figure: TOMLTable, defaults: TOMLTable?, source: String, folder: String
) throws -> DeckEntry {
  var values: [String: TOMLValueConvertible] = [:]
  for key in defaults?.keys ?? [] { values[key] = defaults?[key] }
  for key in figure.keys { values[key] = figure[key] }
  let title = values["title"]?.string ?? "Figure \(number)"
  let label = "figure \(number) (“\(title)”)"
  func fail(_ key: String, _ message: String) -> AttnvizError {
    .usage("\(source): \(label): key \"\(key)\": \(message)")
  }

  let view = values["view"]?.string ?? "heatmap"
  let subcommand = subcommandViews.contains(view) ? view : "show"
  var arguments = [subcommand]
  var keyForOption: [String: String] = [:]
  if subcommand == "show" {
    arguments += ["--view", view]
    keyForOption["--view"] = "view"
    // A lecture folder wants figures; attention.json per slide would only be clutter.
    if values["format"] == nil { arguments += ["--format", "png"] }
  } else if subcommand == "generate", values["format"] == nil {
    // The slide shows generation.png; the step figures follow it in the folder.
    arguments += ["--format", "png"]
  }
  for key in values.keys.sorted() where !reservedKeys.contains(key) {
    guard !forbiddenKeys.contains(key) else {
      throw fail(key, "the deck chooses this itself (attnviz deck --out sets the folder)")
    }
    guard let value = values[key] else { continue }
    let words = try optionWords(key: key, value: value, folder: folder, fail: fail)
    if let option = words.first { keyForOption[option] = key }
    arguments += words
  }
  if let extra = values["options"] {
    guard let list = extra.array, list.allSatisfy({ $0.string != nil }) else {
      throw fail(
        "options", "give a list of command-line words, e.g. options = [\"--hide-special\"]")
    }
    arguments += list.compactMap(\.string)
  }
  if subcommand == "pe" {
    // The positional encoding has no text; a deck-wide default text is simply not used here.
    if figure["text"] != nil { throw fail("text", "view = \"pe\" draws positions, not a text") }
  } else if subcommand == "compare", let texts = values["texts"] {
    guard let list = texts.array, list.count >= 1, list.allSatisfy({ $0.string != nil }) else {
      throw fail("texts", "give the texts to compare as a list of strings")
    }
    arguments += ["--"] + list.compactMap(\.string)
  } else if let text = values["text"] {
    guard let text = text.string else { throw fail("text", "give the sentence as a string") }
    arguments += ["--", text]
  } else if subcommand != "pe" && values["file"] == nil {
    throw fail("text", "missing; every figure but view = \"pe\" needs text = \"…\" or file = \"…\"")
  }
  let caption = values["caption"]?.string
  if let caption {
    do {
      _ = try captionPieces(caption)
    } catch let error as AttnvizError {
      throw fail("caption", error.description.replacingOccurrences(of: "caption: ", with: ""))
    }
  }
  return DeckEntry(
    number: number, title: title, caption: caption, arguments: arguments,
    keyForOption: keyForOption)
}

/// `layer = 4` → `--layer 4`; `hide-special = true` → `--hide-special`; `format = ["png",
/// "svg"]` → `--format png,svg`; file paths relative to the deck's folder.
private func optionWords(
  key: String, value: TOMLValueConvertible, folder: String,
  fail: (String, String) -> AttnvizError
) throws -> [String] {
  let option = "--" + key
  if let flag = value.bool { return flag ? [option] : [] }
  if let number = value.int { return [option, String(number)] }
  if let number = value.double { return [option, String(number)] }
  if let text = value.string {
    let isPath =
      ["file", "weights", "font"].contains(key) || (key == "model" && text.contains("/"))
    return [option, isPath ? pathFromDeck(text, folder: folder) : text]
  }
  if let list = value.array {
    let items = list.map { $0.string ?? $0.int.map(String.init) }
    guard items.allSatisfy({ $0 != nil }) else {
      throw fail(key, "a list may hold only strings and whole numbers")
    }
    return [option, items.compactMap { $0 }.joined(separator: ",")]
  }
  throw fail(key, "give a string, a number, true/false or a list")
}

/// A path written in the deck, as seen from the current folder.
private func pathFromDeck(_ path: String, folder: String) -> String {
  guard !path.hasPrefix("/"), !path.hasPrefix("~"), !folder.isEmpty, folder != "." else {
    return path
  }
  return (folder as NSString).appendingPathComponent(path)
}

/// The entry's command as a user would type it, each word quoted for a POSIX shell when needed.
public func shellCommand(_ arguments: [String]) -> String {
  (["attnviz"] + arguments).map(shellQuoted).joined(separator: " ")
}

/// One word quoted for a POSIX shell (bash's `$'…'` when it holds an unsafe scalar).
public func shellQuoted(_ word: String) -> String {
  let plain = CharacterSet(
    charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./,:=+@%")
  if !word.isEmpty && word.unicodeScalars.allSatisfy({ plain.contains($0) }) { return word }
  // Unsafe scalars (a newline at the end of a text file, a bidi override, a zero-width space) in
  // bash's $'…' with escapes, so the line stays one line, shows every scalar that is there and
  // pastes back as the same word.
  if word.unicodeScalars.contains(where: isUnsafeScalar) {
    var out = "$'"
    for scalar in word.unicodeScalars {
      switch scalar {
      case "\n": out += "\\n"
      case "\t": out += "\\t"
      case "\\": out += "\\\\"
      case "'": out += "\\'"
      default:
        if isUnsafeScalar(scalar) {
          out +=
            scalar.value < 0x80
            ? "\\x" + String(scalar.value, radix: 16).leftPadded(to: 2)
            : scalar.value <= 0xFFFF
              ? "\\u" + String(scalar.value, radix: 16).leftPadded(to: 4)
              : "\\U" + String(scalar.value, radix: 16).leftPadded(to: 8)
        } else {
          out.unicodeScalars.append(scalar)
        }
      }
    }
    return out + "'"
  }
  // "didn't" reads better in double quotes, which are safe when nothing in it expands.
  if word.contains("'") && !word.contains(where: { "\"$`\\!".contains($0) }) {
    return "\"" + word + "\""
  }
  return "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'"
}

extension String {
  fileprivate func leftPadded(to width: Int) -> String {
    String(repeating: "0", count: max(0, width - count)) + self
  }
}

/// What `attnviz deck` does with a deck file before running anything, for the fuzz target
/// `FuzzDeck` and its seeds: the TOML parsed into entries, each entry's command quoted, and the
/// index written (Markdown and HTML, no figures). Returns a count so the work is not optimised
/// away.
public func fuzzDeck(_ bytes: [UInt8]) -> Int {
  guard let text = String(bytes: bytes, encoding: .utf8),
    let deck = try? parseDeck(text, source: "fuzz.toml", folder: "fuzz")
  else { return 0 }
  let figures = deck.entries.map { DeckFigure(entry: $0, files: []) }
  return deck.entries.map { shellCommand($0.arguments).utf8.count }.reduce(0, +)
    + deckIndexMarkdown(deck, figures: figures).utf8.count
    + deckIndexHTML(deck, figures: figures).utf8.count
}
