import AttnvizKit
import AttnvizMath
import AttnvizStyle
import AttnvizTables

/// `explain.html`: one self-contained page that is also a slide deck. Each step is a `<section>`
/// with its heading, caption, figure (inline SVG, so no file and no network is needed) and
/// tables. ←/→, PageUp/PageDown, Home/End jump between sections; the page also scrolls as any
/// page does. Every piece of text from the input is escaped.
func explainHTML(
  _ steps: [ExplainStep], title: String, subtitle: String, figures: [String]
) -> String {
  precondition(figures.count == steps.count, "one SVG figure per step")
  var page = """
    <!DOCTYPE html>
    <html lang="en">
    <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <title>\(escapeHTML(title))</title>
    <style>
    \(explainCSS)</style>
    </head>
    <body>
    <header class="slide">
    <h1>\(escapeHTML(title))</h1>
    <p class="subtitle">\(escapeHTML(subtitle))</p>
    <p class="hint">→ / ← or PageDown / PageUp: next / previous step · Home / End: first / last</p>
    </header>

    """
  for (step, svg) in zip(steps, figures) {
    page += "<section class=\"slide\" id=\"step-\(step.number)\">\n"
    page += "<h2>\(escapeHTML(step.heading))</h2>\n"
    page +=
      "<p class=\"caption\">" + step.caption.map(escapeHTML).joined(separator: " ") + "</p>\n"
    page += "<div class=\"figure\">\n" + inlineSVG(svg) + "</div>\n"
    for table in step.tables.map({ $0.shown() }) { page += tableHTML(table) }
    page += "</section>\n\n"
  }
  page += "<script>\n\(navigationScript)</script>\n</body>\n</html>\n"
  return page
}

/// The SVG writer's document without its XML declaration, which HTML does not allow inline.
func inlineSVG(_ svg: String) -> String {
  guard svg.hasPrefix("<?xml"), let end = svg.firstIndex(of: "\n") else { return svg }
  return String(svg[svg.index(after: end)...])
}

/// A matrix as an HTML table with the numbers of the terminal table (two decimals), masked
/// cells as "·" (weights) or "−∞" (scores), each row's largest value in bold where the columns
/// are tokens (the largest coordinate of Q means nothing).
func tableHTML(_ table: ExplainTable) -> String {
  let m = table.matrix
  var html = "<table>\n<caption>\(escapeHTML(table.title))</caption>\n<thead><tr><th></th>"
  html +=
    m.resolvedColumnLabels.map { "<th>\(escapeHTML(tokenLabel($0)))</th>" }.joined()
    + "</tr></thead>\n<tbody>\n"
  for row in 0..<m.matrix.rows {
    let visible = (0..<m.matrix.columns).filter { !m.isMasked(row, $0) }
    let largest = table.columnsAreTokens ? visible.map { m.matrix[row, $0] }.max() : nil
    html += "<tr><th>\(escapeHTML(tokenLabel(m.rowLabels[row])))</th>"
    for column in 0..<m.matrix.columns {
      if m.isMasked(row, column) {
        html += "<td class=\"masked\">\(m.kind == .signed ? "−∞" : "·")</td>"
        continue
      }
      let value = m.matrix[row, column]
      let text = formatFixed(value, decimals: 2)
      html += value == largest ? "<td><b>\(text)</b></td>" : "<td>\(text)</td>"
    }
    html += "</tr>\n"
  }
  return html + "</tbody>\n</table>\n"
}

/// Large type and one slide per screen on a projector; figures shrink to the window.
let explainCSS = """
  body { margin: 0; font-family: "DejaVu Sans", Verdana, Arial, sans-serif; color: #1a1a1a;
    background: #fff; font-size: 22px; line-height: 1.4; }
  .slide { min-height: 100vh; box-sizing: border-box; padding: 2.5vh 4vw; border-bottom: 1px solid #ddd; }
  h1 { font-size: 2.2em; margin: 1.5em 0 0.3em; }
  h2 { font-size: 1.6em; margin: 0 0 0.4em; }
  .subtitle, .hint { color: #5a5a5a; }
  .caption { font-size: 1.1em; max-width: 60em; }
  .figure svg { width: 100%; height: auto; max-height: 72vh; display: block; }
  table { border-collapse: collapse; margin: 1em 2em 1em 0; display: inline-table;
    font-variant-numeric: tabular-nums; font-size: 0.8em; vertical-align: top; }
  caption { text-align: left; font-weight: bold; padding-bottom: 0.3em; }
  th, td { padding: 0.15em 0.6em; border-bottom: 1px solid #e4e4e4; }
  td { text-align: right; font-family: "DejaVu Sans Mono", Menlo, Consolas, monospace; }
  th { text-align: left; font-weight: normal; color: #333; }
  td.masked { color: #aaa; text-align: center; }

  """

/// Keyboard navigation between the slides: the current slide is the last one whose top is at or
/// above the top of the window, so arrows and scrolling never disagree.
let navigationScript = """
  (function () {
    var slides = Array.prototype.slice.call(document.querySelectorAll(".slide"));
    function current() {
      var index = 0;
      for (var i = 0; i < slides.length; i++) {
        if (slides[i].getBoundingClientRect().top <= 4) { index = i; }
      }
      return index;
    }
    function go(index) {
      index = Math.max(0, Math.min(slides.length - 1, index));
      slides[index].scrollIntoView({ block: "start" });
    }
    document.addEventListener("keydown", function (event) {
      if (event.altKey || event.ctrlKey || event.metaKey) { return; }
      var here = current();
      switch (event.key) {
        case "ArrowRight": case "PageDown": go(here + 1); break;
        case "ArrowLeft": case "PageUp": go(here - 1); break;
        case "Home": go(0); break;
        case "End": go(slides.length - 1); break;
        default: return;
      }
      event.preventDefault();
    });
  })();

  """
