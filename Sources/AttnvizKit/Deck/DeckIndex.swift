import AttnvizHTML
import AttnvizStyle
import AttnvizTables
import Foundation

/// What one deck entry made: its files, already named `NN-…`.
public struct DeckFigure: Sendable {
  public var entry: DeckEntry
  public var files: [OutputFile]

  public init(entry: DeckEntry, files: [OutputFile]) {
    self.entry = entry
    self.files = files
  }

  /// The figures a page can show (PNG first, SVG where no PNG was made).
  var images: [OutputFile] {
    let pngs = files.filter { $0.name.hasSuffix(".png") }
    return pngs.isEmpty ? files.filter { $0.name.hasSuffix(".svg") } : pngs
  }
}

/// `index.md` and `index.html`: every figure with its number, title, caption and the single
/// command that makes it alone.
public func deckIndexFiles(_ deck: Deck, figures: [DeckFigure]) -> [OutputFile] {
  [
    OutputFile(name: "index.md", text: deckIndexMarkdown(deck, figures: figures)),
    OutputFile(name: "index.html", text: deckIndexHTML(deck, figures: figures)),
  ]
}

func deckIndexMarkdown(_ deck: Deck, figures: [DeckFigure]) -> String {
  var text = "# \(escapeMarkdown(deck.title))\n"
  for figure in figures {
    let entry = figure.entry
    text += "\n## \(entry.number). \(escapeMarkdown(entry.title))\n\n"
    if let caption = entry.caption { text += escapeMarkdown(caption) + "\n\n" }
    for image in figure.images {
      text += "![\(escapeMarkdown(entry.title))](\(image.name))\n\n"
    }
    text += "```sh\n\(shellCommand(entry.arguments))\n```\n"
  }
  return text
}

/// A contact sheet that needs nothing but itself: figures are embedded as data URLs, so the
/// page can be mailed or opened from a USB stick without the folder.
func deckIndexHTML(_ deck: Deck, figures: [DeckFigure]) -> String {
  var body = ""
  for figure in figures {
    let entry = figure.entry
    body += "<section id=\"figure-\(entry.number)\">\n"
    body += "<h2>\(entry.number). \(escapeHTML(entry.title))</h2>\n"
    if let caption = entry.caption { body += "<p>\(escapeHTML(caption))</p>\n" }
    for image in figure.images {
      let type = image.name.hasSuffix(".png") ? "image/png" : "image/svg+xml"
      let data = Data(image.contents).base64EncodedString()
      body += "<figure><img src=\"data:\(type);base64,\(data)\" alt=\"\(escapeHTML(entry.title))\">"
      body += "<figcaption>\(escapeHTML(image.name))</figcaption></figure>\n"
    }
    body += "<pre><code>\(escapeHTML(shellCommand(entry.arguments)))</code></pre>\n</section>\n"
  }
  return htmlDocumentStart(
    title: deck.title, css: deckIndexCSS, needs: PageNeeds(script: false, dataImages: true))
    + "<h1>\(escapeHTML(deck.title))</h1>\n" + body + htmlDocumentEnd
}

/// Markdown text that stays text and reads as written: the one Markdown rule
/// (`escapeMarkdown`: the inline-syntax characters, control characters), plus a backslash
/// before a character that would start a block at the beginning of the line (`#`, `>`, `-`, `+`,
/// `=`, or a number followed by `.`). Parentheses, braces and `!` are left alone: with `[` and
/// `]` escaped they cannot form a link, so the raw file shows "(head 2)", not "\\(head 2\\)".
func markdownEscaped(_ text: String) -> String {
  let escaped = escapeMarkdown(oneLine(text))
  guard let first = escaped.first else { return escaped }
  if "#>-+=".contains(first) { return "\\" + escaped }
  let digits = escaped.prefix(while: \.isNumber)
  if !digits.isEmpty, let after = escaped.dropFirst(digits.count).first,
    after == "." || after == ")"
  {
    return digits + "\\" + escaped.dropFirst(digits.count)
  }
  return escaped
}

private let deckIndexCSS = """
  :root { color-scheme: light dark; }
  body { font-family: system-ui, sans-serif; max-width: 72rem; margin: 2rem auto; padding: 0 1rem;
    line-height: 1.45; }
  section { border-top: 1px solid #8884; padding: 1rem 0 2rem; }
  img { max-width: 100%; height: auto; border: 1px solid #8884; background: #fff; }
  figure { margin: 1rem 0; }
  figcaption { font-size: 0.85rem; opacity: 0.7; }
  pre { white-space: pre-wrap; word-break: break-all; background: #8882; padding: 0.6rem;
    border-radius: 4px; }

  """
