import AttnvizStyle

/// The page of `attnviz generate --format html` (`generation.html`): it plays the answer token
/// by token. Each step shows the text so far (the prompt, then the answer up to the new token),
/// lines from the position that chose the token to every token it read (thicker and darker for
/// more weight, each token shaded by its weight with the number under it), and the step's most
/// probable tokens. Previous/next buttons, a slider, the arrow keys and Home/End move between
/// steps; a layer and a head menu (the heads' average first) choose the attention shown. Chat
/// prompts keep their roles: system, user and assistant text are underlined in their colours,
/// template markers are set apart. One file, no network, every string shown through
/// `textContent`; weights are printed by `formatFixed(_, decimals: 2)` as the figures print them.
public struct GenerationPage: Sendable {
  /// One token of the text: the prompt's and the answer's.
  public struct PageToken: Sendable, Equatable {
    /// As figures label it (`tokenLabel`).
    public var label: String
    /// "system", "user", "assistant" in a chat prompt; nil otherwise.
    public var role: String?
    /// Written by the chat template (`<|im_start|>user`), not by a message.
    public var isMarker: Bool
    /// A special token of the vocabulary.
    public var isSpecial: Bool

    public init(label: String, role: String? = nil, isMarker: Bool = false, isSpecial: Bool = false)
    {
      self.label = label
      self.role = role
      self.isMarker = isMarker
      self.isSpecial = isSpecial
    }
  }

  /// One of a step's most probable tokens.
  public struct Alternative: Sendable, Equatable {
    public var label: String
    public var probability: Double
    public var isChosen: Bool

    public init(label: String, probability: Double, isChosen: Bool) {
      self.label = label
      self.probability = probability
      self.isChosen = isChosen
    }
  }

  /// One generated token.
  public struct Step: Sendable, Equatable {
    public var probability: Double
    public var alternatives: [Alternative]
    /// [embedded layer][head choice] → the choosing position's weights over every token so far.
    public var rows: [[[Double]]]

    public init(probability: Double, alternatives: [Alternative], rows: [[[Double]]]) {
      self.probability = probability
      self.alternatives = alternatives
      self.rows = rows
    }
  }

  public var modelName: String
  /// "8 tokens · greedy · “The capital of France is Paris.”".
  public var subtitle: String
  /// The prompt's tokens, then one per step.
  public var tokens: [PageToken]
  public var promptCount: Int
  public var steps: [Step]
  /// 1-based numbers of the embedded layers.
  public var layers: [Int]
  /// The head choices, in the order of each row list ("average of 9 heads", "head 1", …).
  public var headNames: [String]
  /// Index into `layers` shown first.
  public var initialLayer: Int
  /// Sentences under the title (a reduced page says what it left out).
  public var notes: [String]
  public var colorMap: ColorMap

  public init(
    modelName: String, subtitle: String, tokens: [PageToken], promptCount: Int, steps: [Step],
    layers: [Int], headNames: [String], initialLayer: Int, notes: [String], colorMap: ColorMap
  ) {
    self.modelName = modelName
    self.subtitle = subtitle
    self.tokens = tokens
    self.promptCount = promptCount
    self.steps = steps
    self.layers = layers
    self.headNames = headNames
    self.initialLayer = initialLayer
    self.notes = notes
    self.colorMap = colorMap
  }

  /// The most weights the page embeds (one small integer each); a generation with more keeps
  /// only the layer shown first.
  public static let weightLimit = 2_000_000

  /// The page; same page in, same bytes out.
  public func html() -> String {
    var page = htmlDocumentStart(
      title: "Writing the answer · \(modelName) · \(subtitle)", css: Self.css,
      needs: PageNeeds(script: true, dataImages: false))
    page += """
      <header>
      <h1>Writing the answer · \(escapeHTML(modelName))</h1>
      <p class="subtitle">\(escapeHTML(subtitle))</p>

      """
    for note in notes { page += "<p class=\"note\">\(escapeHTML(note))</p>\n" }
    page += """
      </header>
      <div class="controls" role="group" aria-label="Step through the answer">
      <button type="button" id="previous" aria-keyshortcuts="ArrowLeft">◀ Previous</button>
      <input type="range" id="step" min="0" max="\(steps.count)" value="\(min(1, steps.count))" \
      aria-label="Step">
      <button type="button" id="next" aria-keyshortcuts="ArrowRight">Next ▶</button>
      <button type="button" id="play" aria-keyshortcuts="p">Play</button>
      <span id="counter"></span>
      <label>Layer <select id="layer"></select></label>
      <label>Head <select id="head"></select></label>
      </div>
      <p id="status" aria-live="polite"></p>
      <div id="stage"><svg id="lines" aria-hidden="true"></svg><div id="text"></div></div>
      <section id="alternatives-box"><h2 id="alternatives-title">Most probable next tokens</h2>
      <ol id="alternatives"></ol></section>
      <p class="legend" id="legend"></p>
      <details id="how"><summary>How to read this page</summary>
      <p>Each step the model reads every token so far and writes one more. The lines start at \
      the token it read last (outlined) and go to each token it looked at in the chosen layer \
      and head: the thicker and darker, the more of its attention; each token is shaded by that \
      weight and the weight is printed under it (weights under 0.01 get no line). The new token \
      is boxed, with its probability. The list beside it holds the step's most probable tokens.</p>
      <p>Keys: → or Space next step, ← previous, Home the prompt alone, End the whole answer, \
      P play or pause.</p></details>
      <script type="application/json" id="generation-data">\(dataJSON())</script>
      <script>
      \(Self.script)
      </script>

      """
    return page + htmlDocumentEnd
  }

  /// Tokens, steps (weights as hundredths, the `formatFixed` two-decimal rule, 0–100), layers,
  /// heads and the colour table (one colour and one ink per hundredth).
  func dataJSON() -> String {
    func string(_ s: String) -> String { scriptJSONString(s) }
    let tokenTexts = tokens.map { t in
      "{\"t\":\(string(t.label)),\"r\":\(t.role.map(string) ?? "null")"
        + ",\"m\":\(t.isMarker),\"s\":\(t.isSpecial)}"
    }
    let stepTexts = steps.map { step -> String in
      let alternatives = step.alternatives.map { a in
        "[\(string(a.label)),\(string(formatFixed(a.probability, decimals: 2))),\(a.isChosen)]"
      }
      let rows = step.rows.map { layer in
        "["
          + layer.map { row in
            "[" + row.map { String(hundredths($0)) }.joined(separator: ",") + "]"
          }.joined(separator: ",") + "]"
      }
      return "{\"p\":\(string(formatFixed(step.probability, decimals: 2))),\"a\":["
        + alternatives.joined(separator: ",") + "],\"w\":[" + rows.joined(separator: ",") + "]}"
    }
    let colors = (0...100).map { i -> String in
      let c = colorMap.color(at: Double(i) / 100)
      return "[\"\(hex(c))\",\"\(prefersDarkText(on: c) ? "#1a1a1a" : "#ffffff")\"]"
    }
    return "{\"tokens\":[" + tokenTexts.joined(separator: ",") + "],\"prompt\":\(promptCount)"
      + ",\"layers\":[" + layers.map(String.init).joined(separator: ",") + "],\"heads\":["
      + headNames.map(string).joined(separator: ",") + "],\"initialLayer\":\(initialLayer)"
      + ",\"steps\":[" + stepTexts.joined(separator: ",\n") + "],\"colors\":["
      + colors.joined(separator: ",") + "]}"
  }

  static let css = """
    body { font: 16px/1.45 "DejaVu Sans", sans-serif; margin: 20px 28px; color: #1a1a1a; \
    background: #ffffff; }
    h1 { font-size: 24px; margin: 0 0 4px; }
    h2 { font-size: 16px; margin: 0 0 6px; }
    .subtitle { color: #5a5a5a; margin: 0 0 6px; }
    .note { color: #8a4b00; margin: 0 0 6px; }
    .controls { display: flex; flex-wrap: wrap; align-items: center; gap: 10px; margin: 10px 0; }
    .controls input[type=range] { width: 260px; }
    button, select { font: inherit; padding: 3px 10px; }
    button:focus-visible, select:focus-visible, input:focus-visible, summary:focus-visible \
    { outline: 3px solid #0072b2; outline-offset: 2px; }
    #status { min-height: 1.45em; margin: 4px 0 8px; font-size: 18px; }
    #stage { position: relative; padding-top: 56px; }
    #lines { position: absolute; left: 0; top: 0; width: 100%; height: 100%; \
    pointer-events: none; overflow: visible; }
    #text { position: relative; display: flex; flex-wrap: wrap; gap: 30px 4px; \
    align-items: flex-start; }
    .tok { display: inline-block; min-width: 14px; padding: 2px 4px 0; border-radius: 4px; \
    border: 1px solid #cfcfcf; text-align: center; white-space: pre; background: #ffffff; }
    .tok small { display: block; font-size: 12px; min-height: 1.3em; color: inherit; }
    .tok.hidden { display: none; }
    .tok.marker { font-style: italic; color: #5a5a5a; border-style: dashed; }
    .tok.special { font-family: "DejaVu Sans Mono", monospace; font-size: 14px; }
    .tok.query { outline: 3px solid #1a1a1a; }
    .tok.new { outline: 3px solid #d55e00; outline-offset: 2px; }
    .tok.answer-start { margin-left: 18px; }
    .role-system { box-shadow: inset 0 -5px 0 #009e73; }
    .role-user { box-shadow: inset 0 -5px 0 #0072b2; }
    .role-assistant { box-shadow: inset 0 -5px 0 #cc79a7; }
    .legend span { display: inline-block; padding: 0 6px; margin-right: 10px; }
    #alternatives-box { margin-top: 18px; }
    #alternatives { margin: 0; padding-left: 28px; columns: 2; max-width: 620px; }
    #alternatives li { margin: 2px 0; }
    #alternatives .bar { display: inline-block; height: 10px; background: #0072b2; \
    margin-left: 8px; vertical-align: middle; }
    #alternatives .chosen { font-weight: bold; }
    details { margin-top: 14px; max-width: 900px; }
    @media print { .controls, details { display: none; } }
    """

  /// Builds every element with `textContent` (no markup from data) and draws the lines in SVG.
  static let script = """
    "use strict";
    const data = JSON.parse(document.getElementById("generation-data").textContent);
    const text = document.getElementById("text"), svg = document.getElementById("lines");
    const slider = document.getElementById("step"), layerSelect = document.getElementById("layer");
    const headSelect = document.getElementById("head"), status = document.getElementById("status");
    const SVG = "http://www.w3.org/2000/svg";
    const roleNames = { system: "system", user: "user", assistant: "assistant" };
    data.layers.forEach((l, i) => layerSelect.add(new Option(String(l), String(i))));
    layerSelect.value = String(data.initialLayer);
    data.heads.forEach((h, i) => headSelect.add(new Option(h, String(i))));
    function label(h) { return h >= 100 ? "1.00" : "0." + String(h).padStart(2, "0"); }
    const boxes = data.tokens.map((t, i) => {
      const s = document.createElement("span");
      s.className = "tok" + (t.m ? " marker" : "") + (t.s ? " special" : "")
        + (t.r ? " role-" + t.r : "") + (i === data.prompt ? " answer-start" : "");
      const word = document.createElement("span"); word.textContent = t.t; s.appendChild(word);
      const small = document.createElement("small"); s.appendChild(small);
      s.title = (i < data.prompt ? "prompt token " + (i + 1) : "answer token " + (i - data.prompt + 1))
        + (t.r ? " · " + roleNames[t.r] : "") + (t.m ? " · template marker" : "");
      text.appendChild(s);
      return s;
    });
    const legend = document.getElementById("legend");
    const roles = new Set(data.tokens.map(t => t.r).filter(r => r));
    if (roles.size > 0) {
      legend.appendChild(document.createTextNode("Underlined by role: "));
      ["system", "user", "assistant"].filter(r => roles.has(r)).forEach(r => {
        const s = document.createElement("span"); s.className = "role-" + r; s.textContent = r;
        legend.appendChild(s);
      });
      const m = document.createElement("span"); m.className = "tok marker"; m.textContent = "marker";
      legend.appendChild(m);
      legend.appendChild(document.createTextNode(" written by the chat template"));
    }
    let current = 0, timer = null;
    function colour(h) { return data.colors[Math.max(0, Math.min(100, h))]; }
    function draw() {
      while (svg.firstChild) svg.removeChild(svg.firstChild);
      if (current === 0) return;
      const step = data.steps[current - 1];
      const row = step.w[+layerSelect.value][+headSelect.value];
      const q = data.prompt + current - 2, origin = svg.getBoundingClientRect();
      const qb = boxes[q].getBoundingClientRect();
      const qx = qb.left + qb.width / 2 - origin.left, qy = qb.top - origin.top;
      row.forEach((h, k) => {
        if (h < 1 || k === q) return;
        const b = boxes[k].getBoundingClientRect();
        const x = b.left + b.width / 2 - origin.left, y = b.top - origin.top;
        const lift = 24 + Math.min(30, Math.abs(x - qx) / 12);
        const path = document.createElementNS(SVG, "path");
        path.setAttribute("d", "M" + qx + " " + qy + " C" + qx + " " + (Math.min(qy, y) - lift) + " "
          + x + " " + (Math.min(qy, y) - lift) + " " + x + " " + y);
        path.setAttribute("fill", "none");
        path.setAttribute("stroke", "#0072b2");
        path.setAttribute("stroke-width", String(1 + 6 * h / 100));
        path.setAttribute("stroke-opacity", String(0.25 + 0.75 * h / 100));
        path.setAttribute("class", "line");
        path.dataset.key = String(k);
        path.dataset.weight = label(h);
        svg.appendChild(path);
      });
    }
    function show(n) {
      current = Math.max(0, Math.min(data.steps.length, n));
      slider.value = String(current);
      const visible = data.prompt + current;
      const step = current > 0 ? data.steps[current - 1] : null;
      const row = step ? step.w[+layerSelect.value][+headSelect.value] : null;
      const q = data.prompt + current - 2;
      boxes.forEach((s, i) => {
        s.classList.toggle("hidden", i >= visible);
        s.classList.toggle("query", step !== null && i === q);
        s.classList.toggle("new", step !== null && i === visible - 1);
        const small = s.lastChild;
        if (step && i <= q) {
          const [bg, ink] = colour(row[i]);
          s.style.background = bg; s.style.color = ink; small.textContent = label(row[i]);
        } else {
          s.style.background = ""; s.style.color = "";
          small.textContent = step && i === visible - 1 ? "p " + step.p : "";
        }
      });
      document.getElementById("counter").textContent =
        current === 0 ? "Prompt only" : "Step " + current + " of " + data.steps.length;
      const list = document.getElementById("alternatives");
      list.textContent = "";
      if (step) {
        status.textContent = "Step " + current + ": after reading " + "\\u201c"
          + data.tokens[q].t + "\\u201d, the model wrote " + "\\u201c" + data.tokens[visible - 1].t
          + "\\u201d (probability " + step.p + ").";
        step.a.forEach(([t, p, chosen]) => {
          const li = document.createElement("li"); if (chosen) li.className = "chosen";
          const word = document.createElement("span"); word.textContent = t + " " + p;
          const bar = document.createElement("span"); bar.className = "bar";
          bar.style.width = Math.round(160 * parseFloat(p)) + "px";
          li.appendChild(word); li.appendChild(bar); list.appendChild(li);
        });
      } else {
        status.textContent = "The prompt (" + data.prompt + " tokens). Next \\u25b6 writes the first token.";
      }
      draw();
    }
    function stop() { if (timer) { clearInterval(timer); timer = null; } play.textContent = "Play"; }
    const play = document.getElementById("play");
    play.addEventListener("click", () => {
      if (timer) { stop(); return; }
      if (current >= data.steps.length) show(0);
      play.textContent = "Pause";
      timer = setInterval(() => {
        if (current >= data.steps.length) { stop(); return; }
        show(current + 1);
      }, 800);
    });
    document.getElementById("previous").addEventListener("click", () => { stop(); show(current - 1); });
    document.getElementById("next").addEventListener("click", () => { stop(); show(current + 1); });
    slider.addEventListener("input", () => { stop(); show(+slider.value); });
    layerSelect.addEventListener("change", () => show(current));
    headSelect.addEventListener("change", () => show(current));
    document.addEventListener("keydown", e => {
      const tag = e.target.tagName;
      if (tag === "SELECT" || tag === "INPUT" || e.altKey || e.ctrlKey || e.metaKey) return;
      const onButton = tag === "BUTTON" || tag === "SUMMARY";
      let to = null;
      if (e.key === "ArrowRight" || e.key === "ArrowDown" || e.key === "PageDown") to = current + 1;
      else if (e.key === " " && !onButton) to = current + 1;
      else if (e.key === "ArrowLeft" || e.key === "ArrowUp" || e.key === "PageUp") to = current - 1;
      else if (e.key === "Home") to = 0;
      else if (e.key === "End") to = data.steps.length;
      else if (e.key === "p" || e.key === "P") { play.click(); e.preventDefault(); return; }
      if (to === null) return;
      e.preventDefault(); stop(); show(to);
    });
    window.addEventListener("resize", draw);
    show(+slider.value);
    document.body.dataset.ready = "true";
    """
}

/// A weight as hundredths, by the two-decimal rule the tables print (0.125 → 12 as "0.12").
func hundredths(_ value: Double) -> Int {
  let text = formatFixed(value, decimals: 2)
  let digits = text.filter(\.isNumber)
  return Int(digits) ?? 0
}

private func hex(_ c: RGBA) -> String {
  "#"
    + [c.r, c.g, c.b].map { value in
      let text = String(value, radix: 16)
      return text.count == 1 ? "0" + text : text
    }.joined()
}
