/// The page's script: head view, heatmaps, model view, keys. Plain ES5 in one function, no
/// library, so the page runs offline in any current browser. Numbers on hover go through
/// `formatFixed`, C's printf rule (ties to even on the exact binary value), as the tables.
let pageScript = #"""
  (function () {
  "use strict";
  var data = JSON.parse(document.getElementById("attnviz-data").textContent);
  var n = data.tokens.length;
  var H = data.heads;
  var groupSize = Math.max(1, Math.floor(H / Math.max(1, data.keyValueHeads)));
  var gqa = data.keyValueHeads < H;
  var THRESHOLD = 0.005;
  var weights = decodeWeights(document.getElementById("attnviz-weights").textContent);
  var scale = data.precision === "full" ? 1 : 0.01;
  var slotOf = {};
  data.layers.forEach(function (layer, slot) { slotOf[layer] = slot; });

  function decodeWeights(base64) {
    var binary = atob(base64.trim());
    var bytes = new Uint8Array(binary.length);
    for (var i = 0; i < binary.length; i++) { bytes[i] = binary.charCodeAt(i); }
    if (data.precision !== "full") { return bytes; }
    var view = new DataView(bytes.buffer);
    var out = new Float64Array(bytes.length / 8);
    for (var k = 0; k < out.length; k++) { out[k] = view.getFloat64(8 * k, true); }
    return out;
  }

  // The weight query i gives key j in head h of a layer (0-based), or NaN when the page does
  // not hold that layer.
  function weight(layer, h, i, j) {
    var slot = slotOf[layer];
    if (slot === undefined) { return NaN; }
    return weights[((slot * H + h) * n + i) * n + j] * scale;
  }

  // C's printf("%.*f"): rounds the exact binary value, ties to even (0.125 -> "0.12", where
  // toFixed gives "0.13"). toFixed(100) is the exact decimal expansion of every double from
  // 1e-80 up (ECMAScript rounds toFixed on the exact value); below, the first digits are zeros.
  function formatFixed(x, decimals) {
    if (isNaN(x)) { return "nan"; }
    if (!isFinite(x)) { return x < 0 ? "-inf" : "inf"; }
    if (Math.abs(x) >= 1e21) { return x.toExponential(decimals); }
    var exact = Math.abs(x).toFixed(100);
    var point = exact.indexOf(".");
    var whole = exact.slice(0, point);
    var fraction = exact.slice(point + 1);
    var kept = whole + fraction.slice(0, decimals);
    var rest = fraction.slice(decimals);
    var up = false;
    if (rest.charAt(0) > "5") {
      up = true;
    } else if (rest.charAt(0) === "5") {
      var beyond = /[1-9]/.test(rest.slice(1));
      up = beyond || (parseInt(kept.charAt(kept.length - 1), 10) % 2 === 1);
    }
    var digits = kept.split("");
    if (up) {
      var k = digits.length - 1;
      while (k >= 0 && digits[k] === "9") { digits[k] = "0"; k--; }
      if (k < 0) { digits.unshift("1"); } else { digits[k] = String(+digits[k] + 1); }
    }
    var split = digits.length - decimals;
    var text = digits.slice(0, split).join("") || "0";
    if (decimals > 0) { text += "." + digits.slice(split).join(""); }
    var isZero = !/[1-9]/.test(text);
    return x < 0 && !isZero ? "-" + text : text;
  }

  function $(id) { return document.getElementById(id); }
  function element(tag, className, text) {
    var e = document.createElement(tag);
    if (className) { e.className = className; }
    if (text !== undefined) { e.textContent = text; }
    return e;
  }
  function quoted(i) { return "\u201c" + data.tokens[i] + "\u201d"; }
  function isDark() {
    return window.matchMedia && window.matchMedia("(prefers-color-scheme: dark)").matches;
  }
  function cssVar(name) {
    return getComputedStyle(document.documentElement).getPropertyValue(name).trim();
  }
  // Head colours; on a dark page the palette's black becomes a light grey.
  function headColor(h) {
    var c = data.headColors[h % data.headColors.length];
    if (isDark() && luminance(c) < 0.2) { return "#d8d8d8"; }
    return c;
  }
  function luminance(hex) {
    var v = parseInt(hex.slice(1), 16);
    return (0.2126 * (v >> 16) + 0.7152 * ((v >> 8) & 255) + 0.0722 * (v & 255)) / 255;
  }
  function mapColor(t) {
    var index = Math.max(0, Math.min(255, Math.round(t * 255)));
    var hex = data.colorMap.substr(index * 6, 6);
    var v = parseInt(hex, 16);
    return [v >> 16, (v >> 8) & 255, v & 255];
  }
  function kvOf(h) { return Math.floor(h / groupSize); }
  function kvText(h) {
    if (!gqa) { return ""; }
    var first = kvOf(h) * groupSize;
    return "keys and values of K/V head " + (kvOf(h) + 1) + ", shared by heads " + (first + 1) +
      "\u2013" + (first + groupSize);
  }
  function masked(i, j) { return data.causal && j > i; }
  function fontPx() { return parseFloat(getComputedStyle(document.body).fontSize); }

  var state = {
    view: "head", layer: data.initialLayer, head: data.initialHead,
    checked: [], active: null
  };
  for (var h0 = 0; h0 < H; h0++) {
    state.checked.push(!data.onlyInitialHead || h0 === data.initialHead);
  }

  // ---- controls --------------------------------------------------------------------------
  function buildControls() {
    var layerSelect = $("layer-select");
    for (var l = 0; l < data.layerCount; l++) {
      var option = element("option", "", String(l + 1));
      option.value = String(l);
      if (slotOf[l] === undefined) {
        option.disabled = true;
        option.textContent = (l + 1) + " (not in this page)";
      }
      layerSelect.appendChild(option);
    }
    layerSelect.addEventListener("change", function () { setLayer(+layerSelect.value); });
    var headSelect = $("head-select");
    for (var h = 0; h < H; h++) {
      var o = element("option", "", gqa ? (h + 1) + " (K/V " + (kvOf(h) + 1) + ")" : String(h + 1));
      o.value = String(h);
      headSelect.appendChild(o);
    }
    // The menu shows the head chosen alone, in every view ("All heads" or A brings them back).
    headSelect.addEventListener("change", function () { setHead(+headSelect.value, true); });
    if (gqa) {
      $("kv-note").textContent = "Grouped-query attention: " + H + " query heads share " +
        data.keyValueHeads + " key/value heads, " + groupSize + " each";
    }
    var boxes = $("head-boxes");
    var group = boxes;
    for (var hh = 0; hh < H; hh++) {
      if (gqa && hh % groupSize === 0) {
        group = element("span", "kv-group");
        group.appendChild(element("span", "", "K/V " + (kvOf(hh) + 1)));
        boxes.appendChild(group);
      }
      var label = element("label", "head-box");
      var box = element("input");
      box.type = "checkbox";
      box.checked = state.checked[hh];
      box.dataset.head = String(hh);
      box.addEventListener("change", onHeadBox);
      var swatch = element("span", "swatch");
      label.appendChild(box);
      label.appendChild(swatch);
      label.appendChild(document.createTextNode(String(hh + 1)));
      label.title = "head " + (hh + 1) + (gqa ? ": " + kvText(hh) : "");
      group.appendChild(label);
    }
    $("all-heads").addEventListener("click", function () { checkAll(); });
    ["head", "model", "heatmap"].forEach(function (name) {
      $("tab-" + name).addEventListener("click", function () { setView(name); });
    });
    $("zoom-close").addEventListener("click", closeZoom);
    $("zoom").addEventListener("click", function (event) {
      if (event.target === $("zoom")) { closeZoom(); }
    });
  }
  function onHeadBox(event) {
    state.checked[+event.target.dataset.head] = event.target.checked;
    drawHeadView();
  }
  function checkAll() {
    for (var h = 0; h < H; h++) { state.checked[h] = true; }
    syncControls();
    drawHeadView();
  }
  function syncControls() {
    $("layer-select").value = String(state.layer);
    $("head-select").value = String(state.head);
    var boxes = document.querySelectorAll("#head-boxes input");
    for (var i = 0; i < boxes.length; i++) {
      var h = +boxes[i].dataset.head;
      boxes[i].checked = state.checked[h];
      boxes[i].parentNode.classList.toggle("current", h === state.head);
      boxes[i].nextSibling.style.background = headColor(h);
    }
  }

  // ---- head view ---------------------------------------------------------------------------
  var head = { row: 0, pad: 6, leftWidth: 0, rightWidth: 0, drawn: [] };
  function buildHeadView() {
    ["left", "right"].forEach(function (side) {
      var column = $("col-" + side);
      for (var i = 0; i < n; i++) {
        var token = element("div", "token");
        token.appendChild(element("span", "label", data.tokens[i]));
        token.appendChild(element("span", "w"));
        token.dataset.index = String(i);
        token.dataset.side = side;
        token.title = (side === "left" ? "query " : "key ") + (i + 1) + ": " + data.tokens[i];
        token.addEventListener("mouseenter", onTokenEnter);
        token.addEventListener("click", onTokenClick);
        column.appendChild(token);
      }
      column.addEventListener("mouseleave", function () {
        hideTooltip();
        if (state.active && !state.active.locked) { state.active = null; drawHeadView(); }
      });
    });
    $("head-scroll").addEventListener("scroll", function () { requestDraw(); });
  }
  var drawPending = false;
  function requestDraw() {
    if (drawPending) { return; }
    drawPending = true;
    requestAnimationFrame(function () { drawPending = false; drawHeadView(); });
  }
  function layoutHeadView() {
    var scroll = $("head-scroll");
    // Lines longer than about 40 em are hard to follow: wide windows centre a narrower view.
    var width = Math.min(scroll.clientWidth, Math.round(fontPx() * 52));
    $("head-inner").style.width = width + "px";
    head.row = Math.round(fontPx() * 1.55);
    var columns = [$("col-left"), $("col-right")];
    var widest = 0;
    columns.forEach(function (c) {
      c.style.width = "auto";
      for (var i = 0; i < c.children.length; i++) {
        c.children[i].style.height = head.row + "px";
        c.children[i].style.lineHeight = head.row + "px";
      }
      widest = Math.max(widest, c.scrollWidth);
    });
    var columnWidth = Math.min(widest + 8, Math.round(width * 0.3));
    head.leftWidth = columnWidth;
    head.rightWidth = columnWidth;
    var gap = Math.round(fontPx() * 3.2);
    columns.forEach(function (c) {
      c.style.width = columnWidth + "px";
      c.style.top = head.pad + "px";
    });
    $("col-left").style.left = "0px";
    $("col-right").style.left = (width - columnWidth) + "px";
    var canvas = $("head-canvas");
    var total = n * head.row + 2 * head.pad;
    $("head-inner").style.height = total + "px";
    var canvasWidth = Math.max(40, width - 2 * columnWidth - 2 * gap);
    var canvasHeight = Math.min(scroll.clientHeight, total);
    var dpr = window.devicePixelRatio || 1;
    canvas.style.marginLeft = (columnWidth + gap) + "px";
    canvas.style.width = canvasWidth + "px";
    canvas.style.height = canvasHeight + "px";
    canvas.width = Math.round(canvasWidth * dpr);
    canvas.height = Math.round(canvasHeight * dpr);
    head.canvasWidth = canvasWidth;
    head.canvasHeight = canvasHeight;
    head.dpr = dpr;
  }
  function checkedHeads() {
    var list = [];
    for (var h = 0; h < H; h++) { if (state.checked[h]) { list.push(h); } }
    return list;
  }
  // Lines from query i (left) to key j (right), opacity = weight, per checked head; with an
  // active token only its lines. Lines under THRESHOLD are invisible anyway and not drawn.
  function drawHeadView() {
    if (state.view !== "head") { return; }
    var canvas = $("head-canvas");
    var ctx = canvas.getContext("2d");
    ctx.setTransform(head.dpr, 0, 0, head.dpr, 0, 0);
    ctx.clearRect(0, 0, head.canvasWidth, head.canvasHeight);
    head.drawn = [];
    updateTokenMarks();
    if (slotOf[state.layer] === undefined) { return; }
    var top = $("head-scroll").scrollTop;
    var heads = checkedHeads();
    var active = state.active;
    var y = function (i) { return head.pad + i * head.row + head.row / 2 - top; };
    var x0 = 2;
    var x1 = head.canvasWidth - 2;
    ctx.lineWidth = Math.max(1.5, head.row / 14);
    var visibleFrom = (top - head.pad) / head.row - 1;
    var visibleTo = (top + head.canvasHeight - head.pad) / head.row + 1;
    heads.forEach(function (h) {
      ctx.strokeStyle = headColor(h);
      var buckets = [];
      var add = function (i, j) {
        var w = weight(state.layer, h, i, j);
        if (!(w >= THRESHOLD)) { return; }
        if ((i < visibleFrom && j < visibleFrom) || (i > visibleTo && j > visibleTo)) { return; }
        head.drawn.push([h, i, j, w]);
        var b = Math.min(31, Math.floor(w * 32));
        (buckets[b] = buckets[b] || []).push(i, j);
      };
      for (var a = 0; a < n; a++) {
        if (active) {
          if (active.side === "left") { add(active.index, a); } else { add(a, active.index); }
        } else {
          for (var b2 = 0; b2 < n; b2++) { add(a, b2); }
        }
      }
      for (var b = 0; b < buckets.length; b++) {
        if (!buckets[b]) { continue; }
        ctx.globalAlpha = Math.min(1, (b + 0.5) / 32);
        ctx.beginPath();
        var pairs = buckets[b];
        for (var p = 0; p < pairs.length; p += 2) {
          ctx.moveTo(x0, y(pairs[p]));
          ctx.lineTo(x1, y(pairs[p + 1]));
        }
        ctx.stroke();
      }
    });
    ctx.globalAlpha = 1;
  }
  // The active token in bold; beside each token of the other column its weight (one head) or
  // the mean of the checked heads, formatted as the tables are.
  function updateTokenMarks() {
    var active = state.active;
    var heads = checkedHeads();
    var info = "Hover or tap a token to keep only its lines; tap again to let go.";
    ["left", "right"].forEach(function (side) {
      var tokens = $("col-" + side).children;
      for (var i = 0; i < tokens.length; i++) {
        var isActive = active && active.side === side && active.index === i;
        tokens[i].classList.toggle("active", !!isActive);
        var label = tokens[i].lastChild;
        label.textContent = "";
        if (!active || active.side === side || heads.length === 0) { continue; }
        var q = side === "right" ? active.index : i;
        var k = side === "right" ? i : active.index;
        if (masked(q, k)) { label.textContent = "\u00b7"; continue; }
        var sum = 0;
        heads.forEach(function (h) { sum += weight(state.layer, h, q, k); });
        if (!isNaN(sum)) { label.textContent = formatFixed(sum / heads.length, 2); }
      }
    });
    if (active) {
      var what = active.side === "left" ?
        "query " + quoted(active.index) + " and the keys it attends to" :
        "key " + quoted(active.index) + " and the queries that attend to it";
      var numbers = heads.length === 1 ? "numbers: head " + (heads[0] + 1) :
        "numbers: mean of the " + heads.length + " heads shown";
      info = "Layer " + (state.layer + 1) + " \u00b7 " + what + " \u00b7 " + numbers +
        (active.locked ? " \u00b7 tap it again to let go" : "");
    }
    if (slotOf[state.layer] === undefined) {
      info = "Layer " + (state.layer + 1) + " is not in this page.";
    }
    $("head-info").textContent = info;
  }
  function onTokenEnter(event) {
    var token = event.currentTarget;
    var side = token.dataset.side;
    var index = +token.dataset.index;
    if (state.active && state.active.locked) {
      if (state.active.side !== side) { showPairTooltip(token, side, index); }
      return;
    }
    state.active = { side: side, index: index, locked: false };
    drawHeadView();
  }
  function onTokenClick(event) {
    var token = event.currentTarget;
    var side = token.dataset.side;
    var index = +token.dataset.index;
    var a = state.active;
    if (a && a.locked && a.side === side && a.index === index) {
      state.active = null;
    } else {
      state.active = { side: side, index: index, locked: true };
    }
    hideTooltip();
    drawHeadView();
  }
  // Every head's weight between the locked token and the hovered one.
  function showPairTooltip(token, side, index) {
    var a = state.active;
    var q = a.side === "left" ? a.index : index;
    var k = a.side === "left" ? index : a.index;
    var lines = [quoted(q) + " \u2192 " + quoted(k) + ", layer " + (state.layer + 1)];
    checkedHeads().forEach(function (h) {
      var w = weight(state.layer, h, q, k);
      lines.push("head " + (h + 1) + ": " + (masked(q, k) ? "masked" : formatFixed(w, 2)));
    });
    var box = token.getBoundingClientRect();
    showTooltip(lines.join("\n"), side === "right" ? box.right + 8 : box.left - 8, box.top,
      side === "left");
  }
  function showTooltip(text, x, y, alignRight) {
    var tip = $("tooltip");
    tip.textContent = text;
    tip.hidden = false;
    var width = tip.offsetWidth;
    var height = tip.offsetHeight;
    var left = alignRight ? x - width : x;
    left = Math.max(4, Math.min(window.innerWidth - width - 4, left));
    var top = Math.max(4, Math.min(window.innerHeight - height - 4, y));
    tip.style.left = left + "px";
    tip.style.top = top + "px";
  }
  function hideTooltip() { $("tooltip").hidden = true; }

  // ---- heatmap -----------------------------------------------------------------------------
  // One head as a labelled grid with a colour bar; the hovered cell's row and column are
  // outlined and its value shown above the grid and beside the pointer.
  function Heatmap(box) {
    this.box = box;
    this.canvas = element("canvas");
    this.overlay = element("canvas");
    this.title = element("div", "heatmap-title");
    this.readout = element("div", "readout");
    this.readout.setAttribute("aria-live", "polite");
    box.appendChild(this.title);
    box.appendChild(this.readout);
    box.appendChild(this.canvas);
    box.appendChild(this.overlay);
    var self = this;
    this.overlay.addEventListener("mousemove", function (event) { self.hover(event); });
    this.overlay.addEventListener("mouseleave", function () { self.unhover(); });
  }
  Heatmap.prototype.show = function (layer, h) {
    this.layer = layer;
    this.head = h;
    this.title.textContent = "Layer " + (layer + 1) + " of " + data.layerCount + " \u00b7 head " +
      (h + 1) + " of " + H + (gqa ? " \u00b7 " + kvText(h) : "") +
      " \u00b7 rows: queries (attend from), columns: keys";
    this.render();
  };
  Heatmap.prototype.render = function () {
    var box = this.box;
    var width = box.clientWidth;
    var height = box.clientHeight;
    if (width === 0 || height === 0) { return; }
    var font = Math.round(fontPx() * 0.8);
    var ctx = this.canvas.getContext("2d");
    ctx.font = font + "px " + getComputedStyle(document.body).fontFamily;
    var labelWidth = 0;
    for (var i = 0; i < n; i++) {
      labelWidth = Math.max(labelWidth, ctx.measureText(data.tokens[i]).width);
    }
    labelWidth = Math.min(Math.ceil(labelWidth) + 8, Math.round(width * 0.2));
    var headerHeight = this.readout.offsetTop + this.readout.offsetHeight + 6;
    var barWidth = font * 4;
    var fit = Math.min((width - labelWidth - barWidth - 16) / n,
      (height - headerHeight - labelWidth - 8) / n);
    // Whole pixels while cells are large; hundreds of tokens get fractional cells that fit.
    var cell = Math.max(0.02, Math.min(fit >= 3 ? Math.floor(fit) : fit, 72));
    var g = { font: font, labelWidth: labelWidth, cell: cell, top: headerHeight,
      x: labelWidth + 6, y: headerHeight + labelWidth + 4, stride: Math.ceil((font + 2) / cell) };
    this.g = g;
    this.box.dataset.grid = [g.x, g.y, g.cell].join(",");
    var dpr = window.devicePixelRatio || 1;
    [this.canvas, this.overlay].forEach(function (c) {
      c.width = Math.round(width * dpr);
      c.height = Math.round(height * dpr);
      c.style.width = width + "px";
      c.style.height = height + "px";
    });
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, width, height);
    this.drawCells(ctx, g);
    this.drawLabels(ctx, g, -1, -1);
    this.drawBar(ctx, g);
    this.unhover();
  };
  Heatmap.prototype.drawCells = function (ctx, g) {
    var image = ctx.createImageData(n, n);
    var panel = cssVar("--panel");
    var p = parseInt(panel.slice(1), 16);
    for (var i = 0; i < n; i++) {
      for (var j = 0; j < n; j++) {
        var o = 4 * (i * n + j);
        var rgb = masked(i, j) ? [p >> 16, (p >> 8) & 255, p & 255] :
          mapColor(weight(this.layer, this.head, i, j));
        image.data[o] = rgb[0]; image.data[o + 1] = rgb[1]; image.data[o + 2] = rgb[2];
        image.data[o + 3] = 255;
      }
    }
    var tile = document.createElement("canvas");
    tile.width = n;
    tile.height = n;
    tile.getContext("2d").putImageData(image, 0, 0);
    // Cells of a pixel or more stay sharp; smaller ones are smoothed rather than skipped.
    ctx.imageSmoothingEnabled = g.cell < 1;
    ctx.drawImage(tile, g.x, g.y, g.cell * n, g.cell * n);
  };
  // Token labels down the left (queries) and up the top (keys); every stride-th when cells are
  // smaller than the text. The hovered row and column are bold.
  Heatmap.prototype.drawLabels = function (ctx, g, row, column) {
    var family = getComputedStyle(document.body).fontFamily;
    ctx.fillStyle = cssVar("--fg");
    ctx.textBaseline = "middle";
    for (var i = 0; i < n; i++) {
      if (i % g.stride !== 0 && i !== row && i !== column) { continue; }
      var text = clip(ctx, data.tokens[i], g.labelWidth - 6);
      ctx.font = (i === row ? "bold " : "") + g.font + "px " + family;
      ctx.textAlign = "right";
      ctx.fillText(text, g.x - 4, g.y + (i + 0.5) * g.cell);
      ctx.save();
      ctx.font = (i === column ? "bold " : "") + g.font + "px " + family;
      ctx.translate(g.x + (i + 0.5) * g.cell, g.y - 4);
      ctx.rotate(-Math.PI / 2);
      ctx.textAlign = "left";
      ctx.fillText(text, 0, 0);
      ctx.restore();
    }
  };
  function ordinalSuffix(k) {
    if (k % 100 >= 11 && k % 100 <= 13) { return "th"; }
    return ["th", "st", "nd", "rd"][k % 10] || "th";
  }
  function clip(ctx, text, width) {
    if (ctx.measureText(text).width <= width) { return text; }
    var chars = Array.from(text);
    while (chars.length > 1 && ctx.measureText(chars.join("") + "\u2026").width > width) {
      chars.pop();
    }
    return chars.join("") + "\u2026";
  }
  Heatmap.prototype.drawBar = function (ctx, g) {
    var x = g.x + g.cell * n + 12;
    var height = Math.round(Math.max(g.cell * n, 60));
    var barWidth = Math.round(g.font * 1.1);
    for (var k = 0; k < height; k++) {
      var rgb = mapColor(1 - k / (height - 1));
      ctx.fillStyle = "rgb(" + rgb.join(",") + ")";
      ctx.fillRect(x, g.y + k, barWidth, 1);
    }
    ctx.fillStyle = cssVar("--fg");
    ctx.textAlign = "left";
    ctx.textBaseline = "middle";
    ctx.font = g.font + "px " + getComputedStyle(document.body).fontFamily;
    [1, 0.5, 0].forEach(function (t) {
      ctx.fillText(formatFixed(t, 1), x + barWidth + 4, g.y + (1 - t) * (height - 1));
    });
  };
  Heatmap.prototype.cellAt = function (event) {
    var rect = this.overlay.getBoundingClientRect();
    var g = this.g;
    var column = Math.floor((event.clientX - rect.left - g.x) / g.cell);
    var row = Math.floor((event.clientY - rect.top - g.y) / g.cell);
    if (row < 0 || column < 0 || row >= n || column >= n) { return null; }
    return [row, column];
  };
  Heatmap.prototype.hover = function (event) {
    var at = this.cellAt(event);
    if (!at) { this.unhover(); return; }
    if (this.hovered && this.hovered[0] === at[0] && this.hovered[1] === at[1]) {
      return this.moveTip(event);
    }
    this.hovered = at;
    var g = this.g;
    var ctx = this.overlay.getContext("2d");
    var dpr = window.devicePixelRatio || 1;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, this.overlay.width, this.overlay.height);
    ctx.fillStyle = cssVar("--bg");
    ctx.fillRect(0, g.y - 2, g.x - 1, g.cell * n + 4);
    ctx.fillRect(g.x - 2, g.top, g.cell * n + 4, g.y - 1 - g.top);
    this.drawLabels(ctx, g, at[0], at[1]);
    ctx.strokeStyle = cssVar("--fg");
    ctx.lineWidth = 2;
    ctx.strokeRect(g.x, g.y + at[0] * g.cell, g.cell * n, g.cell);
    ctx.strokeRect(g.x + at[1] * g.cell, g.y, g.cell, g.cell * n);
    ctx.strokeStyle = cssVar("--bg");
    ctx.strokeRect(g.x + at[1] * g.cell + 2, g.y + at[0] * g.cell + 2, g.cell - 4, g.cell - 4);
    var text = quoted(at[0]) + " \u2192 " + quoted(at[1]) + ": " + this.valueText(at[0], at[1]);
    this.readout.textContent = text;
    this.box.dataset.hover = at[0] + "," + at[1];
    this.moveTip(event);
  };
  Heatmap.prototype.valueText = function (i, j) {
    if (masked(i, j)) { return "masked (causal)"; }
    return formatFixed(weight(this.layer, this.head, i, j), 2);
  };
  Heatmap.prototype.moveTip = function (event) {
    if (!this.hovered) { return; }
    showTooltip(this.valueText(this.hovered[0], this.hovered[1]), event.clientX + 14,
      event.clientY + 14, false);
  };
  Heatmap.prototype.unhover = function () {
    this.hovered = null;
    delete this.box.dataset.hover;
    var stride = this.g ? this.g.stride : 1;
    this.readout.textContent = "Point at a cell: query \u2192 key and its weight" +
      (stride > 1 ? " \u00b7 labels: every " + stride + ordinalSuffix(stride) + " token" : "");
    var ctx = this.overlay.getContext("2d");
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.clearRect(0, 0, this.overlay.width, this.overlay.height);
    hideTooltip();
  };

  // ---- model view -------------------------------------------------------------------------
  var model = { built: false, cells: [] };
  // Layers run down and heads across, as in BertViz; a deep model's layers wrap into blocks
  // side by side (layers 1-10 | 11-20 | 21-30), as many blocks as give the largest maps, so 30
  // layers x 9 heads fit 1366x768 without scrolling. A cell is its map plus a 2 px border on each
  // side, and the grid's gap is 3 px.
  function modelLayout(width, height) {
    var em = fontPx();
    var labelWidth = em * 4;
    var headerHeight = em * (gqa ? 2.6 : 1.5);
    var best = null;
    for (var blocks = 1; blocks <= data.layerCount; blocks++) {
      var rows = Math.ceil(data.layerCount / blocks);
      if (best && rows === best.rows) { continue; }
      var across = (width - blocks * (labelWidth + 3 * (H + 1)) - (blocks - 1) * em) /
        (blocks * H) - 4;
      var down = (height - headerHeight) / rows - 7;
      var size = Math.floor(Math.min(across, down));
      if (!best || size > best.size) { best = { blocks: blocks, rows: rows, size: size }; }
    }
    best.size = Math.max(24, Math.min(best.size, 160));
    return best;
  }
  function placed(node, row, column, span) {
    node.style.gridRow = String(row);
    node.style.gridColumn = column + (span ? " / span " + span : "");
    return node;
  }
  function buildModelGrid() {
    var grid = $("model-grid");
    grid.textContent = "";
    model.cells = [];
    var layout = modelLayout(grid.clientWidth, grid.clientHeight);
    var size = layout.size;
    var em = fontPx();
    var template = [];
    for (var b = 0; b < layout.blocks; b++) {
      if (b > 0) { template.push(em + "px"); }
      template.push("auto repeat(" + H + ", " + (size + 4) + "px)");
    }
    grid.style.gridTemplateColumns = template.join(" ");
    // Column of block b's label; its heads follow, then a spacer before the next block.
    function labelColumn(b) { return 1 + b * (H + 2); }
    var headerRow = gqa ? 2 : 1;
    var wide = size + 4 >= em * 0.75 * 4;
    for (var block = 0; block < layout.blocks; block++) {
      var first = labelColumn(block);
      if (gqa) {
        for (var k = 0; k < data.keyValueHeads; k++) {
          var kv = element("div", "kv-head", "K/V " + (k + 1));
          kv.title = kvText(k * groupSize);
          grid.appendChild(placed(kv, 1, first + 1 + k * groupSize, groupSize));
        }
      }
      grid.appendChild(placed(element("div", "col-head", wide ? "" : "head"), headerRow, first));
      for (var h = 0; h < H; h++) {
        var label = element("div", "col-head", (wide ? "head " : "") + (h + 1));
        grid.appendChild(placed(label, headerRow, first + 1 + h));
      }
    }
    for (var l = 0; l < data.layerCount; l++) {
      var column = labelColumn(Math.floor(l / layout.rows));
      var row = headerRow + 1 + l % layout.rows;
      grid.appendChild(placed(element("div", "row-head", "layer " + (l + 1)), row, column));
      for (var hh = 0; hh < H; hh++) {
        var cell = element("button", "cell");
        cell.type = "button";
        cell.dataset.layer = String(l);
        cell.dataset.head = String(hh);
        cell.setAttribute("aria-label", "layer " + (l + 1) + ", head " + (hh + 1) +
          (gqa ? " (" + kvText(hh) + ")" : ""));
        var canvas = element("canvas");
        canvas.style.width = size + "px";
        canvas.style.height = size + "px";
        cell.appendChild(canvas);
        if (slotOf[l] === undefined) {
          cell.classList.add("missing");
          cell.title = "layer " + (l + 1) + " is not in this page";
          cell.disabled = true;
        } else {
          drawThumbnail(canvas, l, hh, size);
          cell.addEventListener("click", onCellClick);
        }
        grid.appendChild(placed(cell, row, column + 1 + hh));
        model.cells.push(cell);
      }
    }
    grid.dataset.blocks = String(layout.blocks);
    model.built = true;
    markFocusedCell();
  }
  // The head's map at the thumbnail's resolution: each pixel the mean of its block of weights.
  function drawThumbnail(canvas, layer, h, size) {
    var side = Math.min(n, Math.round(size * (window.devicePixelRatio || 1)));
    canvas.width = side;
    canvas.height = side;
    var ctx = canvas.getContext("2d");
    var image = ctx.createImageData(side, side);
    for (var py = 0; py < side; py++) {
      var i0 = Math.floor(py * n / side);
      var i1 = Math.max(i0 + 1, Math.floor((py + 1) * n / side));
      for (var px = 0; px < side; px++) {
        var j0 = Math.floor(px * n / side);
        var j1 = Math.max(j0 + 1, Math.floor((px + 1) * n / side));
        var sum = 0;
        for (var i = i0; i < i1; i++) {
          for (var j = j0; j < j1; j++) { sum += weight(layer, h, i, j); }
        }
        var rgb = mapColor(sum / ((i1 - i0) * (j1 - j0)));
        var o = 4 * (py * side + px);
        image.data[o] = rgb[0]; image.data[o + 1] = rgb[1]; image.data[o + 2] = rgb[2];
        image.data[o + 3] = 255;
      }
    }
    ctx.putImageData(image, 0, 0);
  }
  function onCellClick(event) {
    var cell = event.currentTarget;
    state.layer = +cell.dataset.layer;
    state.head = +cell.dataset.head;
    syncControls();
    markFocusedCell();
    openZoom();
  }
  function markFocusedCell() {
    model.cells.forEach(function (cell) {
      var on = +cell.dataset.layer === state.layer && +cell.dataset.head === state.head;
      cell.classList.toggle("focused", on);
    });
  }
  function focusedCell() {
    return model.cells[state.layer * H + state.head];
  }

  // ---- zoom --------------------------------------------------------------------------------
  var zoomMap = null;
  var mainMap = null;
  function openZoom() {
    if (slotOf[state.layer] === undefined) { return; }
    $("zoom").hidden = false;
    $("zoom-title").textContent = "Layer " + (state.layer + 1) + ", head " + (state.head + 1);
    zoomMap.show(state.layer, state.head);
    $("zoom-close").focus();
  }
  function closeZoom() {
    if ($("zoom").hidden) { return; }
    $("zoom").hidden = true;
    hideTooltip();
    if (state.view === "model" && focusedCell()) { focusedCell().focus(); }
  }
  function zoomOpen() { return !$("zoom").hidden; }

  // ---- views and keys ------------------------------------------------------------------------
  function setView(name) {
    state.view = name;
    ["head", "model", "heatmap"].forEach(function (v) {
      $("tab-" + v).setAttribute("aria-selected", v === name ? "true" : "false");
      $("view-" + v).hidden = v !== name;
    });
    hideTooltip();
    render();
  }
  function render() {
    syncControls();
    if (state.view === "head") { layoutHeadView(); drawHeadView(); }
    if (state.view === "model") {
      if (!model.built) { buildModelGrid(); } else { markFocusedCell(); }
    }
    if (state.view === "heatmap") { mainMap.show(state.layer, state.head); }
    if (zoomOpen()) { openZoom(); }
  }
  function embeddedLayers() { return data.layers; }
  function setLayer(layer) {
    if (slotOf[layer] === undefined) { return; }
    state.layer = layer;
    render();
  }
  function stepLayer(delta) {
    var list = embeddedLayers();
    var at = list.indexOf(state.layer);
    var next = list[Math.max(0, Math.min(list.length - 1, at + delta))];
    setLayer(next);
  }
  function setHead(h, alone) {
    state.head = Math.max(0, Math.min(H - 1, h));
    if (alone) {
      for (var k = 0; k < H; k++) { state.checked[k] = k === state.head; }
    }
    render();
  }
  document.addEventListener("keydown", function (event) {
    if (event.altKey || event.ctrlKey || event.metaKey) { return; }
    var tag = event.target && event.target.tagName;
    if (tag === "SELECT" && /^Arrow/.test(event.key)) { return; }
    switch (event.key) {
      case "Escape":
        if (zoomOpen()) {
          closeZoom();
        } else if (state.active) {
          state.active = null;
          drawHeadView();
        }
        break;
      case "ArrowUp": stepLayer(-1); break;
      case "ArrowDown": stepLayer(1); break;
      case "ArrowLeft": setHead(state.head - 1, state.view === "head"); break;
      case "ArrowRight": setHead(state.head + 1, state.view === "head"); break;
      case "Enter":
        if (state.view === "model" && !zoomOpen() && tag !== "BUTTON") { openZoom(); break; }
        return;
      case "Tab":
        // The large map is a modal dialog: focus stays on its close button.
        if (!zoomOpen()) { return; }
        $("zoom-close").focus();
        break;
      case "a": case "A": checkAll(); break;
      case "1": setView("head"); break;
      case "2": setView("model"); break;
      case "3": setView("heatmap"); break;
      default: return;
    }
    if (state.view === "model" && !zoomOpen() && focusedCell() &&
      /^Arrow/.test(event.key)) { focusedCell().focus(); }
    event.preventDefault();
  });
  var resizeTimer = 0;
  window.addEventListener("resize", function () {
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(function () { model.built = false; render(); }, 120);
  });
  if (window.matchMedia) {
    window.matchMedia("(prefers-color-scheme: dark)").addEventListener("change", function () {
      model.built = false;
      render();
    });
  }

  // Printing (the hand-out): every view on its own page, drawn for the page, without the
  // controls; the screen comes back as it was.
  var viewBeforePrint = null;
  window.addEventListener("beforeprint", function () {
    if (viewBeforePrint !== null) { return; }
    viewBeforePrint = state.view;
    closeZoom();
    document.body.classList.add("printing");
    ["head", "model", "heatmap"].forEach(function (v) { $("view-" + v).hidden = false; });
    state.view = "head"; layoutHeadView(); drawHeadView();
    model.built = false; buildModelGrid();
    mainMap.show(state.layer, state.head);
    state.view = viewBeforePrint;
  });
  window.addEventListener("afterprint", function () {
    if (viewBeforePrint === null) { return; }
    document.body.classList.remove("printing");
    var view = viewBeforePrint;
    viewBeforePrint = null;
    model.built = false;
    setView(view);
  });

  buildControls();
  buildHeadView();
  mainMap = new Heatmap($("heatmap-main"));
  zoomMap = new Heatmap($("zoom-heatmap"));
  render();
  document.body.dataset.readyAt = String(Math.round(performance.now()));
  document.body.dataset.ready = "true";
  // For the browser tests: what the head view drew, and the number rule.
  window.attnvizPage = {
    linesDrawn: function () { return head.drawn.slice(); },
    formatFixed: formatFixed,
    state: state
  };
  })();
  """#
