/// The page's fixed markup after the header: controls, the three views, the zoom dialog and the
/// key help. The script fills in tokens, heads and maps from the embedded data.
let pageBody = """
  <details class="howto" id="howto"><summary>How to read this page</summary><div>
  <p><b>Head view</b>: each token is listed twice, as a query on the left (the token that   looks) and as a key on the right (the token looked at). A line joins them; the more opaque   the line, the larger the attention weight (0 to 1; each row of weights sums to 1). Each head   has its own colour, and the heads shown are drawn over one another.</p>
  <p><b>Model view</b>: every layer (rows) and head (columns) as a small heatmap;   <b>Heatmap</b>: the chosen layer and head large. Rows are queries, columns keys; the   brighter the cell, the larger the weight, on the colour bar's 0–1 scale.</p>
  <p><b>Try first</b>: pick a head in the Head menu (it is then shown alone), hover or tap   a word on the left such as <i>it</i> and see which word its strongest line reaches;   ← → go through the heads, ↑ ↓ through the layers, A shows all heads again.</p>
  </div></details>
  </header>
  <nav class="controls" aria-label="View and selection">
  <div class="tabs" role="tablist">
  <button role="tab" id="tab-head" aria-controls="view-head" aria-selected="true">Head view</button>
  <button role="tab" id="tab-model" aria-controls="view-model" aria-selected="false">\
  Model view</button>
  <button role="tab" id="tab-heatmap" aria-controls="view-heatmap" aria-selected="false">\
  Heatmap</button>
  </div>
  <label>Layer <select id="layer-select"></select></label>
  <label>Head <select id="head-select"></select></label>
  <span id="kv-note" class="kv-note"></span>
  </nav>
  <main>
  <section id="view-head" role="tabpanel" aria-labelledby="tab-head">
  <div class="head-controls">
  <fieldset id="head-boxes"><legend>Heads shown</legend></fieldset>
  <button id="all-heads" type="button">All heads</button>
  </div>
  <p id="head-info" class="info" aria-live="polite">Hover or tap a token to keep only its lines; \
  tap again to let go.</p>
  <div id="head-scroll" class="head-scroll">
  <div id="head-inner" class="head-inner">
  <canvas id="head-canvas"></canvas>
  <div id="col-left" class="tokens left" aria-label="Queries (attend from)"></div>
  <div id="col-right" class="tokens right" aria-label="Keys (attended to)"></div>
  </div>
  </div>
  </section>
  <section id="view-model" role="tabpanel" aria-labelledby="tab-model" hidden>
  <p class="info">Every layer (rows) and head (columns) of the model; click a map, or move with \
  the arrow keys and press Enter, to open it large.</p>
  <div id="model-grid" class="model-grid"></div>
  </section>
  <section id="view-heatmap" role="tabpanel" aria-labelledby="tab-heatmap" hidden>
  <div id="heatmap-main" class="heatmap-box"></div>
  </section>
  </main>
  <div id="zoom" class="zoom" role="dialog" aria-modal="true" aria-labelledby="zoom-title" hidden>
  <div class="zoom-frame">
  <div class="zoom-head"><h2 id="zoom-title"></h2>
  <button id="zoom-close" type="button" aria-label="Close (Esc)">× Close</button></div>
  <div id="zoom-heatmap" class="heatmap-box"></div>
  </div>
  </div>
  <div id="tooltip" class="tooltip" hidden></div>
  <footer class="keys">Keys: ↑ ↓ layer · ← → head (the head view then shows that head \
  alone) · \
  A all heads · 1 2 3 views · Enter open the focused map · Esc close</footer>

  """
