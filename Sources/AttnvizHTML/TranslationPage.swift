import AttnvizMath
import AttnvizStyle

/// The translation's page (`translation.html`): the source sentence above the translation, and
/// hovering (or focusing, or tapping) a generated token shades each source token by how much
/// that token read it, with the weight under it; a layer and head choice (the heads' average
/// first) and the generated × source table below, coloured on the 0–1 scale. One file, no
/// network, every string shown through `textContent`; the weights are printed by
/// `formatFixed(_, decimals: 2)`, as the figures and the terminal print them.
public struct TranslationPage: Sendable {
  /// "firefox-en-pt".
  public var modelName: String
  /// "English → Portuguese · “The black cat …” → “O gato preto …”".
  public var subtitle: String
  public var source: [String]
  public var target: [String]
  /// [decoder layer][head] (target, source).
  public var layers: [[Matrix]]
  /// 0-based decoder layer shown first.
  public var initialLayer: Int
  public var colorMap: ColorMap

  public init(
    modelName: String, subtitle: String, source: [String], target: [String], layers: [[Matrix]],
    initialLayer: Int, colorMap: ColorMap
  ) {
    self.modelName = modelName
    self.subtitle = subtitle
    self.source = source
    self.target = target
    self.layers = layers
    self.initialLayer = initialLayer
    self.colorMap = colorMap
  }

  /// The page's styles.
  static let css = """
    body { font: 16px/1.4 "DejaVu Sans", sans-serif; margin: 24px; color: #1a1a1a; }
    .subtitle { color: #5a5a5a; margin-top: -8px; }
    .row { display: flex; flex-wrap: wrap; gap: 6px; margin: 10px 0; align-items: flex-start; }
    .row b { width: 7em; }
    .tok { padding: 4px 6px; border-radius: 4px; border: 1px solid #ccc; text-align: center; }
    .tok small { display: block; font-size: 12px; min-height: 1.2em; }
    .target .tok { cursor: pointer; }
    .target .tok:focus, .target .tok.on { outline: 3px solid #0072b2; }
    table { border-collapse: collapse; margin-top: 18px; font-size: 13px; }
    td, th { padding: 3px 5px; text-align: center; }
    th { font-weight: normal; }

    """

  /// The page; same page in, same bytes out.
  public func html() -> String {
    let title = "Cross-attention · \(modelName) · \(subtitle)"
    let content = """
      <h1>Cross-attention · \(escapeHTML(modelName))</h1>
      <p class="subtitle">\(escapeHTML(subtitle))</p>
      <p>Point at (or tab to) a generated token: each source token is shaded by how much of its \
      attention that token gave it.
      <label>Decoder layer <select id="layer"></select></label>
      <label>Head <select id="head"></select></label></p>
      <div class="row source" id="source"><b>Source</b></div>
      <div class="row target" id="target"><b>Translation</b></div>
      <table id="grid"></table>
      <script type="application/json" id="data">\(dataJSON())</script>
      <script>
      \(Self.script)
      </script>

      """
    return htmlDocumentStart(
      title: title, css: Self.css, needs: PageNeeds(script: true, dataImages: false))
      + content + htmlDocumentEnd
  }

  /// Tokens, the colour table and per layer the heads' average then each head, as numbers
  /// (for colours) and as the printed labels.
  func dataJSON() -> String {
    func strings(_ values: [String]) -> String {
      "[" + values.map { jsonStringLiteral($0, inScript: true) }.joined(separator: ",") + "]"
    }
    func matrices(_ heads: [Matrix], _ cell: (Double) -> String) -> String {
      "["
        + heads.map { m in
          "["
            + (0..<m.rows).map { r in
              "[" + m.row(r).map(cell).joined(separator: ",") + "]"
            }.joined(separator: ",") + "]"
        }.joined(separator: ",") + "]"
    }
    let layerTexts = layers.map { heads -> String in
      var average = Matrix(rows: target.count, columns: source.count)
      for head in heads {
        for i in average.values.indices {
          average.values[i] += head.values[i] / Double(heads.count)
        }
      }
      let shown = [average] + heads
      return "{\"values\":" + matrices(shown) { formatFixed($0, decimals: 4) } + ",\"labels\":"
        + matrices(shown) { "\"" + formatFixed($0, decimals: 2) + "\"" } + "}"
    }
    let colors = (0..<256).map { i -> String in
      let c = colorMap.color(at: Double(i) / 255)
      return "\"" + hex(c) + "\""
    }
    return "{\"source\":" + strings(source) + ",\"target\":" + strings(target) + ",\"layers\":["
      + layerTexts.joined(separator: ",") + "],\"initialLayer\":\(initialLayer),\"colors\":["
      + colors.joined(separator: ",") + "]}"
  }

  private func hex(_ c: RGBA) -> String {
    "#"
      + [c.r, c.g, c.b].map { value in
        let text = String(value, radix: 16)
        return text.count == 1 ? "0" + text : text
      }.joined()
  }

  /// Builds the rows and the table with `textContent` only (no markup from data).
  static let script = """
    const data = JSON.parse(document.getElementById("data").textContent);
    const layerSelect = document.getElementById("layer"), headSelect = document.getElementById("head");
    data.layers.forEach((_, i) => layerSelect.add(new Option(String(i + 1), String(i))));
    layerSelect.value = String(data.initialLayer);
    headSelect.add(new Option("average", "0"));
    for (let h = 1; h < data.layers[0].values.length; h++) headSelect.add(new Option(String(h), String(h)));
    function span(text, parent) {
      const s = document.createElement("span"); s.className = "tok";
      const t = document.createElement("span"); t.textContent = text; s.appendChild(t);
      const w = document.createElement("small"); s.appendChild(w); parent.appendChild(s); return s;
    }
    const sources = data.source.map(t => span(t, document.getElementById("source")));
    const targets = data.target.map(t => span(t, document.getElementById("target")));
    function current() { return [data.layers[+layerSelect.value], +headSelect.value]; }
    function colour(v) { return data.colors[Math.max(0, Math.min(255, Math.floor(v * 255)))]; }
    function ink(hex) {
      const n = parseInt(hex.slice(1), 16), r = n >> 16, g = (n >> 8) & 255, b = n & 255;
      return (0.299 * r + 0.587 * g + 0.114 * b) > 140 ? "#1a1a1a" : "#ffffff";
    }
    function show(t) {
      const [layer, head] = current();
      targets.forEach((s, i) => s.classList.toggle("on", i === t));
      sources.forEach((s, j) => {
        const v = layer.values[head][t][j], c = colour(v);
        s.style.background = c; s.style.color = ink(c);
        s.lastChild.textContent = layer.labels[head][t][j];
      });
    }
    targets.forEach((s, i) => {
      s.tabIndex = 0;
      s.addEventListener("mouseenter", () => show(i));
      s.addEventListener("focus", () => show(i));
      s.addEventListener("click", () => show(i));
    });
    function grid() {
      const [layer, head] = current(), table = document.getElementById("grid");
      table.textContent = "";
      const top = table.insertRow(); top.insertCell();
      data.source.forEach(t => { const th = document.createElement("th"); th.textContent = t; top.appendChild(th); });
      data.target.forEach((t, i) => {
        const row = table.insertRow(), th = document.createElement("th");
        th.textContent = t; row.appendChild(th);
        data.source.forEach((_, j) => {
          const cell = row.insertCell(), c = colour(layer.values[head][i][j]);
          cell.textContent = layer.labels[head][i][j]; cell.style.background = c; cell.style.color = ink(c);
        });
      });
    }
    layerSelect.addEventListener("change", () => { grid(); show(0); });
    headSelect.addEventListener("change", () => { grid(); show(0); });
    grid(); show(0);
    """
}
