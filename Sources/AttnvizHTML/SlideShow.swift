import AttnvizStyle
import Foundation

/// `slides.html` of `attnviz deck`: one figure per 16:9 slide with its title and caption, for
/// presenting from the browser (← → and the other keys of a slide clicker, F for full screen)
/// and for printing one slide per page. One file: figures are data URLs, the script and styles
/// are inline, and its Content-Security-Policy forbids every fetch.
public struct SlideShow: Sendable {
  public var title: String
  public var slides: [Slide]

  public init(title: String, slides: [Slide]) {
    self.title = title
    self.slides = slides
  }

  public struct Slide: Sendable {
    public var title: String
    public var caption: String?
    /// The figure's bytes and type (`image/png` or `image/svg+xml`); nil: said in its place.
    public var image: [UInt8]?
    public var imageType: String
    /// The image's size in pixels and the part of it shown (its margins trimmed), or nil.
    public var size: (width: Int, height: Int)?
    public var crop: (x: Int, y: Int, width: Int, height: Int)?
    /// Said in the figure's place when there is no image.
    public var missing: String?

    public init(
      title: String, caption: String?, image: [UInt8]?, imageType: String,
      size: (width: Int, height: Int)?, crop: (x: Int, y: Int, width: Int, height: Int)?,
      missing: String? = nil
    ) {
      self.title = title
      self.caption = caption
      self.image = image
      self.imageType = imageType
      self.size = size
      self.crop = crop
      self.missing = missing
    }
  }
}

extension SlideShow {
  public func html() -> String {
    var body = ""
    for (index, slide) in slides.enumerated() {
      let number = "\(index + 1) / \(slides.count)"
      body += "<section class=\"slide\" id=\"slide-\(index + 1)\" aria-label=\"\(number)\">"
      body += "<div class=\"inner\">\n<h2>\(escapeHTML(slide.title))</h2>\n"
      body += "<div class=\"figure\">" + figure(slide) + "</div>\n"
      if let caption = slide.caption, !caption.isEmpty {
        body += "<p class=\"caption\">\(escapeHTML(caption))</p>\n"
      }
      body += "</div><p class=\"number\">\(number)</p></section>\n"
    }
    let content = """
      <h1 class="deck-title">\(escapeHTML(title))</h1>
      \(body)<p class="help" id="help">← → or Page Up/Down: previous/next slide · Home/End: \
      first/last · F: full screen · Ctrl+P: one slide per page</p>
      <script>
      \(slideShowScript)</script>

      """
    return htmlDocumentStart(
      title: title, css: slideShowCSS, needs: PageNeeds(script: true, dataImages: true))
      + content + htmlDocumentEnd
  }

  /// The image, trimmed to its crop by a box of the crop's proportions that hides the rest.
  private func figure(_ slide: Slide) -> String {
    guard let image = slide.image else {
      return "<p class=\"missing\">\(escapeHTML(slide.missing ?? "no figure"))</p>"
    }
    let source = "data:\(slide.imageType);base64,\(Data(image).base64EncodedString())"
    let alt = escapeHTML(slide.title)
    guard let size = slide.size, let crop = slide.crop, crop.width > 0, crop.height > 0 else {
      return "<img class=\"whole\" src=\"\(source)\" alt=\"\(alt)\">"
    }
    func percent(_ value: Double) -> String { String(format: "%.4f%%", value * 100) }
    let aspect = String(format: "%.5f", Double(crop.width) / Double(crop.height))
    let style =
      "width:\(percent(Double(size.width) / Double(crop.width)));"
      + "left:\(percent(-Double(crop.x) / Double(crop.width)));"
      + "top:\(percent(-Double(crop.y) / Double(crop.height)))"
    return "<div class=\"crop\" style=\"--aspect:\(aspect)\"><img src=\"\(source)\" alt=\"\(alt)\" "
      + "style=\"\(style)\"></div>"
  }
}

/// Sizes are in units of the slide (cqh: a hundredth of its height), so a slide reads the same
/// in a window, in full screen and on paper: 46/1080 of the height for the title, 32/1080 for
/// the caption, as the PDF's slides.
let slideShowCSS = """
  html, body { margin: 0; height: 100%; background: #111; }
  body { font-family: "DejaVu Sans", Verdana, system-ui, sans-serif; }
  .deck-title { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); }
  .slide { display: none; position: absolute; inset: 0; margin: auto; background: #fff;
    color: #1a1a1a; width: min(100vw, calc(100vh * 16 / 9)); height: min(100vh, calc(100vw * 9 / 16));
    container-type: size; overflow: hidden; }
  .slide.current { display: block; }
  .inner { position: absolute; inset: 5.2cqh 2.9cqw 5.2cqh 2.9cqw; display: flex;
    flex-direction: column; }
  h2 { font-size: 4.26cqh; line-height: 1.2; margin: 0 0 1.7cqh; font-weight: bold; }
  .figure { flex: 1 1 auto; min-height: 0; container-type: size; display: flex;
    align-items: center; justify-content: center; }
  .crop { position: relative; overflow: hidden; aspect-ratio: var(--aspect);
    width: min(100cqw, calc(100cqh * var(--aspect))); }
  .crop img { position: absolute; height: auto; max-width: none; }
  img.whole { max-width: 100%; max-height: 100%; object-fit: contain; }
  .caption { font-size: 2.96cqh; line-height: 1.3; margin: 1.7cqh 0 0; }
  .missing { font-size: 2.96cqh; color: #5a5a5a; }
  .number { position: absolute; right: 1.9cqw; bottom: 1.2cqh; margin: 0; font-size: 2.04cqh;
    color: #5a5a5a; }
  .help { position: fixed; left: 0.5rem; bottom: 0.3rem; margin: 0; font-size: 0.8rem;
    color: #bbb; background: #111c; padding: 0.1rem 0.4rem; }
  .help.gone { display: none; }
  @page { size: 1920px 1080px; margin: 0; }
  @media print {
    html, body { background: #fff; height: auto; }
    .help { display: none; }
    .slide { display: block; position: relative; inset: auto; margin: 0; width: 1920px;
      height: 1080px; break-after: page; page-break-after: always; }
    .slide:last-of-type { break-after: auto; page-break-after: auto; }
  }

  """

/// The keys of a slide clicker and of reveal.js: → ↓ Page Down Space N next, ← ↑ Page Up P
/// previous, Home/End, F full screen; a click moves on (its left third moves back). The slide
/// shown is in the address (#3), so a reload stays on it. The key help shows for 8 seconds or
/// until the first key.
let slideShowScript = """
  (function () {
    "use strict";
    var slides = document.querySelectorAll(".slide");
    var help = document.getElementById("help");
    var current = 0;
    function show(n) {
      if (!slides.length) return;
      current = Math.max(0, Math.min(slides.length - 1, n));
      for (var i = 0; i < slides.length; i++) {
        slides[i].classList.toggle("current", i === current);
      }
      if (location.hash !== "#" + (current + 1)) history.replaceState(null, "", "#" + (current + 1));
    }
    function fromHash() {
      var n = parseInt(location.hash.slice(1), 10);
      show(isNaN(n) ? 0 : n - 1);
    }
    function fullScreen() {
      if (document.fullscreenElement) { document.exitFullscreen(); }
      else if (document.documentElement.requestFullscreen) {
        document.documentElement.requestFullscreen().catch(function () {});
      }
    }
    document.addEventListener("keydown", function (event) {
      if (event.ctrlKey || event.metaKey || event.altKey) return;
      var key = event.key;
      var handled = true;
      if (["ArrowRight", "ArrowDown", "PageDown", " ", "n", "N", "Enter"].indexOf(key) >= 0) {
        show(current + 1);
      } else if (["ArrowLeft", "ArrowUp", "PageUp", "p", "P", "Backspace"].indexOf(key) >= 0) {
        show(current - 1);
      } else if (key === "Home") { show(0); }
      else if (key === "End") { show(slides.length - 1); }
      else if (key === "f" || key === "F") { fullScreen(); }
      else { handled = false; }
      if (handled) { event.preventDefault(); help.classList.add("gone"); }
    });
    document.addEventListener("click", function (event) {
      show(event.clientX < window.innerWidth / 3 ? current - 1 : current + 1);
    });
    window.addEventListener("hashchange", fromHash);
    // The key help is for the first moments; it must not sit on a caption while presenting.
    setTimeout(function () { help.classList.add("gone"); }, 8000);
    fromHash();
    document.body.dataset.ready = "true";
  })();

  """
