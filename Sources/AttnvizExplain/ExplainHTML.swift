import AttnvizHTML
import AttnvizKit
import AttnvizMath
import AttnvizStyle
import AttnvizTables

/// `explain.html`: one self-contained file that is a slide deck. A title slide, then one slide
/// per step: heading, caption, the figure (inline SVG without a heading of its own, so nothing
/// is said twice) fitted to the window, and the step's tables behind a "Numbers" disclosure
/// that Tab and Enter reach. The script shows one slide at a time and sizes the caption and the
/// figure's text alike; without the script every slide shows, one after another. Every piece of
/// text from the input is escaped.
func explainHTML(
  _ steps: [ExplainStep], title: String, subtitle: String, figures: [[String]],
  figureFontSize: Double
) -> String {
  precondition(figures.count == steps.count, "the SVG figures of every step")
  let total = figures.map { max(1, $0.count) }.reduce(1, +)
  var page = htmlDocumentStart(
    title: title, css: explainCSS, needs: PageNeeds(script: true, dataImages: false))
  page += """
    <section class="slide title-slide" id="step-0" aria-label="Title">
    <h1>\(escapeHTML(title))</h1>
    <p class="subtitle">\(escapeHTML(subtitle))</p>
    <p class="hint">→, Space or PageDown: next step · ← or PageUp: previous · Home / End: \
    first / last · T or Tab to “Numbers”: the step’s tables</p>
    </section>

    """
  var slide = 1
  for (step, svgs) in zip(steps, figures) {
    // A step whose panels do not fit one slide gets a slide per part, its caption on each and
    // its tables on the last.
    let parts = svgs.isEmpty ? [""] : svgs
    for (part, svg) in parts.enumerated() {
      slide += 1
      let id = part == 0 ? "step-\(step.number)" : "step-\(step.number)-\(part + 1)"
      let partText = parts.count > 1 ? " (\(part + 1) of \(parts.count))" : ""
      page += "<section class=\"slide\" id=\"\(id)\" "
      page += "aria-label=\"Slide \(slide) of \(total)\">\n"
      page +=
        "<h2>\(escapeHTML("Step \(step.number)\(partText) · \(step.title)"))</h2>\n"
      page +=
        "<p class=\"caption\">" + step.caption.map(escapeHTML).joined(separator: " ") + "</p>\n"
      page += "<div class=\"figure\" data-font=\"\(Int(figureFontSize))\">\n" + inlineSVG(svg)
      page += "</div>\n"
      let tables = step.tables.map { $0.shown() }
      if !tables.isEmpty && part == parts.count - 1 {
        let count = tables.count == 1 ? "1 table" : "\(tables.count) tables"
        page += "<details class=\"numbers\"><summary>Numbers (\(count))</summary>\n"
        page += "<div class=\"tables\" tabindex=\"0\">\n"
        for table in tables { page += tableHTML(table) }
        page += "</div>\n</details>\n"
      }
      page += "<p class=\"counter\">\(slide) / \(total)</p>\n"
      page += "</section>\n\n"
    }
  }
  page += "<script>\n\(navigationScript)</script>\n" + htmlDocumentEnd
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
    m.resolvedColumnLabels.map { "<th>\(escapeHTML($0))</th>" }.joined()
    + "</tr></thead>\n<tbody>\n"
  for row in 0..<m.matrix.rows {
    let visible = (0..<m.matrix.columns).filter { !m.isMasked(row, $0) }
    let largest = table.columnsAreTokens ? visible.map { m.matrix[row, $0] }.max() : nil
    html += "<tr><th>\(escapeHTML(m.rowLabels[row]))</th>"
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

/// Slides: each fills the window, heading and caption on top, the figure in the space left,
/// the tables in place of the figure when opened. Sizes follow the window height, so a
/// 1366×768 laptop and a 1920×1080 projector show the same slide.
let explainCSS = """
  :root { --caption: clamp(17px, 2.8vh, 34px); color-scheme: light; }
  body { margin: 0; font-family: "DejaVu Sans", Verdana, Arial, sans-serif; color: #1a1a1a;
    background: #fff; font-size: var(--caption); line-height: 1.35; }
  .slide { box-sizing: border-box; padding: 2.5vh 3vw 1.5vh; border-bottom: 1px solid #ddd;
    display: flex; flex-direction: column; min-height: 100vh; font-size: var(--caption); }
  body.deck { height: 100vh; overflow: hidden; }
  body.deck .slide { height: 100vh; min-height: 0; border: none; display: none; }
  body.deck .slide.current { display: flex; }
  h1 { font-size: 2em; margin: 20vh 0 0.3em; }
  h2 { font-size: 1.45em; margin: 0 0 0.3em; }
  .subtitle, .hint, .counter { color: #5a5a5a; }
  .caption { margin: 0 0 0.4em; max-width: 70em; }
  .figure { flex: 1 1 auto; min-height: 0; display: flex; align-items: flex-start;
    justify-content: center; }
  .figure svg { display: block; max-width: 100%; max-height: 100%; height: auto; }
  details.numbers { font-size: 0.8em; }
  summary { cursor: pointer; color: #0a58ca; width: max-content; }
  summary:focus-visible, .tables:focus-visible { outline: 3px solid #0a58ca; }
  .slide:has(details[open]) .figure { display: none; }
  .slide:has(details[open]) details.numbers { flex: 1 1 auto; min-height: 0; display: flex;
    flex-direction: column; }
  .tables { overflow: auto; min-height: 0; flex: 1 1 auto; }
  details:not([open]) .tables { display: none; }
  .counter { margin: 0.2em 0 0; font-size: 0.7em; text-align: right; }
  table { border-collapse: collapse; margin: 0.5em 2em 0.5em 0; display: inline-table;
    font-variant-numeric: tabular-nums; vertical-align: top; }
  caption { text-align: left; font-weight: bold; padding-bottom: 0.3em; }
  th, td { padding: 0.1em 0.5em; border-bottom: 1px solid #e4e4e4; }
  td { text-align: right; font-family: "DejaVu Sans Mono", Menlo, Consolas, monospace; }
  th { text-align: left; font-weight: normal; color: #333; }
  td.masked { color: #aaa; text-align: center; }
  @media print { .slide { break-after: page; } .figure svg { max-height: 80vh; } }

  """

/// One slide at a time. Arrows, Space, PageDown/PageUp and Home/End move by step (the address
/// keeps the step, so a reload stays); inside an open table the keys scroll it instead, and
/// Esc closes it. Each slide's figure is scaled to fill the space under the caption (its text
/// at most twice the caption's size); where the text would come out smaller than the caption,
/// the caption shrinks with it (down to 16 px), so the figure's text is never the smaller.
let navigationScript = """
  (function () {
    var slides = Array.prototype.slice.call(document.querySelectorAll(".slide"));
    var index = 0;
    document.body.classList.add("deck");
    function fromHash() {
      var match = /^#(step-\\d+(?:-\\d+)?)$/.exec(location.hash);
      if (!match) { return 0; }
      var found = slides.findIndex(function (s) { return s.id === match[1]; });
      return Math.max(0, found);
    }
    function fit(slide) {
      var figure = slide.querySelector(".figure");
      var svg = figure && figure.querySelector("svg");
      var caption = slide.querySelector(".caption");
      // With the tables open the figure is hidden: keep the sizes it set.
      if (!svg || !caption || figure.getClientRects().length === 0) { return; }
      slide.style.removeProperty("--caption");
      var box = svg.viewBox.baseVal;
      var wanted = parseFloat(getComputedStyle(caption).fontSize);
      var font = parseFloat(figure.dataset.font);
      svg.style.width = "0px";
      svg.style.height = "0px";
      var room = figure.getBoundingClientRect();
      // The figure fills the room under the caption, its text up to twice the caption's size.
      var scale = Math.min(room.width / box.width, room.height / box.height, 2 * wanted / font);
      var text = Math.max(16, Math.min(wanted, scale * font));
      if (text < wanted) {
        slide.style.setProperty("--caption", text + "px");
        room = figure.getBoundingClientRect();
        scale = Math.min(room.width / box.width, room.height / box.height, 2 * text / font);
      }
      svg.style.width = Math.floor(box.width * scale) + "px";
      svg.style.height = Math.floor(box.height * scale) + "px";
      slide.dataset.figureText = (scale * font).toFixed(2);
    }
    function show(next) {
      index = Math.max(0, Math.min(slides.length - 1, next));
      slides.forEach(function (s, i) { s.classList.toggle("current", i === index); });
      fit(slides[index]);
      if (history.replaceState) { history.replaceState(null, "", "#" + slides[index].id); }
    }
    document.addEventListener("keydown", function (event) {
      if (event.altKey || event.ctrlKey || event.metaKey) { return; }
      var target = event.target;
      var inTables = target.closest && target.closest(".tables");
      var onSummary = target.tagName === "SUMMARY";
      if (event.key === "Escape") {
        var open = slides[index].querySelector("details[open]");
        if (open) { open.open = false; open.querySelector("summary").focus(); fit(slides[index]); }
        return;
      }
      if (inTables) { return; }
      switch (event.key) {
        case "ArrowRight": case "ArrowDown": case "PageDown": show(index + 1); break;
        case " ":
          if (onSummary) { return; }
          show(index + (event.shiftKey ? -1 : 1));
          break;
        case "ArrowLeft": case "ArrowUp": case "PageUp": show(index - 1); break;
        case "Home": show(0); break;
        case "End": show(slides.length - 1); break;
        case "t": case "T":
          var details = slides[index].querySelector("details");
          if (!details) { return; }
          details.open = !details.open;
          if (details.open) { details.querySelector(".tables").focus(); }
          fit(slides[index]);
          break;
        default: return;
      }
      event.preventDefault();
    });
    document.addEventListener("toggle", function () { fit(slides[index]); }, true);
    window.addEventListener("resize", function () { fit(slides[index]); });
    window.addEventListener("hashchange", function () { show(fromHash()); });
    show(fromHash());
    document.body.dataset.ready = "true";
  })();

  """
