import ArgumentParser
import AttnvizKit
import Foundation

/// `attnviz deck lecture.toml`: every figure of a lecture, numbered in order, with an index.
struct DeckCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "deck",
    abstract: "Make a whole lecture's figures from a TOML deck file, with index.md and index.html.",
    discussion: """
      Each [[figure]] of the deck is one attnviz command: text, model, view (heatmap, heads,
      lines, model, pe, explain, ...), layer, head, focus, preset and any other option as
      key = value. Files are numbered in deck order (01-…, 02-…); index.md and index.html show
      each figure with its caption and the command that makes it alone. Nothing is written when
      any entry is invalid. See docs/lecture-kit.md and samples/lecture.toml.
      Example:
        attnviz deck samples/lecture.toml --out lecture
      """)

  @Argument(help: ArgumentHelp("The deck file (TOML).", valueName: "deck.toml"))
  var deckFile: String

  @Option(
    help: ArgumentHelp(
      "Folder for the figures and the index (created if missing).", valueName: "dir"))
  var out: String = "attnviz-deck"

  @Flag(help: "Print nothing but errors.")
  var quiet = false

  func run() throws {
    let deck = try readDeck(path: deckFile)
    // Every entry is parsed (and so validated) before anything runs or is written.
    let commands = try deck.entries.map { entry in
      (entry, try parsedCommand(entry, output: "."))
    }
    ModelChoice.reuseLoadedModels = true
    let staging = try makeStagingFolder(inside: out)
    // Removed at the end, and by the SIGINT/SIGTERM handler if the deck is interrupted.
    TemporaryFiles.shared.registerFolder(staging)
    defer {
      try? FileManager.default.removeItem(atPath: staging)
      TemporaryFiles.shared.forgetFolder(staging)
    }

    var figures: [DeckFigure] = []
    let width = max(2, String(deck.entries.count).count)
    for (index, (entry, _)) in commands.enumerated() {
      if !quiet { progress("[\(index + 1)/\(deck.entries.count)] \(entry.title)") }
      let folder = (staging as NSString).appendingPathComponent(String(entry.number))
      var command = try parsedCommand(entry, output: folder)
      RecordedCommand.words = entry.arguments
      do {
        try command.run()
      } catch {
        throw AttnvizError.failure("\(deckFile): \(entry.label): \(describe(error))")
      }
      figures.append(try collectFigure(entry, folder: folder, numberWidth: width))
    }
    let files = figures.flatMap(\.files) + deckIndexFiles(deck, figures: figures)
    let written = try OutputFolder(path: out).write(files)
    if !quiet { progress("wrote \(written.count) files in \(displayPath(out))") }
  }

  /// The entry's command parsed as the command line would parse it, writing into `output`.
  func parsedCommand(_ entry: DeckEntry, output: String) throws -> ParsableCommand {
    var words = entry.arguments
    words.insert(contentsOf: ["--out", output, "--quiet"], at: 1)
    do {
      return try Attnviz.parseAsRoot(words)
    } catch {
      let message = describe(error)
      let key = entry.keyForOption.first { message.contains($0.key) }?.value
      let location = key.map { "key \"\($0)\": " } ?? ""
      throw AttnvizError.usage("\(deckFile): \(entry.label): \(location)\(message)")
    }
  }

  func describe(_ error: Error) -> String {
    if let error = error as? AttnvizError { return error.description }
    let message = Attnviz.message(for: error)
    return message.split(whereSeparator: \.isNewline)
      .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
      .joined(separator: "; ")
  }

  func progress(_ line: String) {
    FileHandle.standardError.write(Data("deck: \(displayPath(line))\n".utf8))
  }
}

/// A hidden folder inside `--out` for the commands' own output; removed when the deck ends, so
/// nothing is ever written outside `--out`.
func makeStagingFolder(inside out: String) throws -> String {
  do {
    try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
  } catch {
    throw AttnvizError.failure("cannot create the output folder \(out); choose another --out")
  }
  let name =
    ".attnviz-deck-\(ProcessInfo.processInfo.processIdentifier)-\(UInt32.random(in: 0...UInt32.max))"
  let path = (out as NSString).appendingPathComponent(name)
  do {
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: false)
  } catch {
    throw AttnvizError.failure("cannot write into \(out); choose a writable --out")
  }
  return path
}

/// A path or line as printed on the terminal: one line, no control characters.
func displayPath(_ text: String) -> String {
  String(
    String.UnicodeScalarView(
      text.unicodeScalars.map { $0.properties.generalCategory == .control ? "?" : $0 }))
}
