import ArgumentParser
import AttnvizKit
import AttnvizStyle
import Foundation

/// `attnviz deck lecture.toml`: every figure of a lecture, numbered in order, with an index.
struct DeckCommand: RunCommand {
  static let configuration = CommandConfiguration(
    commandName: "deck",
    abstract:
      "Make a whole lecture's figures from a TOML deck file, with an index and a slide show.",
    discussion: """
      Each [[figure]] of the deck is one attnviz command: text, model, view (heatmap, heads,
      lines, model, pe, explain, ...), layer, head, focus, preset and any other option as
      key = value. Files are numbered in deck order (01-…, 02-…); index.md and index.html show
      each figure with its caption and the command that makes it alone; slides.html (arrow
      keys, F for full screen, prints one slide per page) and slides.pdf present it, one 16:9
      slide per figure with its title and caption. A caption's
      placeholders ({it->animal}, {it->top}, {it->top.weight}, {layer}, {head}) are filled
      from the figure's own run. Nothing is written when any entry is invalid. See docs/lecture-kit.md and samples/lecture.toml.
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

  func run(in context: RunContext) throws {
    let deck = try readDeck(path: deckFile)
    // Every entry is parsed (and so validated) before anything runs or is written.
    let commands = try deck.entries.map { entry in
      (entry, try parsedCommand(entry, output: "."))
    }
    context.models.keepLoaded = true
    // A deck that fails (or is interrupted) leaves no --out folder it created behind.
    let output = OutputFolder(path: out)
    let created = try output.createIfMissing()
    var succeeded = false
    defer { TemporaryFiles.shared.keepFolders(created, removing: !succeeded) }
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
      let command = try parsedCommand(entry, output: folder)
      do {
        try command.run(in: context.recording(entry.arguments))
      } catch {
        throw AttnvizError.failure("\(deckFile): \(entry.label): \(describe(error))")
      }
      var figure = try collectFigure(entry, folder: folder, numberWidth: width)
      figure.entry.caption = try entry.caption.map {
        try filled($0, entry: entry, command, in: context)
      }
      figures.append(figure)
    }
    if !quiet { progress("slides.html and slides.pdf") }
    let files =
      figures.flatMap(\.files) + deckIndexFiles(deck, figures: figures)
      + (try deckSlideFiles(deck, figures: figures, fontHome: context.environment["HOME"]))
    let written = try output.write(files)
    succeeded = true
    if !quiet { progress("wrote \(written.count) files in \(displayPath(out))") }
  }

  /// The entry's command parsed as the command line would parse it, writing into `output`; what
  /// a deck may not choose (`--out`, `--json`, another subcommand) is refused from the parsed
  /// command, wherever in the deck it was written (`EmbeddedCommand`).
  func parsedCommand(_ entry: DeckEntry, output: String) throws -> any FigureCommand {
    do {
      return try EmbeddedCommand(source: .deck).parse(entry.arguments, output: output)
    } catch {
      let message = describe(error)
      let key = entry.keyForOption.first { message.contains($0.key) }?.value
      let location = key.map { "key \"\($0)\": " } ?? ""
      throw AttnvizError.usage("\(deckFile): \(entry.label): \(location)\(message)")
    }
  }

  /// The caption with its placeholders filled from the entry's own run (the same text, model,
  /// layer, head and hidden tokens as its figure).
  func filled(
    _ caption: String, entry: DeckEntry, _ command: ParsableCommand, in context: RunContext
  ) throws -> String {
    guard try captionHasPlaceholders(caption) else { return caption }
    do {
      return try filledCaption(caption, runs: try captionRuns(command, in: context), in: context)
    } catch {
      throw AttnvizError.usage("\(deckFile): \(entry.label): key \"caption\": \(describe(error))")
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

/// A hidden folder inside `--out` (which exists) for the commands' own output; removed when the
/// deck ends, so nothing is ever written outside `--out`.
func makeStagingFolder(inside out: String) throws -> String {
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

/// A path or line as printed on the terminal: the one terminal rule (`sanitizeForTerminal`),
/// so no control, bidi or other format character from a deck title or a figure reaches it.
func displayPath(_ text: String) -> String {
  sanitizeForTerminal(text, asciiOnly: true)
}

/// Where a figure's caption numbers come from: the runs its command draws.
func captionRuns(_ command: ParsableCommand, in context: RunContext) throws -> [CaptionRun] {
  switch command {
  case let show as Show:
    return try VisualizeOptions(from: show, in: context).captionRuns
  case let compare as CompareCommand:
    return try compare.options(in: context).captionRuns()
  case let explain as ExplainCommand:
    // explain follows one head of one layer (default: the first layer, head 1).
    return [
      CaptionRun(
        text: try explain.input.source(), model: explain.model.choice,
        layer: explain.layer ?? 1, head: explain.head)
    ]
  default:
    return []
  }
}
