import AttnvizStyle

/// What a page needs beyond its own markup and styles; its Content-Security-Policy allows that
/// and nothing else.
public struct PageNeeds: Sendable, Equatable {
  /// An inline `<script>` (the attention page, explain's slides).
  public var script: Bool
  /// `data:` images (the attention page's canvas exports, the deck index's figures).
  public var dataImages: Bool

  public init(script: Bool, dataImages: Bool) {
    self.script = script
    self.dataImages = dataImages
  }

  /// `default-src 'none'` forbids every fetch (no network, no other file, no frame, no form
  /// target); only inline styles, and what `self` names, are allowed back.
  public var contentSecurityPolicy: String {
    var rules = ["default-src 'none'"]
    if script { rules.append("script-src 'unsafe-inline'") }
    rules.append("style-src 'unsafe-inline'")
    if dataImages { rules.append("img-src data:") }
    return rules.joined(separator: "; ")
  }
}

/// The one shell of every HTML file attnviz writes (attention.html, explain.html,
/// translation.html, the deck's index.html and slides.html): the document up to and including `<body>`, with the charset, the viewport, the
/// Content-Security-Policy for `needs`, the generator, the escaped title and the inline styles.
/// The page closes it with `htmlDocumentEnd`.
public func htmlDocumentStart(title: String, css: String, needs: PageNeeds) -> String {
  """
  <!DOCTYPE html>
  <html lang="en">
  <head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <meta http-equiv="Content-Security-Policy" content="\(needs.contentSecurityPolicy)">
  <meta name="generator" content="attnviz">
  <title>\(escapeHTML(title))</title>
  <style>
  \(css)</style>
  </head>
  <body>

  """
}

/// The end of every page `htmlDocumentStart` began.
public let htmlDocumentEnd = "</body>\n</html>\n"
